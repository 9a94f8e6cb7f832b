// The console's overviews against a migrated database with known rows: dossiers per flow and
// classification (open dossiers, open amount, paid within 14/30 days of entering the dossier) and the
// meter-reading and contact-data campaigns per complex (digital, paper, missing). Another corporation's
// rows never count. The queries use the indexes of migration 027 (checked with EXPLAIN once the planner
// has statistics to prefer them).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database, runMigrations, sql } from '../../platform/db/index.js';
import { campaignByComplex, campaignRows, flowOverview } from '../../runtime/console/overviews.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { quietLog } from '../support/street.js';

const NOW = new Date('2026-06-30T12:00:00Z');
const days = (n: number) => new Date(NOW.getTime() - n * 86_400_000).toISOString();
const after = (iso: string, n: number) => new Date(Date.parse(iso) + n * 86_400_000).toISOString();

let test: TestDatabase;
let db: Database;

async function receivable(
  corporation: string,
  externalId: string,
  o: { kind?: string; status?: string; balance?: number; complex?: string; debtorId?: string } = {},
): Promise<string> {
  const id = randomUUID();
  const debtor = { id: o.debtorId ?? `D-${externalId}`, name: 'Test' };
  const payload = { externalId, ...(o.complex ? { complex: o.complex } : {}) };
  await db.query(sql.unsafe`
    INSERT INTO receivables (id, corporation, external_id, kind, amount_minor, balance_minor, due_date, debtor,
      payload, status)
    VALUES (${id}, ${corporation}, ${externalId}, ${o.kind ?? 'rent'}, 100000, ${o.balance ?? 0}, '2026-05-01',
      ${sql.jsonb(debtor)}, ${sql.jsonb(payload)}, ${o.status ?? 'open'})`);
  return id;
}

async function dossier(
  corporation: string,
  flow: string,
  classification: string | null,
  status: string,
  startedAt: string,
  receivableId: string,
  items?: { receivableId: string; joinedAt: string; leftAt?: string }[],
): Promise<string> {
  const id = randomUUID();
  await db.query(sql.unsafe`
    INSERT INTO cases (id, receivable_id, corporation, flow, flow_revision, bundle_revision, classification,
      status, started_at, ended_at, scope)
    VALUES (${id}, ${receivableId}, ${corporation}, ${flow}, 'r1', 'b1', ${classification}, ${status},
      ${startedAt}, ${status === 'stopped' ? NOW.toISOString() : null}, ${items ? 'debtor' : 'receivable'})`);
  for (const item of items ?? []) {
    await db.query(sql.unsafe`
      INSERT INTO case_items (case_id, receivable_id, corporation, joined_at, left_at)
      VALUES (${id}, ${item.receivableId}, ${corporation}, ${item.joinedAt}, ${item.leftAt ?? null})`);
  }
  return id;
}

async function payment(
  receivableId: string,
  o: { paidAt?: string; receivedAt: string; balanceAfter: number },
) {
  await db.query(sql.unsafe`
    INSERT INTO payments (corporation, receivable_id, payment_id, amount_minor, paid_at, balance_after, received_at)
    SELECT corporation, id, ${randomUUID()}, 100, ${o.paidAt ?? null}, ${o.balanceAfter}, ${o.receivedAt}
    FROM receivables WHERE id = ${receivableId}`);
}

async function reading(receivableId: string, source: string) {
  await db.query(sql.unsafe`
    INSERT INTO meter_readings (corporation, receivable_id, external_id, address, meter_number, reading, read_on, source)
    SELECT corporation, id, external_id, 'Straat 1', 'WM-1', 1234, '2026-06-01', ${source}
    FROM receivables WHERE id = ${receivableId}`);
}

async function contactUpdate(receivableId: string, source: string) {
  await db.query(sql.unsafe`
    INSERT INTO contact_updates (corporation, receivable_id, external_id, debtor_id, phone, source)
    SELECT corporation, id, external_id, debtor ->> 'id', '+31612345678', ${source}
    FROM receivables WHERE id = ${receivableId}`);
}

