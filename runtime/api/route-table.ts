// Every route the app serves, as registered: method, URL pattern, how it authenticates and its
// documentation. Collected by
// fastify's onRoute hook from before the first route, so routes added later by other stages (debtor pages,
// provider callbacks) are in it too. /openapi.json is built from the documented ones; suites that must
// cover every route (tests/integration/isolation-matrix.test.ts) read `app.routeTable`.
import type { FastifyContextConfig, FastifyInstance } from 'fastify';

/**
 * How a route knows its caller, declared by the route itself in `config.auth` (every /v1 route must):
 *   api-key   the corporation's ERP API key as a bearer token; refused with 401 before the handler
 *   provider  a provider's callback; the handler checks the provider's signature or shared secret
 *   none      anyone (health checks)
 */
export type RouteAuth = 'api-key' | 'provider' | 'none';

export interface RouteEntry {
  method: string;
  /** The pattern as registered, prefix included: `/v1/receivables/:externalId`, `/t/o/*`. */
  url: string;
  /** `config.auth`, when the route declares it. */
  auth?: RouteAuth;
  /** `config.openapi` (runtime/api/openapi.ts), when the route is documented. */
  doc?: FastifyContextConfig['openapi'];
}

declare module 'fastify' {
  interface FastifyInstance {
    routeTable: readonly RouteEntry[];
  }
  interface FastifyContextConfig {
    auth?: RouteAuth;
  }
}

/** The routes of the ERP API: /v1 and the health checks, without the HEAD twins fastify adds to GETs. */
export function apiRoutes(routes: readonly RouteEntry[]): RouteEntry[] {
  return routes.filter(
    (r) => r.method !== 'HEAD' && (r.url.startsWith('/v1/') || r.url === '/healthz' || r.url === '/readyz'),
  );
}

/** Starts collecting; call before any route is registered. */
export function collectRouteTable(app: FastifyInstance): RouteEntry[] {
  const routes: RouteEntry[] = [];
  app.decorate('routeTable', routes);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      routes.push({
        method: method.toUpperCase(),
        url: route.url,
        ...(route.config?.auth ? { auth: route.config.auth } : {}),
        doc: route.config?.openapi,
      });
    }
  });
  return routes;
}

/**
 * What keeps an API route out of the document: each /v1 route must declare `config.auth` and carry a
 * docs block with an operationId, a tag, a summary and a 2xx answer; operationIds are unique. The
 * generator refuses to write docs/openapi.json while this lists anything.
 */
export function apiRouteProblems(routes: readonly RouteEntry[]): string[] {
  const problems: string[] = [];
  const seen = new Map<string, string>();
  for (const r of apiRoutes(routes)) {
    const where = `${r.method} ${r.url}`;
    if (!r.auth) problems.push(`${where}: no config.auth (api-key, provider or none)`);
    if (!r.doc) {
      problems.push(`${where}: no config.openapi docs block`);
      continue;
    }
    if (!/^[a-z][A-Za-z0-9]*$/.test(r.doc.operationId ?? '')) {
      problems.push(`${where}: operationId must be camelCase`);
    }
    const other = seen.get(r.doc.operationId);
    if (other) problems.push(`${where}: operationId ${r.doc.operationId} is also ${other}'s`);
    seen.set(r.doc.operationId, where);
    if (!r.doc.summary) problems.push(`${where}: no summary`);
    if (!Object.keys(r.doc.responses).some((s) => s.startsWith('2'))) {
      problems.push(`${where}: no documented 2xx response`);
    }
  }
  return problems;
}
