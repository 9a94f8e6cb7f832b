import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { createError, isOutputstraatError, type OutputstraatError } from '../../core/errors/index.js';
import type { Logger } from '../../core/log.js';
import type { RuntimeMetrics } from '../metrics/runtime-metrics.js';
import { type PagesOptions, registerPages } from '../pages/pages-plugin.js';
import { type ReceivableRouteDeps, registerReceivableRoutes } from './receivable-routes.js';

export interface ReadinessCheck {
  name: string;
  check(): Promise<boolean> | boolean;
}

export interface AppDeps extends ReceivableRouteDeps {
  log: Logger;
  metrics: RuntimeMetrics;
  readiness: ReadinessCheck[];
  /** Debtor pages, PSP webhook and form routes (runtime/pages); absent in apps that serve only the API. */
  pages?: PagesOptions;
}

const JSON_BODY_LIMIT = 1024 * 1024;

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.log as FastifyBaseLogger,
    bodyLimit: JSON_BODY_LIMIT,
    // Request ids in logs, never bodies: they carry debtor data.
    requestIdHeader: 'x-request-id',
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
    return reply.code(err.statusCode).send({
      code: err.code,
      message: err.message,
      ...(err.details ? err.details : {}),
      requestId: request.id,
    });
  });

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const results = await Promise.all(
      deps.readiness.map(async (r) => ({
        name: r.name,
        ok: await Promise.resolve(r.check()).catch(() => false),
      })),
    );
    const failing = results.filter((r) => !r.ok).map((r) => r.name);
    return reply.code(failing.length === 0 ? 200 : 503).send({ ready: failing.length === 0, failing });
  });
  app.get('/metrics', async (_request, reply) =>
    reply.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics()),
  );
  registerReceivableRoutes(app, deps);
  await registerPages(app, deps);
  return app;
}
