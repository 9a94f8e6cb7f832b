import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorRegistry } from '../../core/errors/index.js';
import { paymentSchema, receivableSchema } from '../../core/receivable/index.js';
import type { RunningRuntime } from '../../runtime/start-runtime.js';
import {
  DEMO_KEY,
  type ErpStreet,
  postReceivables,
  send,
  startErpStreet,
  testReceivable,
  ZUID_KEY,
} from './erp-api-street.js';

/**
 * /v1 routes called by delivery providers, not with an API key (config.auth 'provider'): documented,
 * without security. Every other /v1 route is an API-key route (runtime/route-catalog.test.ts checks
 * every route declares its auth and is documented).
 */
const NOT_YET_DOCUMENTED = [
  'POST /v1/providers/email/bounces',
  'POST /v1/providers/twilio/inbound',
  'POST /v1/providers/twilio/status',
  'POST /v1/providers/twilio/voice/gather',
  'POST /v1/providers/registered-email/proof',
];

describe('ERP API: idempotency keys, rate limits and the OpenAPI document', () => {
  let erp: ErpStreet;
  beforeAll(async () => {
    erp = await startErpStreet();
  });
  afterAll(async () => {
    await erp?.stop();
  });

  it('the same Idempotency-Key and body get the first response again; another body with that key is a conflict', async () => {
    await postReceivables(erp, ['IDEM-1']);
    const path = '/v1/receivables/IDEM-1/payments';
    const body = { amount: 1_000, paymentId: 'psp-idem-1' };
    const key = { 'idempotency-key': 'erp-7f3a-0001' };
    const first = await send(erp, 'POST', path, body, key);
    expect(first.status).toBe(200);
    const firstBody = await first.json();
    expect(firstBody).toMatchObject({ balance: 9_000, duplicate: false });

    const again = await send(erp, 'POST', path, body, key);
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.json()).toEqual(firstBody);

    const other = await send(erp, 'POST', path, { ...body, amount: 2_000 }, key);
    expect(other.status).toBe(409);
    const err = (await other.json()) as { code: string; message: string };
    expect(err.code).toBe('OST_ERR_CONFLICT');
    expect(err.message).toContain('erp-7f3a-0001');
    expect((await (await send(erp, 'GET', '/v1/receivables/IDEM-1')).json()) as object).toMatchObject({
      balance: 9_000,
    });

    // Keys belong to one corporation: woonstad-zuid's request with the same key is its own.
    const zuid = await send(erp, 'POST', '/v1/receivables', testReceivable('IDEM-ZUID-1'), key, ZUID_KEY);
    expect(zuid.status).toBe(202);
    expect(zuid.headers.get('idempotent-replayed')).toBeNull();
  });

  it('a 400 is kept for its key too, and bulk NDJSON is replayed by key', async () => {
    const bad = { ...testReceivable('IDEM-BAD-1'), amount: -1 };
    const key = { 'idempotency-key': 'erp-bad-1' };
    const first = await send(erp, 'POST', '/v1/receivables', bad, key);
    expect(first.status).toBe(400);
    const again = await send(erp, 'POST', '/v1/receivables', bad, key);
    expect(again.status).toBe(400);
    expect(again.headers.get('idempotent-replayed')).toBe('true');

    const lines = ['IDEM-BULK-1', 'IDEM-BULK-2'].map((id) => JSON.stringify(testReceivable(id))).join('\n');
    const ndjson = { 'idempotency-key': 'erp-bulk-1', 'content-type': 'application/x-ndjson' };
    const bulk = await send(erp, 'POST', '/v1/receivables', lines, ndjson);
    expect(bulk.status).toBe(202);
    const bulkBody = await bulk.json();
    expect(bulkBody).toMatchObject({ accepted: 2 });
    const replay = await send(erp, 'POST', '/v1/receivables', lines, ndjson);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(await replay.json()).toEqual(bulkBody);
    const changed = await send(erp, 'POST', '/v1/receivables', `${lines}\n`, ndjson);
    expect(changed.status).toBe(409);

    const invalidKey = await send(erp, 'POST', '/v1/receivables', bad, { 'idempotency-key': 'a b' });
    expect(invalidKey.status).toBe(400);
    expect(((await invalidKey.json()) as { errors: { field: string }[] }).errors[0]!.field).toBe(
      'Idempotency-Key',
    );
  });

  it('an API key that goes over its rate gets 429 with Retry-After, and other keys are not slowed down', async () => {
    process.env.OST_RATE_LIMIT_PER_SECOND = '5';
    let limited: RunningRuntime;
    try {
      limited = await erp.street.startRuntime();
    } finally {
      delete process.env.OST_RATE_LIMIT_PER_SECOND;
    }
    const get = (apiKey: string) =>
      fetch(`${limited.url}/v1/events?limit=1`, { headers: { authorization: `Bearer ${apiKey}` } });
    const answers = await Promise.all(Array.from({ length: 25 }, () => get(DEMO_KEY)));
    const statuses = answers.map((r) => r.status);
    // Burst is twice the rate: 10 go through at once (and what refills meanwhile), the rest must wait.
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(10);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(10);
    const refused = answers.find((r) => r.status === 429)!;
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const err = (await refused.json()) as { code: string; retryAfter: number };
    expect(err.code).toBe('OST_ERR_RATE_LIMITED');
    expect((await get(ZUID_KEY)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1_100));
    expect((await get(DEMO_KEY)).status).toBe(200);
  });

  it('GET /openapi.json on the internal port documents every /v1 route with its schema, auth and error codes', async () => {
    expect((await fetch(`${erp.street.runtimes[0]!.url}/openapi.json`)).status).toBe(404);
    const res = await fetch(`${erp.street.runtimes[0]!.metricsUrl}/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    const doc = (await res.json()) as {
      openapi: string;
      paths: Record<
        string,
        Record<string, { security: unknown[]; responses: Record<string, unknown>; requestBody?: unknown }>
      >;
      components: {
        schemas: Record<string, { properties?: Record<string, { enum?: string[] }> }>;
        securitySchemes: object;
      };
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes).toMatchObject({ apiKey: { type: 'http', scheme: 'bearer' } });
    expect(doc.components.schemas.Error!.properties!.code!.enum).toEqual(Object.keys(errorRegistry));

    const v1 = erp.street.runtimes[0]!.app.routeTable.filter(
      (r) => r.method !== 'HEAD' && r.url.startsWith('/v1/'),
    ).map((r) => [r.method, r.url] as const);
    expect(v1.length).toBeGreaterThanOrEqual(5);
    for (const [method, path] of v1) {
      if (NOT_YET_DOCUMENTED.includes(`${method} ${path}`)) continue;
      const op = doc.paths[path.replace(/:(\w+)/g, '{$1}')]?.[method.toLowerCase()];
      expect(op, `${method} ${path} is not in /openapi.json`).toBeDefined();
      expect(op!.security).toEqual([{ apiKey: [] }]);
      expect(op!.responses).toHaveProperty('401');
      expect(op!.responses).toHaveProperty('429');
    }
    const { $id: _r, ...receivable } = receivableSchema;
    const { $id: _p, ...payment } = paymentSchema;
    expect(doc.components.schemas.Receivable).toEqual(JSON.parse(JSON.stringify(receivable)));
    expect(doc.components.schemas.Payment).toEqual(JSON.parse(JSON.stringify(payment)));
    expect(doc.paths['/v1/receivables/{externalId}/payments']!.post!.requestBody).toMatchObject({
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Payment' } } },
    });
    expect(doc.paths['/v1/receivables/{externalId}']!.patch!.responses).toHaveProperty('409');
  });
});
