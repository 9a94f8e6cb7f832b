// Every route of the ERP API is documented and declares how it authenticates; the document built from
// them is what integrators and their generators need. docs/openapi.json is this document, committed
// (`npm run generate`; `npm run check:generated` fails when a route changed without regenerating).
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorRegistry } from '../core/errors/index.js';
import { apiRouteProblems, apiRoutes, buildOpenApi, type RouteDoc, type RouteEntry } from './api/index.js';
import { routeCatalog } from './route-catalog.js';

type Operation = {
  operationId: string;
  tags: string[];
  security: unknown[];
  responses: Record<string, unknown>;
};

describe('the route table and the OpenAPI document', () => {
  let routes: readonly RouteEntry[];
  let close: () => Promise<void>;
  beforeAll(async () => {
    const catalog = await routeCatalog();
    routes = catalog.routes;
    close = () => catalog.app.close();
  });
  afterAll(() => close());

  it('every /v1 route declares its authentication and has a docs block with operationId, tag, summary and a 2xx', () => {
    const v1 = apiRoutes(routes).filter((r) => r.url.startsWith('/v1/'));
    expect(v1.length).toBeGreaterThanOrEqual(18);
    expect(apiRouteProblems(routes)).toEqual([]);
  });

  it('a new route without docs or auth is named, and so is a second use of an operationId', () => {
    const doc: RouteDoc = {
      operationId: 'listThings',
      tag: 'events',
      summary: 'x',
      responses: { 200: { description: 'x' } },
      errors: [],
    };
    expect(
      apiRouteProblems([
        { method: 'GET', url: '/v1/things', auth: 'api-key' },
        { method: 'POST', url: '/v1/things', doc: { ...doc, operationId: 'postThing' } },
        { method: 'GET', url: '/v1/things/:id', auth: 'api-key', doc },
        {
          method: 'GET',
          url: '/v1/other',
          auth: 'api-key',
          doc: { ...doc, responses: { 404: { description: 'x' } } },
        },
        { method: 'GET', url: '/c/:corporation/p/:token' },
      ]),
    ).toEqual([
      'GET /v1/things: no config.openapi docs block',
      'POST /v1/things: no config.auth (api-key, provider or none)',
      "GET /v1/other: operationId listThings is also GET /v1/things/:id's",
      'GET /v1/other: no documented 2xx response',
    ]);
  });

  it('every operation: operationId, a defined tag, 2xx and 4xx answers, security from the route table; license and servers', () => {
    const doc = buildOpenApi(routes) as {
      info: { license: { name: string } };
      servers: unknown[];
      tags: { name: string }[];
      paths: Record<string, Record<string, Operation>>;
    };
    expect(doc.info.license).toEqual({ name: 'Apache-2.0', identifier: 'Apache-2.0' });
    expect(doc.servers.length).toBeGreaterThan(0);
    const tags = new Set(doc.tags.map((t) => t.name));
    const byPath = new Map(
      apiRoutes(routes).map((r) => [`${r.method.toLowerCase()} ${r.url.replace(/:(\w+)/g, '{$1}')}`, r]),
    );
    let operations = 0;
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        operations++;
        const route = byPath.get(`${method} ${path}`)!;
        expect(route, `${method} ${path}`).toBeDefined();
        expect(op.operationId).toBe(route.doc!.operationId);
        expect(tags.has(op.tags[0]!), `${op.operationId}: tag ${op.tags[0]} is defined`).toBe(true);
        const statuses = Object.keys(op.responses);
        expect(
          statuses.some((s) => s.startsWith('2')),
          `${op.operationId} 2xx`,
        ).toBe(true);
        expect(
          statuses.some((s) => s.startsWith('4')),
          `${op.operationId} 4xx`,
        ).toBe(true);
        if (route.auth === 'api-key') {
          expect(op.security).toEqual([{ apiKey: [] }]);
          expect(statuses).toEqual(expect.arrayContaining(['401', '429']));
        } else expect(op.security).toEqual([]);
      }
    }
    expect(operations).toBe(byPath.size);
    // The committed document is this one (`npm run generate`; check:generated says the same in CI).
    expect(JSON.parse(readFileSync('docs/openapi.json', 'utf8'))).toEqual(JSON.parse(JSON.stringify(doc)));
    expect(Object.keys(errorRegistry)).toContain('OST_ERR_UNAUTHORIZED');
  });
});
