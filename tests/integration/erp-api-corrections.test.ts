// Corrections (docs/adr/0007, "Corrections"; docs/erp-api.md): re-posting a known externalId with changed
// content and a newer version updates the receivable and its debtor; a stale one changes nothing and
// says so; an identical one stays a no-op. On a real street (Postgres, NATS JetStream, the SMTP sink).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../platform/db/index.js';
import { mailHeader } from '../../scripts/street/mail-headers.js';
import { eventually } from '../support/street.js';
import { type ErpStreet, send, startErpStreet, testReceivable, ZUID_KEY } from './erp-api-street.js';

describe('ERP API: corrections by re-posting a receivable', () => {
  let erp: ErpStreet;
  beforeAll(async () => {
    erp = await startErpStreet();
  });
  afterAll(async () => {
    await erp?.stop();
  });

  /** A receivable of the test flow with its own debtor (other suites share the example's debtor). */
  const receivable = (id: string, debtor: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
    const base = testReceivable(id);
    return { ...base, ...extra, debtor: { ...base.debtor, id: `D-${id}`, ...debtor } };
  };
  const post = (body: unknown, apiKey?: string) => send(erp, 'POST', '/v1/receivables', body, {}, apiKey);
  const eventsOf = async (id: string) =>
    (await erp.db.any(sql.unsafe`
      SELECT e.type, e.data FROM events e JOIN receivables r ON r.id = e.receivable_id
      WHERE r.external_id = ${id} AND e.type <> 'timeline' ORDER BY e.seq`)) as unknown as {
      type: string;
      data: Record<string, unknown>;
    }[];
  const untilEvent = (id: string, type: string) =>
    eventually(async () => (await eventsOf(id)).find((e) => e.type === type), 10_000, `${id} ${type}`);
  const row = (id: string, corporation = 'woonstad-noord') =>
    erp.db.one(sql.unsafe`
      SELECT r.balance_minor, r.amount_minor, r.due_date::text AS due_date, r.version, r.status,
        r.payload->'debtor'->>'email' AS posted_email, d.contact->>'email' AS email, c.status AS case_status,
        c.timeline
      FROM receivables r JOIN debtors d ON d.id = r.debtor_ref JOIN cases c ON c.receivable_id = r.id
      WHERE r.corporation = ${corporation} AND r.external_id = ${id}`);
  const untilStored = (id: string) =>
    eventually(
      async () =>
        (await erp.db.exists(sql.unsafe`
          SELECT 1 FROM steps s JOIN cases c ON c.id = s.case_id JOIN receivables r ON r.id = c.receivable_id
          WHERE r.external_id = ${id} AND s.kind = 'due'`)) || undefined,
      10_000,
      `${id} stored`,
    );
  const makeDue = (id: string) =>
    erp.db.query(sql.unsafe`
      UPDATE steps SET due_at = now() FROM cases c, receivables r
      WHERE steps.case_id = c.id AND c.receivable_id = r.id AND r.external_id = ${id}
        AND steps.status = 'scheduled' AND steps.kind = 'due'`);

  it('a re-post with a new email address and a newer version sends the next reminder to the new address', async () => {
    const first = receivable('COR-MAIL-1', { email: 'oud@example.org' }, { version: 1 });
    expect((await post(first)).status).toBe(202);
    await untilStored('COR-MAIL-1');
    const corrected = receivable('COR-MAIL-1', { email: 'nieuw@example.org' }, { version: 2 });
    const res = await post(corrected);
    expect(res.status).toBe(202);
    // The content hash is in the message id: a correction is not swallowed as a duplicate.
    expect(await res.json()).toEqual({ externalId: 'COR-MAIL-1', status: 'accepted', duplicate: false });
    const event = await untilEvent('COR-MAIL-1', 'receivable.corrected');
    expect(event.data).toEqual({ fields: ['debtor.email'], version: 2 });
    const r = await row('COR-MAIL-1');
    expect(r).toMatchObject({ email: 'nieuw@example.org', posted_email: 'nieuw@example.org', version: 2 });
    expect(JSON.stringify(r.timeline)).toContain(
      'Receivable corrected by the ERP (version 2): debtor.email changed',
    );
    // The timeline names the field, never the address.
    expect(JSON.stringify(r.timeline)).not.toContain('nieuw@example.org');

    await makeDue('COR-MAIL-1');
    const mail = await eventually(
      async () =>
        erp.street.smtp.messages.find((m) => mailHeader(m.raw, 'Subject') === 'Herinnering COR-MAIL-1'),
      10_000,
      'the reminder of COR-MAIL-1',
    );
    expect(mail.to).toEqual(['nieuw@example.org']);
  });

  it('a stale version is ignored with a clear answer; an identical re-post stays a no-op', async () => {
    const v3 = receivable('COR-STALE-1', { email: 'stale@example.org' }, { version: 3 });
    expect((await post(v3)).status).toBe(202);
    await untilStored('COR-STALE-1');
    const older = receivable('COR-STALE-1', { email: 'older@example.org' }, { version: 2, amount: 5_000 });
    const res = await post(older);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      externalId: 'COR-STALE-1',
      status: 'stale',
      storedVersion: 3,
      storedUpdatedAt: null,
    });
    // The same version with other content is not newer either.
    const same = await post(receivable('COR-STALE-1', { email: 'same@example.org' }, { version: 3 }));
    expect(await same.json()).toMatchObject({ status: 'stale', storedVersion: 3 });
    const again = await post(v3);
    expect(again.status).toBe(202);
    expect(await again.json()).toEqual({ externalId: 'COR-STALE-1', status: 'accepted', duplicate: true });
    await new Promise((r) => setTimeout(r, 300));
    expect(await row('COR-STALE-1')).toMatchObject({
      email: 'stale@example.org',
      amount_minor: 10_000,
      version: 3,
    });
    expect((await eventsOf('COR-STALE-1')).map((e) => e.type)).not.toContain('receivable.corrected');
  });

  it('intake ignores a correction it only sees to be stale later (two posts racing)', async () => {
    const v1 = receivable('COR-RACE-1', { email: 'race@example.org' }, { version: 1 });
    expect((await post(v1)).status).toBe(202);
    await untilStored('COR-RACE-1');
    // Both pass the ingress before intake stored either: the later version first, then the older one.
    const v5 = receivable('COR-RACE-1', { email: 'race5@example.org' }, { version: 5 });
    const v4 = receivable('COR-RACE-1', { email: 'race4@example.org' }, { version: 4 });
    const [a, b] = await Promise.all([post(v5), new Promise((r) => setTimeout(r, 20)).then(() => post(v4))]);
    expect([a.status, b.status]).toEqual([202, expect.any(Number)]);
    const answer = (await b.json()) as { status: string };
    if (answer.status === 'accepted') {
      const ignored = await untilEvent('COR-RACE-1', 'receivable.correction-ignored');
      expect(ignored.data).toEqual({ fields: ['debtor.email'], version: 4, storedVersion: 5 });
    } else {
      // The ingress already saw version 5 stored: it answered stale itself.
      expect(answer).toMatchObject({ status: 'stale', storedVersion: 5 });
    }
    await untilEvent('COR-RACE-1', 'receivable.corrected');
    expect(await row('COR-RACE-1')).toMatchObject({ email: 'race5@example.org', version: 5 });
  });

  it('without a version a later updatedAt decides; a balance correction reaches the case', async () => {
    const at = '2026-12-01T10:00:00Z';
    const first = receivable('COR-BAL-1', {}, { updatedAt: at, dueDate: '2026-11-01' });
    expect((await post(first)).status).toBe(202);
    await untilStored('COR-BAL-1');
    const earlier = await post({ ...first, balance: 4_000, updatedAt: '2026-12-01T09:00:00Z' });
    expect(await earlier.json()).toMatchObject({
      status: 'stale',
      storedVersion: null,
      storedUpdatedAt: '2026-12-01T10:00:00.000Z',
    });
    const later = await post({
      ...first,
      balance: 4_000,
      dueDate: '2026-11-15',
      updatedAt: '2026-12-01T11:00:00Z',
    });
    expect(later.status).toBe(202);
    const event = await untilEvent('COR-BAL-1', 'receivable.corrected');
    expect(event.data).toEqual({ fields: ['balance', 'dueDate'], version: null });
    const r = await row('COR-BAL-1');
    expect(r).toMatchObject({
      balance_minor: 4_000,
      amount_minor: 10_000,
      due_date: '2026-11-15',
      status: 'open',
    });
    expect(JSON.stringify(r.timeline)).toContain('open balance now');
    // A correction to 0 settles it: the case stops.
    const zero = await post({ ...first, balance: 0, updatedAt: '2026-12-01T12:00:00Z' });
    expect(zero.status).toBe(202);
    await untilEvent('COR-BAL-1', 'receivable.paid');
    expect(await row('COR-BAL-1')).toMatchObject({
      status: 'paid',
      balance_minor: 0,
      case_status: 'stopped',
    });
  });

  it('NDJSON lines correct the same way; another corporation’s externalId is its own receivable', async () => {
    const line = receivable('COR-ND-1', { email: 'nd@example.org' }, { version: 1 });
    const ndjson = (items: unknown[]) =>
      send(erp, 'POST', '/v1/receivables', items.map((i) => JSON.stringify(i)).join('\n'), {
        'content-type': 'application/x-ndjson',
      });
    expect((await ndjson([line])).status).toBe(202);
    await untilStored('COR-ND-1');
    // Woonstad Zuid posts the same externalId with other data: Noord's receivable is untouched.
    expect(
      (await post(receivable('COR-ND-1', { email: 'zuid@example.org' }, { version: 9 }), ZUID_KEY)).status,
    ).toBe(202);
    expect(
      (await ndjson([receivable('COR-ND-1', { email: 'nd2@example.org' }, { version: 2 })])).status,
    ).toBe(202);
    await untilEvent('COR-ND-1', 'receivable.corrected');
    await eventually(
      async () =>
        (await erp.db.exists(sql.unsafe`
          SELECT 1 FROM receivables WHERE corporation = 'woonstad-zuid' AND external_id = 'COR-ND-1'`)) ||
        undefined,
      10_000,
      'Zuid stored',
    );
    expect(await row('COR-ND-1')).toMatchObject({ email: 'nd2@example.org', version: 2 });
    expect(await row('COR-ND-1', 'woonstad-zuid')).toMatchObject({ email: 'zuid@example.org', version: 9 });
  });
});
