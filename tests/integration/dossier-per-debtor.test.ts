// One dossier per debtor (issue #13, ADR 0007): a tenant three months behind, posted as three
// receivables, gets one dossier and one series of reminders about the total; a payment of one item
// lowers the total in the next reminder; paying the rest stops everything and closes the links. And two
// intake batches with receivables of one debtor, at the same moment, still make one dossier.
import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReceivableInput } from '../../core/receivable/index.js';
import { sql } from '../../platform/db/index.js';
import { BundleStore } from '../../runtime/bundles/index.js';
import { MetricsSampler } from '../../runtime/gauges/index.js';
import { storeBatch } from '../../runtime/intake/intake-batch.js';
import { createRuntimeMetrics } from '../../runtime/metrics/index.js';
import { decodeQuotedPrintable } from '../support/mail.js';
import { eventually, quietLog } from '../support/street.js';
import { type ErpStreet, send, startErpStreet, testReceivable, ZUID_KEY } from './erp-api-street.js';

const FLOW = `
apiVersion: outputstraat.io/v1alpha1
kind: Flow
metadata: { name: dossier-test, namespace: outputstraat-base }
spec:
  description: Dossier tests - one dossier per debtor, a reminder every thirty minutes.
  scope: debtor
  trigger: { kinds: [dossier-test] }
  preconditions:
    - { name: balance-open, expr: receivable.balance > 0, reason: nothing is left to pay }
  channels: { fallback: [email] }
  steps:
    - { id: wait-1, wait: { for: 30m } }
    - { id: reminder-1, send: { channel: email, template: dossier-test-email } }
    - { id: wait-2, wait: { for: 30m } }
    - { id: reminder-2, send: { channel: email, template: dossier-test-email } }
    - { id: wait-3, wait: { for: 30m } }
    - { id: reminder-3, send: { channel: email, template: dossier-test-email } }
---
apiVersion: outputstraat.io/v1alpha1
kind: Template
metadata: { name: dossier-test-email, namespace: outputstraat-base }
spec:
  channel: email
  locales:
    nl:
      subject: 'Achterstand {{dossierTotal}}'
      text: "Totaal open: {{dossierTotal}} ({{dossier.count}} posten)\\n{{{dossierItems}}}\\nBetaal via {{paymentLink}}"
---
apiVersion: outputstraat.io/v1alpha1
kind: Flow
metadata: { name: storno-handover-test, namespace: outputstraat-base }
spec:
  description: Dossier tests - a storno notice, then the open storno goes to the dossier-test dossier.
  trigger: { kinds: [storno-handover-test] }
  channels: { fallback: [email] }
  steps:
    - { id: wait-notice, wait: { for: 30m } }
    - { id: notice, send: { channel: email, template: dossier-test-email } }
    - { id: term, wait: { for: 30m } }
    - { id: to-arrears, handOver: { flow: dossier-test, reason: storno unpaid after its term } }
---
apiVersion: outputstraat.io/v1alpha1
kind: ClassificationRule
metadata: { name: storno-handover-test, namespace: outputstraat-base }
spec:
  priority: 1
  appliesTo: { kinds: [storno-handover-test] }
  rules:
    - { name: storno-handover-test, when: 'true', classification: storno, flow: storno-handover-test }
---
apiVersion: outputstraat.io/v1alpha1
kind: ClassificationRule
metadata: { name: dossier-test, namespace: outputstraat-base }
spec:
  priority: 1
  appliesTo: { kinds: [dossier-test] }
  rules:
    - { name: dossier-test, when: 'true', classification: dossier-test, flow: dossier-test }
`;

const MONTHS = [
  { suffix: 'OKT', dueDate: '2026-10-01', description: 'Huur oktober 2026' },
  { suffix: 'NOV', dueDate: '2026-11-01', description: 'Huur november 2026' },
  { suffix: 'DEC', dueDate: '2026-12-01', description: 'Huur december 2026' },
];

