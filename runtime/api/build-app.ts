import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { createError, type OutputstraatError } from '../../core/errors/index.js';
import type { Logger } from '../../platform/log.js';
import { packageVersion } from '../../platform/package-root.js';
import { TokenBuckets } from '../../platform/rate-limit/token-buckets.js';
import { environmentSecrets, type SecretLookup } from '../../platform/secrets.js';
import { registerConsole } from '../console/index.js';
import type { LinkTokens } from '../dossiers/index.js';
import type { RuntimeMetrics } from '../metrics/index.js';
import { type PagesOptions, registerPages } from '../pages/index.js';
import { sendErrorPage, servesPage } from '../web/index.js';
import { registerArchiveRoutes } from './archive-routes.js';
import { apiCaller } from './authenticate.js';
import type { BulkLimits } from './bulk-intake.js';
import { registerDeadLetterRoutes } from './dead-letter-routes.js';
import { registerDebtorRoutes } from './debtor-routes.js';
import { registerEarlySignalRoutes } from './early-signal-routes.js';
import { answerClientError, JSON_BODY_LIMIT, registryErrorOf, sendApiError } from './error-answers.js';
import { registerEventRoutes } from './event-routes.js';
import { registerExperimentRoutes } from './experiment-routes.js';
import { registerIdempotency } from './idempotency.js';
import { type IngressLimits, ingressLimitsFromEnv } from './ingress-limits.js';
import { registerInputGuards } from './input-guards.js';
import { buildOpenApi } from './openapi.js';
import { registerOutcomeRoutes } from './outcome-routes.js';
import {
  linesRateLimitFromEnv,
  type RateLimitSettings,
  rateLimitFromEnv,
  singleLaneFromEnv,
  takeOrRefuse,
} from './rate-limit.js';
import { registerReceivableChangeRoutes } from './receivable-change-routes.js';
import { type ReceivableRouteDeps, registerReceivableRoutes } from './receivable-routes.js';
import { registerReplayRoutes } from './replay-routes.js';
import { registerReplyRoutes } from './reply-routes.js';
import { RouteLogController } from './route-log-controller.js';
import { collectRouteTable } from './route-table.js';
import { registerSafeParams } from './safe-params.js';
import { registerStaffFormRoutes } from './staff-routes.js';
import { trustProxyFromEnv } from './trust-proxy.js';

export interface ReadinessCheck {
  name: string;
  check(): Promise<boolean> | boolean;
}

