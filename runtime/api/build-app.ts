import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { createError, type OutputstraatError } from '../../core/errors/index.js';
import type { Logger } from '../../platform/log.js';
import { TokenBuckets } from '../../platform/rate-limit/token-buckets.js';
import type { RuntimeMetrics } from '../metrics/index.js';
import { type PagesOptions, registerPages } from '../pages/index.js';
import { sendErrorPage, servesPage } from '../web/index.js';
import { registerArchiveRoutes } from './archive-routes.js';
import { apiCaller } from './authenticate.js';
import { answerClientError, JSON_BODY_LIMIT, registryErrorOf, sendApiError } from './error-answers.js';
import { registerEventRoutes } from './event-routes.js';
import { registerIdempotency } from './idempotency.js';
import { registerInputGuards } from './input-guards.js';
import { buildOpenApi } from './openapi.js';
import { type RateLimitSettings, rateLimitFromEnv, takeOrRefuse } from './rate-limit.js';
import { registerReceivableChangeRoutes } from './receivable-change-routes.js';
import { type ReceivableRouteDeps, registerReceivableRoutes } from './receivable-routes.js';
import { RouteLogController } from './route-log-controller.js';
import { collectRouteTable } from './route-table.js';
import { registerStaffFormRoutes } from './staff-routes.js';

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
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The corporation of the bearer API key, set before the handler runs when the key is known. */
    corporation: string;
  }
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  // Debtor pages answer errors with the HTML error page, everything else with the JSON error body.
  const answer = (request: FastifyRequest, reply: FastifyReply, err: OutputstraatError) =>
    deps.pages && servesPage(request, deps.bundles)
      ? sendErrorPage(request, reply, err.statusCode, err.code)
      : sendApiError(request, reply, err);
  const app = Fastify({
    loggerInstance: deps.log as FastifyBaseLogger,
    bodyLimit: JSON_BODY_LIMIT,
    // Request ids in logs, never bodies: they carry debtor data.
    requestIdHeader: 'x-request-id',
    logController: new RouteLogController(),
    // A request without Host gets our 400 (input-guards.ts) rather than node's empty one.
    http: { requireHostHeader: false },
    frameworkErrors: (error, request, reply) => answer(request, reply, registryErrorOf(error, request)),
    clientErrorHandler: answerClientError(deps.log as FastifyBaseLogger),
  });
  // NDJSON bodies are streamed to the handler untouched; no body limit applies to them.
  app.addContentTypeParser(
    'application/x-ndjson',
    { bodyLimit: Number.MAX_SAFE_INTEGER },
    (_req, payload, done) => done(null, payload),
  );

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) =>
    answer(request, reply, registryErrorOf(error, request)),
  );
  app.setNotFoundHandler((request, reply) =>
    answer(
      request,
      reply,
      createError('OST_ERR_NOT_FOUND', [`${request.method} ${request.url.split('?')[0]}`]),
    ),
  );
  registerInputGuards(app);

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

  const routeTable = collectRouteTable(app);
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
  registerStaffFormRoutes(app, deps);
  await registerPages(app, deps);
  let openapi: unknown;
  app.get('/openapi.json', { config: open('This document') }, async () => {
    openapi ??= buildOpenApi(routeTable);
    return openapi;
  });
  return app;
}
