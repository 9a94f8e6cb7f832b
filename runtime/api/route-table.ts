// Every route the app serves, as registered: method, URL pattern and its documentation. Collected by
// fastify's onRoute hook from before the first route, so routes added later by other stages (debtor pages,
// provider callbacks) are in it too. /openapi.json is built from the documented ones; suites that must
// cover every route (tests/integration/isolation-matrix.test.ts) read `app.routeTable`.
import type { FastifyContextConfig, FastifyInstance } from 'fastify';

export interface RouteEntry {
  method: string;
  /** The pattern as registered, prefix included: `/v1/receivables/:externalId`, `/t/o/*`. */
  url: string;
  /** `config.openapi` (runtime/api/openapi.ts), when the route is documented. */
  doc?: FastifyContextConfig['openapi'];
}

declare module 'fastify' {
  interface FastifyInstance {
    routeTable: readonly RouteEntry[];
  }
}

/** Starts collecting; call before any route is registered. */
export function collectRouteTable(app: FastifyInstance): RouteEntry[] {
  const routes: RouteEntry[] = [];
  app.decorate('routeTable', routes);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      routes.push({ method: method.toUpperCase(), url: route.url, doc: route.config?.openapi });
    }
  });
  return routes;
}
