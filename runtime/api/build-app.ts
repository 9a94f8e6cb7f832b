import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { createError, isOutputstraatError, type OutputstraatError } from '../../core/errors/index.js';
import type { Logger } from '../../platform/log.js';
import { TokenBuckets } from '../../platform/rate-limit/token-buckets.js';
import type { LinkTokens } from '../dossiers/index.js';
import type { RuntimeMetrics } from '../metrics/index.js';
import { type PagesOptions, registerPages } from '../pages/index.js';
import { registerArchiveRoutes } from './archive-routes.js';
import { apiCaller } from './authenticate.js';
import { registerDebtorRoutes } from './debtor-routes.js';
import { registerEventRoutes } from './event-routes.js';
import { registerIdempotency } from './idempotency.js';
import { buildOpenApi, collectRouteDocs } from './openapi.js';
import { type RateLimitSettings, rateLimitFromEnv, takeOrRefuse } from './rate-limit.js';
import { registerReceivableChangeRoutes } from './receivable-change-routes.js';
import { type ReceivableRouteDeps, registerReceivableRoutes } from './receivable-routes.js';
import { RouteLogController } from './route-log-controller.js';
import { registerStaffFormRoutes } from './staff-routes.js';
import { trustProxyFromEnv } from './trust-proxy.js';

export interface ReadinessCheck {
  name: string;
  check(): Promise<boolean> | boolean;
}

export interface AppDeps extends ReceivableRouteDeps {
  log: Logger;
  metrics: RuntimeMetrics;
  readiness: ReadinessCheck[];
  /** Requests per API key; from OST_RATE_LIMIT_PER_SECOND when not given. */
  rateLimit?: RateLimitSettings;
  /** Debtor pages, PSP webhook and form routes (runtime/pages); absent in apps that serve only the API. */
  pages?: PagesOptions;
  /** Link tokens: archived messages are served with their links put back (runtime/dossiers/link-seal.ts). */
  links: LinkTokens;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The corporation of the bearer API key, set before the handler runs when the key is known. */
    corporation: string;
  }
}

const JSON_BODY_LIMIT = 1024 * 1024;

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.log as FastifyBaseLogger,
    bodyLimit: JSON_BODY_LIMIT,
    // Ids in paths are at most 100 characters (core/receivable/schema.ts); a longer one reaches its route,
    // which names the field in a 400/404 instead of the router's bare 414.
    maxParamLength: 1024,
    // Request ids in logs, never bodies: they carry debtor data.
    requestIdHeader: 'x-request-id',
    logController: new RouteLogController(),
    // request.ip (per-address limits of the debtor pages) behind a proxy: docs/operations.md.
    trustProxy: trustProxyFromEnv(),
  });
  // NDJSON bodies are streamed to the handler untouched; no body limit applies to them.
  app.addContentTypeParser(
    'application/x-ndjson',
    { bodyLimit: Number.MAX_SAFE_INTEGER },
    (_req, payload, done) => done(null, payload),
  );

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    let err: OutputstraatError;
    if (isOutputstraatError(error)) err = error;
    else if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      err = createError('OST_ERR_BODY_TOO_LARGE', [JSON_BODY_LIMIT, 'send bulk as application/x-ndjson']);
    } else if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      err = createError('OST_ERR_UNSUPPORTED_MEDIA', [request.headers['content-type'] ?? 'none']);
    } else if (error.statusCode === 400) {
      err = createError('OST_ERR_VALIDATION', [`(body) ${error.message}`]);
    } else {
      request.log.error({ err: error }, 'unhandled error');
      err = createError('OST_ERR_INTERNAL');
    }
    if (err.statusCode >= 500) request.log.warn({ code: err.code }, err.problem);
    if (err.code === 'OST_ERR_RATE_LIMITED')
      reply.header('retry-after', String(err.details?.retryAfter ?? 1));
    return reply.code(err.statusCode).send({
      code: err.code,
      message: err.message,
      ...(err.details ? err.details : {}),
      requestId: request.id,
    });
  });

  // A request with a known API key counts against that key's rate limit, whatever the route; routes
  // documented as authenticated refuse a request without one before their handler runs. Routes with
  // their own callers (provider callbacks, signed by the provider) are left alone.
  const limiter = new TokenBuckets(deps.rateLimit ?? rateLimitFromEnv());
  app.decorateRequest('corporation', '');
  app.addHook('onRequest', async (request) => {
    const caller = apiCaller(request, deps.bundles);
    if (caller) {
      takeOrRefuse(limiter, caller.keyHash);
      request.corporation = caller.corporation;
    } else if (request.routeOptions.config.openapi?.auth) {
      throw createError('OST_ERR_UNAUTHORIZED');
    }
  });
  registerIdempotency(app, deps.db);

  const documented = collectRouteDocs(app);
  const open = (summary: string) => ({ openapi: { summary, auth: false, responses: {}, errors: [] } });
  app.get('/healthz', { config: open('Process is up') }, async () => ({ status: 'ok' }));
  app.get(
    '/readyz',
    { config: open('PostgreSQL, NATS and config are ready (503 names what is not)') },
    async (_request, reply) => {
      const results = await Promise.all(
        deps.readiness.map(async (r) => ({
          name: r.name,
          ok: await Promise.resolve(r.check()).catch(() => false),
        })),
      );
      const failing = results.filter((r) => !r.ok).map((r) => r.name);
      return reply.code(failing.length === 0 ? 200 : 503).send({ ready: failing.length === 0, failing });
    },
  );
  app.get('/metrics', { config: open('Prometheus metrics') }, async (_request, reply) =>
    reply.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics()),
  );
  registerReceivableRoutes(app, deps);
  registerReceivableChangeRoutes(app, deps);
  registerEventRoutes(app, deps);
  registerArchiveRoutes(app, deps);
  registerDebtorRoutes(app, deps);
  registerStaffFormRoutes(app, deps);
  await registerPages(app, deps);
  let openapi: unknown;
  app.get('/openapi.json', { config: open('This document') }, async () => {
    openapi ??= buildOpenApi(documented);
    return openapi;
  });
  return app;
}
