// The routes the runtime serves, listed without starting it: the API app (buildApp) and the delivery
// providers' callbacks, registered exactly as start-runtime.ts registers them but over dependencies that
// throw when touched, because no request is ever served. Used by `npm run generate` for
// docs/openapi.json (scripts/generate-openapi.ts) and by the test that every /v1 route declares its
// authentication and is documented (runtime/route-catalog.test.ts).
import type { FastifyInstance } from 'fastify';
import { createLogger } from '../platform/log.js';
import { buildApp, type RouteEntry } from './api/index.js';
import { registerTwilioRoutes } from './channels/index.js';
import { registerEmailBounceRoutes } from './tracking/index.js';

/** A dependency the catalog must never use: any property read throws, naming it. */
function unused<T>(name: string): T {
  return new Proxy(
    {},
    {
      get(_target, property) {
        // Awaiting or inspecting the object is not using it.
        if (property === 'then' || typeof property === 'symbol') return undefined;
        throw new Error(`the route catalog serves no request: ${name}.${String(property)} is not available`);
      },
    },
  ) as T;
}

export async function routeCatalog(): Promise<{ app: FastifyInstance; routes: readonly RouteEntry[] }> {
  const log = createLogger('route-catalog', 'silent');
  const deps = {
    db: unused<never>('db'),
    bundles: unused<never>('bundles'),
    js: unused<never>('js'),
    metrics: unused<never>('metrics'),
    links: unused<never>('links'),
    log,
  };
  const app = await buildApp({ ...deps, readiness: [] });
  registerEmailBounceRoutes(app, { ...deps, emailWebhookSecret: undefined });
  registerTwilioRoutes(app, {
    ...deps,
    secrets: unused<never>('secrets'),
    publicUrl: 'http://127.0.0.1:8080',
    sms: unused<never>('sms'),
  });
  await app.ready();
  return { app, routes: app.routeTable };
}