export interface AppDeps extends Omit<ReceivableRouteDeps, 'bulk' | 'singleLane'> {
  log: Logger;
  metrics: RuntimeMetrics;
  readiness: ReadinessCheck[];
  /** Requests per API key; from OST_RATE_LIMIT_PER_SECOND when not given. */
  rateLimit?: RateLimitSettings;
  /** NDJSON lines per API key; from OST_RATE_LIMIT_LINES_PER_SECOND when not given. */
  linesRateLimit?: RateLimitSettings;
  /** Single posts per second per corporation on intake's lane of single posts (rate-limit.ts). */
  singleLane?: RateLimitSettings;
  /** Byte caps and HTTP timeouts; from the environment when not given (ingress-limits.ts). */
  limits?: IngressLimits;
  /** Debtor pages, PSP webhook and form routes (runtime/pages); absent in apps that serve only the API. */
  pages?: PagesOptions;
  /** Link tokens: archived messages are served with their links put back (runtime/dossiers/link-seal.ts). */
  links: LinkTokens;
  /** Secret values (the console's OIDC client secrets); from the environment when not given. */
  secrets?: SecretLookup;
  /** The clock of payments and status changes fed to cases (default: the system clock). */
  now?: () => Date;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The corporation of the bearer API key, set before the handler runs when the key is known. */
    corporation: string;
    /** SHA-256 of that key: whose rate limits a request counts against. */
    apiKeyHash: string;
  }
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const limits = deps.limits ?? ingressLimitsFromEnv();
  // Debtor pages answer errors with the HTML error page, everything else with the JSON error body.
  const answer = (request: FastifyRequest, reply: FastifyReply, err: OutputstraatError) =>
    deps.pages && servesPage(request, deps.bundles)
      ? sendErrorPage(request, reply, err.statusCode, err.code)
      : sendApiError(request, reply, err);
  const app = Fastify({
    loggerInstance: deps.log as FastifyBaseLogger,
    bodyLimit: JSON_BODY_LIMIT,
    // Ids in paths are at most 100 characters (core/receivable/schema.ts); a longer one reaches its route,
    // which names the field in a 400/404 instead of the router's bare 414.
    routerOptions: { maxParamLength: 1024 },
    // A client that sends nothing, its headers or its body too slowly holds a connection no longer than
    // these; Node checks them every few seconds (connectionsCheckingInterval).
    requestTimeout: limits.requestTimeoutMs,
    connectionTimeout: limits.idleTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    http: {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: Math.min(5_000, Math.ceil(limits.headersTimeoutMs / 2)),
      // A request without Host gets our 400 (input-guards.ts) rather than node's empty one.
      requireHostHeader: false,
    },
    // Request ids in logs, never bodies: they carry debtor data.
    requestIdHeader: 'x-request-id',
    logController: new RouteLogController(),
    // request.ip (per-address limits of the debtor pages) behind a proxy: docs/operations.md.
    trustProxy: trustProxyFromEnv(),
    frameworkErrors: (error, request, reply) => answer(request, reply, registryErrorOf(error, request)),
    clientErrorHandler: answerClientError(deps.log as FastifyBaseLogger),
  });
  // NDJSON bodies are streamed to the handler untouched; bulk-intake.ts bounds them, line by line.
  app.addContentTypeParser(
    'application/x-ndjson',
    { bodyLimit: Number.MAX_SAFE_INTEGER },
    (_req, payload, done) => done(null, payload),
  );

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    const err = registryErrorOf(error, request);
    // The rest of a body too large is not read: the connection cannot carry another request.
    if (err.code === 'OST_ERR_BODY_TOO_LARGE') reply.header('connection', 'close');
    return answer(request, reply, err);
  });
  app.setNotFoundHandler((request, reply) =>
    answer(
      request,
      reply,
      createError('OST_ERR_NOT_FOUND', [`${request.method} ${request.url.split('?')[0]}`]),
    ),
  );

  // A request with a known API key counts against that key's rate limit, whatever the route; routes
  // documented as authenticated refuse a request without one before their handler runs. Routes with
  // their own callers (provider callbacks, signed by the provider) are left alone.
  const limiter = new TokenBuckets(deps.rateLimit ?? rateLimitFromEnv());
  const bulk: BulkLimits = {
    maxLineBytes: limits.ndjsonMaxLineBytes,
    maxBodyBytes: limits.ndjsonMaxBodyBytes,
    lines: new TokenBuckets(deps.linesRateLimit ?? linesRateLimitFromEnv()),
  };
  app.decorateRequest('corporation', '');
  app.decorateRequest('apiKeyHash', '');
  app.addHook('onRequest', async (request) => {
    const caller = apiCaller(request, deps.bundles);
    if (caller) {
      takeOrRefuse(limiter, caller.keyHash);
      request.corporation = caller.corporation;
      request.apiKeyHash = caller.keyHash;
    } else if (request.routeOptions.config.auth === 'api-key') {
      throw createError('OST_ERR_UNAUTHORIZED');
    }
  });
  // /v1 parameters first (a 400 naming the parameter), then what every route refuses (input-guards.ts).
  registerSafeParams(app);
  registerInputGuards(app);
  registerIdempotency(app, deps.db);

  const routeTable = collectRouteTable(app);
  const health = (operationId: string, summary: string, schema: Record<string, unknown>, more = {}) => ({
    auth: 'none' as const,
    openapi: {
      operationId,
      tag: 'health' as const,
      summary,
      responses: { 200: { description: summary, schema }, ...more },
      errors: [],
    },
  });
  const version = packageVersion();
  app.get(
    '/healthz',
    {
      config: health('getHealth', 'The process is up; its version', {
        $id: 'Health',
        type: 'object',
        required: ['status', 'version'],
        properties: {
          status: { const: 'ok' },
          version: { type: 'string', description: 'The runtime release.' },
        },
      }),
    },
    async () => ({ status: 'ok', version }),
  );
  const readiness = {
    $id: 'Readiness',
    type: 'object',
    required: ['ready', 'failing'],
    properties: {
      ready: { type: 'boolean' },
      failing: { type: 'array', items: { type: 'string' }, description: 'What is not ready yet.' },
    },
  };
  app.get(
    '/readyz',
    {
      config: health('getReadiness', 'PostgreSQL, NATS and config are ready', readiness, {
        503: { description: 'Not ready: `failing` names what is not.', schema: readiness },
      }),
    },
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
  registerReceivableRoutes(app, {
    ...deps,
    bulk,
    singleLane: new TokenBuckets(deps.singleLane ?? singleLaneFromEnv()),
  });
  registerReceivableChangeRoutes(app, deps);
  registerEventRoutes(app, deps);
  registerArchiveRoutes(app, deps);
  registerDebtorRoutes(app, deps);
  registerEarlySignalRoutes(app, deps);
  registerDeadLetterRoutes(app, deps);
  registerReplyRoutes(app, deps);
  registerExperimentRoutes(app, deps);
  registerOutcomeRoutes(app, deps);
  registerReplayRoutes(app, deps);
  registerStaffFormRoutes(app, deps);
  await registerPages(app, deps);
  // The staff console lives beside the debtor pages, under the same hosts; a console session opens it,
  // the ERP's API key does not.
  if (deps.pages) {
    await registerConsole(app, {
      db: deps.db,
      bundles: deps.bundles,
      links: deps.links,
      secrets: deps.secrets ?? environmentSecrets(),
      ...(deps.now ? { now: deps.now } : {}),
    });
  }
  // Served on the internal port (METRICS_PORT) with /metrics, not to the public.
  let openapi: unknown;
  app.decorate('openApi', () => {
    openapi ??= buildOpenApi(routeTable);
    return openapi;
  });
  return app;
}
