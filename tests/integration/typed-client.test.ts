// The typed client generated from docs/openapi.json (clients/typescript: openapi-typescript types,
// openapi-fetch calls) against a running street: post a receivable, read it back; another
// corporation's key reads nothing of it, and a wrong key gets the registry's 401 body, typed.
import { outputstraatClient, type Receivable } from '@outputstraat/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/street.js';
import { DEMO_KEY, type ErpStreet, startErpStreet, testReceivable, ZUID_KEY } from './erp-api-street.js';

describe('the typed TypeScript client', () => {
  let erp: ErpStreet;
  beforeAll(async () => {
    erp = await startErpStreet();
  }, 60_000);
  afterAll(async () => {
    await erp?.stop();
  });

  it('posts a receivable and reads it back; another key sees nothing of it', async () => {
    const baseUrl = erp.street.runtimes[0]!.url;
    const api = outputstraatClient({ baseUrl, apiKey: DEMO_KEY });
    const receivable: Receivable = testReceivable('TYPED-1');
    const posted = await api.POST('/v1/receivables', { body: receivable });
    expect(posted.response.status).toBe(202);
    expect(posted.data).toMatchObject({ externalId: 'TYPED-1', status: 'accepted', duplicate: false });

    const read = await eventually(
      async () => {
        const r = await api.GET('/v1/receivables/{externalId}', {
          params: { path: { externalId: 'TYPED-1' } },
        });
        return r.data ?? undefined;
      },
      10_000,
      'the receivable stored',
    );
    expect(read).toMatchObject({ externalId: 'TYPED-1', status: 'open', amount: 10_000, currency: 'EUR' });
    expect(read.cases.length).toBeGreaterThan(0);

    const other = outputstraatClient({ baseUrl, apiKey: ZUID_KEY });
    const hidden = await other.GET('/v1/receivables/{externalId}', {
      params: { path: { externalId: 'TYPED-1' } },
    });
    expect(hidden.response.status).toBe(404);
    expect(hidden.error?.code).toBe('OST_ERR_NOT_FOUND');
    expect(JSON.stringify(hidden.error)).not.toContain(receivable.debtor.name);

    const refused = await outputstraatClient({ baseUrl, apiKey: 'not-a-key' }).GET('/v1/events', {});
    expect(refused.response.status).toBe(401);
    expect(refused.error?.code).toBe('OST_ERR_UNAUTHORIZED');
  });
});