beforeAll(async () => {
  test = await createTestDatabase();
  db = await createDatabase(test.url, { log: quietLog() });
  await runMigrations(db, { log: quietLog() });
  const ov = 'ov';
  // rent-arrears/rent: A paid 10 days after it started, B paid (no paidAt: when reported) after 20 days,
  // C open for 20 days, D a debtor dossier of 5 days with two open items and one that left it.
  const a = await receivable(ov, 'A', { status: 'paid' });
  await dossier(ov, 'rent-arrears', 'rent', 'stopped', days(40), a);
  await payment(a, { paidAt: after(days(40), 10), receivedAt: after(days(40), 11), balanceAfter: 0 });
  const b = await receivable(ov, 'B', { status: 'paid' });
  await dossier(ov, 'rent-arrears', 'rent', 'stopped', days(40), b);
  await payment(b, { receivedAt: after(days(40), 5), balanceAfter: 50 });
  await payment(b, { receivedAt: after(days(40), 20), balanceAfter: 0 });
  const c = await receivable(ov, 'C', { balance: 50_000 });
  await dossier(ov, 'rent-arrears', 'rent', 'active', days(20), c);
  const d1 = await receivable(ov, 'D1', { balance: 12_345 });
  const d2 = await receivable(ov, 'D2', { balance: 655 });
  const d3 = await receivable(ov, 'D3', { balance: 999 });
  await dossier(ov, 'rent-arrears', 'rent', 'active', days(5), d1, [
    { receivableId: d1, joinedAt: days(5) },
    { receivableId: d2, joinedAt: days(2) },
    { receivableId: d3, joinedAt: days(5), leftAt: days(1) },
  ]);
  // storno without a classification: one paused dossier.
  const e = await receivable(ov, 'E', { status: 'paused', balance: 1_000 });
  await dossier(ov, 'storno', null, 'paused', days(3), e);
  // Another corporation: never counted.
  const x = await receivable('other', 'X', { balance: 7_777_777 });
  await dossier('other', 'rent-arrears', 'rent', 'active', days(50), x);

  // Meter readings: C-1 digital / paper / missing, C-2 both (digital counts), no complex: staff (paper).
  const m = async (id: string, complex?: string) =>
    receivable(ov, id, { kind: 'meter-reading', ...(complex ? { complex } : {}) });
  await reading(await m('M1', 'C-1'), 'tenant');
  await reading(await m('M2', 'C-1'), 'paper');
  await m('M3', 'C-1');
  const m4 = await m('M4', 'C-2');
  await reading(m4, 'paper');
  await reading(m4, 'tenant');
  await reading(await m('M5'), 'staff');
  await reading(await receivable('other', 'MX', { kind: 'meter-reading', complex: 'C-1' }), 'tenant');
  // Contact data: one digital, one missing, one on paper.
  await contactUpdate(await receivable(ov, 'K1', { kind: 'enrichment', complex: 'C-1' }), 'tenant');
  await receivable(ov, 'K2', { kind: 'enrichment', complex: 'C-1' });
  await contactUpdate(await receivable(ov, 'K3', { kind: 'enrichment', complex: 'C-1' }), 'paper');
}, 60_000);

afterAll(async () => {
  await db?.end();
  await test?.drop();
});

describe('console overviews', () => {
  it('counts open dossiers, the open amount and payment within 14 and 30 days per flow and classification', async () => {
    expect(await flowOverview(db, 'ov', NOW)).toEqual([
      {
        flow: 'rent-arrears',
        classification: 'rent',
        openDossiers: 2,
        openCents: 50_000 + 12_345 + 655,
        due14: 3,
        paid14: 1,
        due30: 2,
        paid30: 2,
      },
      {
        flow: 'storno',
        classification: '',
        openDossiers: 1,
        openCents: 1_000,
        due14: 0,
        paid14: 0,
        due30: 0,
        paid30: 0,
      },
    ]);
    expect(await flowOverview(db, 'nobody', NOW)).toEqual([]);
  });

  it('counts the meter-reading campaign per complex: digital, paper, missing', async () => {
    expect(await campaignByComplex(db, 'ov', 'meter')).toEqual([
      { complex: '', digital: 0, paper: 1, missing: 0 },
      { complex: 'C-1', digital: 1, paper: 1, missing: 1 },
      { complex: 'C-2', digital: 1, paper: 0, missing: 0 },
    ]);
    const rows = await campaignRows(db, 'ov', 'meter', 100);
    expect(rows.map((r) => [r.complex, r.externalId, r.answer])).toEqual([
      ['', 'M5', 'paper'],
      ['C-1', 'M1', 'digital'],
      ['C-1', 'M3', 'missing'],
      ['C-1', 'M2', 'paper'],
      ['C-2', 'M4', 'digital'],
    ]);
    expect(rows[1]).toMatchObject({ meterNumber: 'WM-1', reading: 1234, readOn: '2026-06-01' });
    expect(rows[2]).toMatchObject({ meterNumber: null, reading: null, answeredAt: null });
  });

  it('counts the contact-data campaign per complex', async () => {
    expect(await campaignByComplex(db, 'ov', 'contact')).toEqual([
      { complex: 'C-1', digital: 1, paper: 1, missing: 1 },
    ]);
    expect(await campaignByComplex(db, 'other', 'contact')).toEqual([]);
  });

  it('joins through the indexes of migrations 027 and 036', async () => {
    await db.query(sql.unsafe`SET enable_seqscan = off`);
    try {
      const plan = (await db.anyFirst(sql.unsafe`
        EXPLAIN SELECT r.id FROM receivables r JOIN meter_readings m ON m.receivable_id = r.id
        WHERE r.corporation = 'ov' AND r.kind = 'meter-reading'`)) as string[];
      const text = plan.join('\n');
      expect(text).toContain('receivables_campaign_idx');
      expect(text).toContain('meter_readings_receivable_idx');
    } finally {
      await db.query(sql.unsafe`RESET enable_seqscan`);
    }
  });
});
