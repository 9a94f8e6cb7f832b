// Text the database cannot store (U+0000, lone UTF-16 surrogates) and control characters no field
// means to hold are refused at the API with a 400 that names the field, so they never reach JetStream.
// Before: a receivable with U+0000 was accepted (202) and then failed in Postgres on every delivery.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../platform/db/index.js';
import { type ErpStreet, postReceivables, send, startErpStreet, testReceivable } from './erp-api-street.js';

interface ValidationBody {
  code: string;
  message: string;
  errors: { field: string; message: string }[];
}

describe('ERP API: control characters are refused where they are sent', () => {
  let erp: ErpStreet;
  beforeAll(async () => {
    erp = await startErpStreet();
  });
  afterAll(async () => {
    await erp?.stop();
  });

  const storedCount = async (externalIds: string[]) =>
    Number(
      await erp.db.oneFirst(sql.unsafe`
        SELECT count(*) FROM receivables WHERE external_id = ANY(${sql.array(externalIds, 'text')})`),
    );
  /** Long enough for intake to have stored what a 202 put on JetStream. */
  const settle = () => new Promise((resolve) => setTimeout(resolve, 1_000));

  it('a single receivable with U+0000 in the debtor name is 400 naming debtor.name, and nothing is stored', async () => {
    const r = testReceivable('CTRL-1');
    const res = await send(erp, 'POST', '/v1/receivables', {
      ...r,
      debtor: { ...r.debtor, name: 'K. Balogun\u0000' },
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as ValidationBody;
    expect(body.code).toBe('OST_ERR_VALIDATION');
    expect(body.errors).toContainEqual({
      field: 'debtor.name',
      message: expect.stringContaining('U+0000'),
    });
    expect(body.message).toContain('debtor.name');
    await settle();
    expect(await storedCount(['CTRL-1'])).toBe(0);
  });

  it('a lone surrogate, a control character in a vars key and a newline in a one-line field are refused by field', async () => {
    const r = testReceivable('CTRL-2');
    const res = await send(
      erp,
      'POST',
      '/v1/receivables',
      // Raw JSON: JSON.stringify would keep the lone surrogate as the escape \ud800 too.
      `${JSON.stringify({
        ...r,
        paymentReference: 'REF\n2',
        vars: { 'bad\u0001key': 'x', note: 'two\nlines are fine in vars' },
      }).slice(0, -1)},"description":"half \\ud800 a pair"}`,
    );
    expect(res.status).toBe(400);
    const fields = ((await res.json()) as ValidationBody).errors.map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['paymentReference', 'description', 'vars.bad\\u0001key']));
    expect(fields).not.toContain('vars.note');
    await settle();
    expect(await storedCount(['CTRL-2'])).toBe(0);
  });

  it('tabs and newlines are accepted in the free-text description', async () => {
    await postReceivables(erp, ['CTRL-3']);
    const res = await send(erp, 'POST', '/v1/receivables', {
      ...testReceivable('CTRL-4'),
      description: 'Huur maart\r\nServicekosten\t€ 12,50',
    });
    expect(res.status).toBe(202);
  });

  it('an NDJSON line with U+0000 is rejected by line number and field while the good lines are accepted', async () => {
    const bad = testReceivable('CTRL-ND-2');
    const lines = [
      JSON.stringify(testReceivable('CTRL-ND-1')),
      JSON.stringify({
        ...bad,
        debtor: { ...bad.debtor, address: { ...addressOf(bad), city: 'Utrecht\u0000' } },
      }),
      JSON.stringify(testReceivable('CTRL-ND-3')),
    ].join('\n');
    const res = await send(erp, 'POST', '/v1/receivables', lines, {
      'content-type': 'application/x-ndjson',
    });
    expect(res.status).toBe(202);
    const body = (await res.json()) as { accepted: number; rejected: number; errors: unknown[] };
    expect(body).toMatchObject({ accepted: 2, rejected: 1 });
    expect(body.errors).toEqual([
      {
        line: 2,
        externalId: 'CTRL-ND-2',
        message: expect.stringMatching(/^debtor\.address\.city .*U\+0000/),
      },
    ]);
    await settle();
    expect(await storedCount(['CTRL-ND-1', 'CTRL-ND-2', 'CTRL-ND-3'])).toBe(2);
  });

  it('a PATCH with U+0000 in its reason or arrangement note is 400 naming the field and changes nothing', async () => {
    await postReceivables(erp, ['CTRL-P-1']);
    const before = await erp.db.oneFirst(sql.unsafe`
      SELECT count(*) FROM events e JOIN receivables r ON r.id = e.receivable_id WHERE r.external_id = 'CTRL-P-1'`);
    const patch = await send(erp, 'PATCH', '/v1/receivables/CTRL-P-1', {
      status: 'paused',
      reason: 'dispute\u0000',
    });
    expect(patch.status).toBe(400);
    expect(((await patch.json()) as ValidationBody).errors.map((e) => e.field)).toEqual(['reason']);
    const note = await send(erp, 'PATCH', '/v1/receivables/CTRL-P-1', {
      arrangement: { reference: 'REG-1', note: 'six terms\u0000' },
    });
    expect(note.status).toBe(400);
    expect(((await note.json()) as ValidationBody).errors.map((e) => e.field)).toEqual(['arrangement.note']);
    const receivable = (await (await send(erp, 'GET', '/v1/receivables/CTRL-P-1')).json()) as {
      status: string;
      cases: { status: string }[];
    };
    expect(receivable.status).toBe('open');
    expect(receivable.cases[0]!.status).toBe('active');
    const after = await erp.db.oneFirst(sql.unsafe`
      SELECT count(*) FROM events e JOIN receivables r ON r.id = e.receivable_id WHERE r.external_id = 'CTRL-P-1'`);
    expect(after).toBe(before);
  });

  it('an externalId with U+0000 in the path is 400 naming externalId, not a server error', async () => {
    for (const [method, path, body] of [
      ['PATCH', '/v1/receivables/CTRL%00X', { status: 'paused' }],
      ['POST', '/v1/receivables/CTRL%00X/payments', { amount: 100, paymentId: 'p-1' }],
      ['GET', '/v1/receivables/CTRL%00X', undefined],
    ] as const) {
      const res = await send(erp, method, path, body);
      expect(res.status, `${method} ${path}`).toBe(400);
      expect(((await res.json()) as ValidationBody).errors.map((e) => e.field)).toEqual(['externalId']);
    }
  });
});

function addressOf(r: Record<string, unknown>) {
  const debtor = r.debtor as { address?: Record<string, string> };
  return (
    debtor.address ?? { street: 'Dorpsstraat', houseNumber: '1', postalCode: '1234 AB', city: 'Utrecht' }
  );
}