function rent(debtorId: string, email: string, month: (typeof MONTHS)[number]): ReceivableInput {
  const base = testReceivable(`${debtorId}-${month.suffix}`, {
    kind: 'dossier-test',
    amount: 62_079,
    dueDate: month.dueDate,
    description: month.description,
  });
  return { ...base, debtor: { ...base.debtor, id: debtorId, email } } as ReceivableInput;
}

describe('one dossier per debtor', () => {
  let erp: ErpStreet;
  beforeAll(async () => {
    erp = await startErpStreet({ flows: { 'dossier-test.yaml': FLOW } });
  });
  afterAll(async () => {
    await erp?.stop();
  });

  const dossiersOf = async (debtorId: string) =>
    (await erp.db.any(sql.unsafe`
      SELECT c.id, c.status, c.scope, (SELECT count(*)::int FROM case_items ci WHERE ci.case_id = c.id) AS items
      FROM cases c JOIN debtors d ON d.id = c.debtor_ref
      WHERE d.corporation = 'woonstad-noord' AND d.debtor_id = ${debtorId} ORDER BY c.started_at, c.id`)) as unknown as {
      id: string;
      status: string;
      scope: string;
      items: number;
    }[];
  const makeDue = (caseId: string) =>
    erp.db.query(sql.unsafe`
      UPDATE steps SET due_at = now() WHERE case_id = ${caseId} AND status = 'scheduled' AND kind = 'due'`);
  const mailsTo = (address: string) =>
    erp.street.smtp.messages.filter((m) => m.to.includes(address)).map((m) => decodeQuotedPrintable(m.raw));
  const pay = (externalId: string, amount: number, paymentId: string) =>
    send(erp, 'POST', `/v1/receivables/${externalId}/payments`, { amount, paymentId });

  it('three unpaid months: one dossier, reminders about the total and the items, stopped when all is paid', async () => {
    const debtor = 'D-DOSSIER-1';
    const email = 'dossier-1@example.org';
    for (const month of MONTHS) {
      const res = await erp.street.post('/v1/receivables', rent(debtor, email, month));
      expect(res.status).toBe(202);
    }
    const [dossier] = await eventually(
      async () => {
        const rows = await dossiersOf(debtor);
        return rows.length === 1 && rows[0]!.items === 3 ? rows : undefined;
      },
      10_000,
      'one dossier with three items',
    );
    expect(dossier).toMatchObject({ scope: 'debtor', status: 'active' });

    await makeDue(dossier!.id);
    const [first] = await eventually(async () => {
      const mails = mailsTo(email);
      return mails.length >= 1 ? mails : undefined;
    }, 10_000);
    expect(first).toContain('Subject: =?UTF-8?Q?Achterstand_€_1.862,37'); // Q-encoded: the euro sign
    expect(first).toContain('Totaal open: € 1.862,37 (3 posten)');
    expect(first).toContain('- Huur oktober 2026 (vervaldatum 1 oktober 2026): € 620,79');
    expect(first).toContain('- Huur november 2026 (vervaldatum 1 november 2026): € 620,79');
    expect(first).toContain('- Huur december 2026 (vervaldatum 1 december 2026): € 620,79');

    const paid = await pay(`${debtor}-OKT`, 62_079, 'psp-dossier-1-okt');
    expect(paid.status).toBe(200);
    expect(await paid.json()).toMatchObject({ status: 'paid', balance: 0 });
    expect((await dossiersOf(debtor))[0]!.status).toBe('active');

    await eventually(async () => {
      const n = await erp.db.oneFirst(sql.unsafe`
        SELECT count(*)::int FROM steps WHERE case_id = ${dossier!.id} AND status = 'scheduled' AND kind = 'due'`);
      return Number(n) === 1 || undefined;
    });
    await makeDue(dossier!.id);
    const second = await eventually(async () => mailsTo(email)[1], 10_000, 'the second reminder');
    expect(second).toContain('Totaal open: € 1.241,58 (2 posten)');
    expect(second).not.toContain('Huur oktober 2026');
    expect(second).toContain('- Huur december 2026 (vervaldatum 1 december 2026): € 620,79');

    expect((await pay(`${debtor}-NOV`, 62_079, 'psp-dossier-1-nov')).status).toBe(200);
    expect((await dossiersOf(debtor))[0]!.status).toBe('active');
    expect((await pay(`${debtor}-DEC`, 62_079, 'psp-dossier-1-dec')).status).toBe(200);

    const ended = (await dossiersOf(debtor))[0]!;
    expect(ended.status).toBe('stopped');
    const pending = await erp.db.oneFirst(sql.unsafe`
      SELECT count(*)::int FROM steps WHERE case_id = ${dossier!.id} AND status IN ('scheduled', 'queued', 'held')`);
    expect(Number(pending)).toBe(0);
    const links = await erp.db.one(sql.unsafe`
      SELECT count(*) FILTER (WHERE l.closed_at IS NULL)::int AS open, count(*)::int AS all
      FROM links l JOIN case_items ci ON ci.receivable_id = l.receivable_id
      WHERE ci.case_id = ${dossier!.id} AND l.purpose = 'payment'`);
    expect(links).toEqual({ open: 0, all: 2 }); // one link per reminder's receivable, both closed
    const timeline = (await erp.db.oneFirst(
      sql.unsafe`SELECT timeline FROM cases WHERE id = ${dossier!.id}`,
    )) as { text: string }[];
    const texts = timeline.map((t) => t.text);
    expect(texts).toContain('Partial payment received; open balance now 1241.58');
    expect(texts).toContain('Payment received: the receivable is paid');
    expect(texts).toContain('Case stopped: receivable paid');
    // Nothing more goes out, whatever is made due.
    await makeDue(dossier!.id);
    await new Promise((r) => setTimeout(r, 300));
    expect(mailsTo(email)).toHaveLength(2);
  });

  it('a receivable posted while the dossier runs joins it with the new total in the timeline', async () => {
    const debtor = 'D-DOSSIER-2';
    const email = 'dossier-2@example.org';
    expect((await erp.street.post('/v1/receivables', rent(debtor, email, MONTHS[0]!))).status).toBe(202);
    const [dossier] = await eventually(async () => {
      const rows = await dossiersOf(debtor);
      return rows.length === 1 ? rows : undefined;
    }, 10_000);
    expect((await erp.street.post('/v1/receivables', rent(debtor, email, MONTHS[1]!))).status).toBe(202);
    await eventually(async () => ((await dossiersOf(debtor))[0]?.items === 2 ? true : undefined), 10_000);
    expect(await dossiersOf(debtor)).toHaveLength(1);
    const timeline = (await erp.db.oneFirst(
      sql.unsafe`SELECT timeline FROM cases WHERE id = ${dossier!.id}`,
    )) as { text: string }[];
    expect(timeline.map((t) => t.text)).toContain(
      `Receivable ${debtor}-NOV joined the dossier; total open now 1241.58`,
    );
    const events = await erp.db.anyFirst(sql.unsafe`
      SELECT type FROM events WHERE case_id = ${dossier!.id} ORDER BY seq`);
    expect(events).toContain('case.item-added');

    // The ERP sees the dossier in GET /v1/receivables/{externalId} of either item.
    const res = await send(erp, 'GET', `/v1/receivables/${debtor}-NOV`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      cases: { id: string }[];
      dossiers: { id: string; flow: string; total: number; count: number; items: { externalId: string }[] }[];
    };
    expect(body.cases.map((c) => c.id)).toEqual([dossier!.id]);
    expect(body.dossiers).toEqual([
      expect.objectContaining({
        id: dossier!.id,
        flow: 'dossier-test',
        status: 'active',
        total: 124_158,
        count: 2,
      }),
    ]);
    expect(body.dossiers[0]!.items.map((i) => i.externalId)).toEqual([`${debtor}-OKT`, `${debtor}-NOV`]);
    // A month that arrives already settled does not join: it runs alone, and the dossier stays as it is.
    const settled = { ...rent(debtor, email, MONTHS[2]!), balance: 0 };
    expect((await erp.street.post('/v1/receivables', settled)).status).toBe(202);
    const alone = await eventually(
      async () =>
        (await erp.db.maybeOne(sql.unsafe`
          SELECT c.scope FROM cases c JOIN receivables r ON r.id = c.receivable_id
          WHERE r.external_id = ${`${debtor}-DEC`}`)) ?? undefined,
      10_000,
    );
    expect(alone.scope).toBe('receivable');
    expect((await dossiersOf(debtor)).find((d) => d.id === dossier!.id)?.items).toBe(2);
    // The same debtor id at another corporation is another debtor: its receivable never joins this dossier.
    const zuid = { ...rent(debtor, 'zuid@example.org', MONTHS[2]!), externalId: `${debtor}-ZUID` };
    expect((await erp.street.post('/v1/receivables', zuid, ZUID_KEY)).status).toBe(202);
    const zuidDossier = await eventually(
      async () =>
        (await erp.db.maybeOne(sql.unsafe`
          SELECT c.id, c.scope, c.corporation FROM cases c JOIN receivables r ON r.id = c.receivable_id
          WHERE r.external_id = ${`${debtor}-ZUID`}`)) ?? undefined,
      10_000,
    );
    expect(zuidDossier).toMatchObject({ scope: 'debtor', corporation: 'woonstad-zuid' });
    expect(zuidDossier.id).not.toBe(dossier!.id);
    expect((await dossiersOf(debtor)).find((d) => d.id === dossier!.id)?.items).toBe(2);
    // Another corporation's key does not see it.
    expect((await send(erp, 'GET', `/v1/receivables/${debtor}-NOV`, undefined, {}, ZUID_KEY)).status).toBe(
      404,
    );
  });

  it('two intake batches with receivables of one debtor at the same moment make one dossier', async () => {
    const bundles = erp.street.runtimes[0]!.bundles;
    const bundle = bundles.get('woonstad-noord')!;
    for (let i = 0; i < 12; i++) {
      const debtor = `D-RACE-${i}`;
      const email = `race-${i}@example.org`;
      const item = (month: (typeof MONTHS)[number]) => ({
        corporation: 'woonstad-noord',
        receivable: rent(debtor, email, month),
        bundle,
      });
      const now = new Date();
      await Promise.all([
        erp.db.transaction((tx) => storeBatch(tx, [item(MONTHS[0]!)], now, bundles)),
        erp.db.transaction((tx) => storeBatch(tx, [item(MONTHS[1]!)], now, bundles)),
      ]);
      const dossiers = await dossiersOf(debtor);
      expect(dossiers.map((d) => [d.status, d.items])).toEqual([['active', 2]]);
    }
  });

  it('the dossiers open per flow are a gauge without debtor data in its labels', async () => {
    const metrics = createRuntimeMetrics();
    const log = quietLog();
    const sampler = new MetricsSampler(
      {
        db: erp.db,
        jsm: await jetstreamManager(erp.street.nc),
        bundles: new BundleStore(erp.db, log),
        metrics,
        log,
        instanceId: 'dossier-gauge',
      },
      60_000,
    );
    await erp.db.query(sql.unsafe`DELETE FROM gauge_samples`);
    await sampler.sample();
    const running = await erp.db.any(sql.unsafe`
      SELECT corporation, count(*)::int AS n FROM cases
      WHERE scope = 'debtor' AND status IN ('active', 'paused') AND flow = 'dossier-test'
      GROUP BY corporation ORDER BY corporation`);
    expect(running.map((r) => r.corporation)).toEqual(['woonstad-noord', 'woonstad-zuid']);
    const values = (await metrics.dossiersOpen.get()).values;
    const byCorporation = [...values].sort((a, b) =>
      String(a.labels.corporation).localeCompare(String(b.labels.corporation)),
    );
    expect(byCorporation).toEqual(
      running.map((r) => ({ labels: { corporation: r.corporation, flow: 'dossier-test' }, value: r.n })),
    );
  });

  it('a storno unpaid after its term is handed over: it joins the running dossier, or starts one', async () => {
    const storno = (debtor: string) => {
      const r = rent(debtor, `${debtor.toLowerCase()}@example.org`, MONTHS[2]!);
      return {
        ...r,
        externalId: `${debtor}-STORNO`,
        kind: 'storno-handover-test',
        description: 'Storno huur',
      };
    };
    const stornoCase = async (debtor: string) =>
      (await eventually(
        async () =>
          (await erp.db.maybeOne(sql.unsafe`
            SELECT c.id, c.status, c.end_reason FROM cases c JOIN receivables r ON r.id = c.receivable_id
            WHERE r.external_id = ${`${debtor}-STORNO`}`)) ?? undefined,
        10_000,
      )) as { id: string; status: string; end_reason: string | null };
    const runToEnd = async (caseId: string) => {
      for (let i = 0; i < 10; i++) {
        const c = await erp.db.one(sql.unsafe`SELECT status FROM cases WHERE id = ${caseId}`);
        if (c.status !== 'active') return;
        await makeDue(caseId);
        await new Promise((r) => setTimeout(r, 200));
      }
    };

    // D-HAND-1 has a running arrears dossier: the storno joins it.
    expect(
      (await erp.street.post('/v1/receivables', rent('D-HAND-1', 'd-hand-1@example.org', MONTHS[0]!))).status,
    ).toBe(202);
    const [arrears] = await eventually(
      async () => ((await dossiersOf('D-HAND-1')).length === 1 ? dossiersOf('D-HAND-1') : undefined),
      10_000,
    );
    expect((await erp.street.post('/v1/receivables', storno('D-HAND-1'))).status).toBe(202);
    const s1 = await stornoCase('D-HAND-1');
    await runToEnd(s1.id);
    const ended = await erp.db.one(
      sql.unsafe`SELECT status, end_reason, timeline FROM cases WHERE id = ${s1.id}`,
    );
    expect(ended).toMatchObject({
      status: 'stopped',
      end_reason: "handed over to flow 'dossier-test': storno unpaid after its term",
    });
    expect((ended.timeline as { text: string }[]).map((t) => t.text)).toContain(
      "Handed over to flow 'dossier-test': 1 open item (620.79) joined its running dossier",
    );
    const after = await dossiersOf('D-HAND-1');
    expect(after.filter((d) => d.status === 'active').map((d) => [d.id, d.items])).toEqual([
      [arrears!.id, 2],
    ]);
    expect(
      await erp.db.anyFirst(sql.unsafe`SELECT type FROM events WHERE case_id = ${s1.id} ORDER BY seq`),
    ).toContain('case.handed-over');

    // D-HAND-2 has none: the hand-over starts a dossier with the storno as its item.
    expect((await erp.street.post('/v1/receivables', storno('D-HAND-2'))).status).toBe(202);
    const s2 = await stornoCase('D-HAND-2');
    await runToEnd(s2.id);
    const started = (await dossiersOf('D-HAND-2')).filter((d) => d.scope === 'debtor');
    expect(started.map((d) => [d.status, d.items])).toEqual([['active', 1]]);
    const rule = await erp.db.oneFirst(sql.unsafe`SELECT rule FROM cases WHERE id = ${started[0]!.id}`);
    expect(rule).toBe('handOver:storno-handover-test');
  });
});
