// HTTP API for ERPs (receivables, payments, status changes, the event feed, archive and staff routes).
// The stage's public face: other folders import from here, never from its files.
export { buildApp, type ReadinessCheck } from './build-app.js';
export { buildOpenApi, type RouteDoc, TAGS } from './openapi.js';
export { apiRouteProblems, apiRoutes, type RouteAuth, type RouteEntry } from './route-table.js';
