// Monitored payment arrangements (docs/collections-law.md § 3; docs/erp-api.md "Arrangements") on a real
// street (Postgres, NATS JetStream, the SMTP sink): the ERP reports a plan with terms, payments are
// matched to them, a term unpaid after the grace breaks the plan and the flow resumes with a consultant
// alert; a plan paid in full closes the dossier. The runtime's clock is moved to let the days pass.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDate } from '../../core/render/index.js';
import { sql } from '../../platform/db/index.js';
import { decodeQuotedPrintable } from '../support/mail.js';
import { eventually } from '../support/street.js';
import { type ErpStreet, send, startErpStreet, testReceivable, ZUID_KEY } from './erp-api-street.js';

const DAY = 24 * 3600_000;

const FLOW = `
apiVersion: outputstraat.io/v1alpha1
kind: Flow
metadata: { name: arrangement-test, namespace: outputstraat-base }
spec:
  description: Arrangement tests - a reminder after a day; a lapsed plan resumes with a consultant alert.
  trigger: { kinds: [arrangement-test] }
  preconditions:
    - { name: balance-open, expr: receivable.balance > 0, reason: nothing is left to pay }
  channels: { fallback: [email] }
  steps:
    - { id: wait-a-day, wait: { for: 1d } }
    - { id: reminder, send: { channel: email, template: erp-api-test-email } }
  arrangement:
    reminder: { daysBefore: 3, template: arrangement-term-test }
  reactions:
    - { event: paid, then: stop }
    - { event: arrangementBroken, then: alert, action: call }
---
apiVersion: outputstraat.io/v1alpha1
kind: Template
metadata: { name: arrangement-term-test, namespace: outputstraat-base }
spec:
  channel: email
  locales:
    nl:
      subject: 'Herinnering {{receivable.externalId}}'
      text: 'Termijn {{arrangement.next.number}} van {{arrangement.terms}}: {{arrangement.next.amount}} op {{arrangement.next.dueOn}}; nog open {{arrangement.remaining}} van {{arrangement.total}}.'
---
apiVersion: outputstraat.io/v1alpha1
kind: ClassificationRule
metadata: { name: arrangement-test, namespace: outputstraat-base }
spec:
  priority: 1
  appliesTo: { kinds: [arrangement-test] }
  rules:
    - { name: arrangement-test, when: 'true', classification: arrangement-test, flow: arrangement-test }
`;

describe('ERP API: arrangements the dossier monitors', () => {
  let erp: ErpStreet;
  let offset = 0;
  const clock = () => new Date(Date.now() + offset);
  const day = (n: number) => new Date(clock().getTime() + n * DAY).toISOString().slice(0, 10);
  beforeAll(async () => {
    erp = await startErpStreet({ clock, flows: { 'arrangement-test.yaml': FLOW } });
  });
  afterAll(async () => {
    await erp?.stop();
  });

  async function post(externalId: string, debtorId: string): Promise<void> {
    const base = testReceivable(externalId, { kind: 'arrangement-test', amount: 30_000 });
    const res = await send(erp, 'POST', '/v1/receivables', {
      ...base,
      debtor: { ...base.debtor, id: debtorId },
    });
    expect(res.status).toBe(202);
    await eventually(
      async () =>
        (await erp.db.maybeOneFirst(sql.unsafe`
          SELECT c.status FROM cases c JOIN receivables r ON r.id = c.receivable_id
          WHERE r.external_id = ${externalId}`)) ?? undefined,
      10_000,
      `${externalId} intake`,
    );
  }
  const caseOf = async (externalId: string) =>
    erp.db.one(sql.unsafe`
      SELECT c.id, c.status, c.end_reason, c.timeline FROM cases c JOIN receivables r ON r.id = c.receivable_id
      WHERE r.external_id = ${externalId}`);
  const feed = async (externalId: string) =>
    (await erp.db.anyFirst(sql.unsafe`
      SELECT e.type FROM events e JOIN receivables r ON r.id = e.receivable_id
      WHERE r.external_id = ${externalId} ORDER BY e.seq`)) as string[];
  const pay = (externalId: string, amount: number, paymentId: string) =>
    send(erp, 'POST', `/v1/receivables/${externalId}/payments`, { amount, paymentId });
  const plan = () => ({
    arrangement: {
      reference: 'ERP-PLAN-1',
      terms: [
        { dueOn: day(2), amount: 10_000 },
        { dueOn: day(32), amount: 10_000 },
        { dueOn: day(62), amount: 10_000 },
      ],
    },
  });

  it('a term missed past the grace breaks the plan: arrangement.broken, the flow resumes, consultants alerted', async () => {
    await post('ARR-BROKEN-1', 'DEB-ARR-1');
    const arranged = plan();
    const res = await send(erp, 'PATCH', '/v1/receivables/ARR-BROKEN-1', arranged);
    expect(res.status).toBe(200);
    expect((await caseOf('ARR-BROKEN-1')).status).toBe('paused');
    expect(await feed('ARR-BROKEN-1')).toContain('arrangement.started');

    // The first term paid; the day the reminder was due passes without it.
    expect((await pay('ARR-BROKEN-1', 10_000, 'ARR-BROKEN-1-P1')).status).toBe(200);
    offset += 3 * DAY;
    await new Promise((r) => setTimeout(r, 300));
    expect(erp.street.smtp.messages.filter((m) => m.raw.includes('ARR-BROKEN-1'))).toHaveLength(0);
    const debtor = (await (await send(erp, 'GET', '/v1/debtors/DEB-ARR-1')).json()) as {
      arrangements: { status: string; paid: number; terms: { paid: number }[] }[];
    };
    expect(debtor.arrangements).toMatchObject([
      {
        status: 'running',
        source: 'erp',
        reference: 'ERP-PLAN-1',
        total: 30_000,
        paid: 10_000,
        graceDays: 7,
      },
    ]);
    expect(debtor.arrangements[0]!.terms.map((t) => t.paid)).toEqual([10_000, 0, 0]);

    // Three days before the second term (due in 32 days) the flow reminds, although the dossier is paused.
    const mails = () => erp.street.smtp.messages.filter((m) => m.raw.includes('Herinnering ARR-BROKEN-1'));
    offset += 27 * DAY;
    await eventually(async () => (mails().length === 1 ? true : undefined), 10_000, 'the term reminder');
    expect((await caseOf('ARR-BROKEN-1')).status).toBe('paused');
    // It names the instalment, what is open of it and its day, on the runtime's clock.
    const secondDue = formatDate(arranged.arrangement.terms[1]!.dueOn, 'nl', 'long', 'Europe/Amsterdam');
    expect(decodeQuotedPrintable(mails()[0]!.raw)).toContain(
      `Termijn 2 van 3: € 100,00 op ${secondDue}; nog open € 200,00 van € 300,00.`,
    );
    // It is not paid; its grace of 7 days ends; the next day the plan lapses.
    offset += 2 * DAY + 7 * DAY + 1 * DAY + 60_000;
    await eventually(
      async () => ((await feed('ARR-BROKEN-1')).includes('arrangement.broken') ? true : undefined),
      10_000,
      'arrangement.broken on the feed',
    );
    const broken = await erp.db.one(sql.unsafe`
      SELECT e.data FROM events e JOIN receivables r ON r.id = e.receivable_id
      WHERE r.external_id = 'ARR-BROKEN-1' AND e.type = 'arrangement.broken'`);
    expect(broken.data).toMatchObject({
      reference: 'ERP-PLAN-1',
      term: 2,
      amountCents: 10_000,
      outstandingCents: 10_000,
    });
    // Resumed: the held reminder goes out, and the consultants get an alert that says the plan lapsed.
    await eventually(
      async () => (mails().length === 2 ? true : undefined),
      10_000,
      'the reminder after the plan lapsed',
    );
    const alert = await eventually(
      async () =>
        (await erp.db.maybeOne(sql.unsafe`
          SELECT s.status, s.payload FROM steps s JOIN cases c ON c.id = s.case_id
          JOIN receivables r ON r.id = c.receivable_id
          WHERE r.external_id = 'ARR-BROKEN-1' AND s.kind = 'alert' AND s.status = 'sent'`)) ?? undefined,
      10_000,
      'the consultant alert sent',
    );
    expect(alert.payload).toMatchObject({ action: 'call', note: 'payment arrangement lapsed' });
    const alertMail = erp.street.smtp.messages.find(
      (m) => m.to.includes('incasso@woonstad-noord.example') && m.raw.includes('ARR-BROKEN-1'),
    );
    expect(alertMail?.raw.replace(/=\r?\n/g, '')).toContain('payment arrangement lapsed');
    const c = await caseOf('ARR-BROKEN-1');
    const timeline = JSON.stringify(c.timeline);
    expect(timeline).toContain('Payment arrangement lapsed: instalment 2 of 3');
    expect(timeline).toContain('Case resumed (payment arrangement lapsed)');
    const after = (await (await send(erp, 'GET', '/v1/debtors/DEB-ARR-1')).json()) as {
      arrangements: { status: string }[];
    };
    expect(after.arrangements.map((a) => a.status)).toEqual(['broken']);
    // A person follows it up: one lapsed-arrangement task on the console's list and the feed.
    const tasks = await erp.db.any(sql.unsafe`
      SELECT t.kind, t.title, t.status, t.debtor_ref IS NOT NULL AS has_debtor FROM tasks t
      JOIN cases c ON c.id = t.case_id JOIN receivables r ON r.id = c.receivable_id
      WHERE r.external_id = 'ARR-BROKEN-1' AND t.kind = 'lapsed-arrangement'`);
    expect(tasks).toEqual([
      { kind: 'lapsed-arrangement', title: 'Betalingsregeling vervallen', status: 'open', has_debtor: true },
    ]);
    const created = await erp.db.anyFirst(sql.unsafe`
      SELECT e.data->>'kind' FROM events e JOIN cases c ON c.id = e.case_id
      JOIN receivables r ON r.id = c.receivable_id
      WHERE r.external_id = 'ARR-BROKEN-1' AND e.type = 'task.created'`);
    expect(created).toContain('lapsed-arrangement');
  });

  it('a plan paid in full is completed and closes the dossier', async () => {
    await post('ARR-DONE-1', 'DEB-ARR-2');
    expect((await send(erp, 'PATCH', '/v1/receivables/ARR-DONE-1', plan())).status).toBe(200);
    for (const [i, amount] of [10_000, 10_000, 10_000].entries()) {
      expect((await pay('ARR-DONE-1', amount, `ARR-DONE-1-P${i}`)).status).toBe(200);
    }
    const c = await caseOf('ARR-DONE-1');
    expect(c.status).toBe('stopped');
    expect(await feed('ARR-DONE-1')).toEqual(
      expect.arrayContaining(['arrangement.started', 'arrangement.completed']),
    );
    expect(JSON.stringify(c.timeline)).toContain('Payment arrangement completed');
    const debtor = (await (await send(erp, 'GET', '/v1/debtors/DEB-ARR-2')).json()) as {
      arrangements: { status: string; paid: number }[];
    };
    expect(debtor.arrangements).toMatchObject([{ status: 'completed', paid: 30_000 }]);
    expect(erp.street.smtp.messages.filter((m) => m.raw.includes('ARR-DONE-1'))).toHaveLength(0);
  });

  it('terms out of order or in the past are a 400 naming the term, and nothing changes', async () => {
    await post('ARR-BAD-1', 'DEB-ARR-3');
    const bad = [
      [
        [
          { dueOn: day(10), amount: 100 },
          { dueOn: day(5), amount: 100 },
        ],
        'arrangement.terms[1].dueOn',
      ],
      [[{ dueOn: day(-3), amount: 100 }], 'arrangement.terms[0].dueOn'],
      [[{ dueOn: '2026-02-30', amount: 100 }], 'arrangement.terms[0].dueOn'],
      [[{ dueOn: day(3), amount: 0 }], 'arrangement.terms[0].amount'],
    ] as const;
    for (const [terms, field] of bad) {
      const res = await send(erp, 'PATCH', '/v1/receivables/ARR-BAD-1', { arrangement: { terms } });
      expect(res.status, field).toBe(400);
      expect(JSON.stringify(await res.json()), field).toContain(field);
    }
    expect((await caseOf('ARR-BAD-1')).status).toBe('active');
    expect(await feed('ARR-BAD-1')).not.toContain('arrangement.started');
    // Another corporation's key does not find the receivable.
    const other = await send(erp, 'PATCH', '/v1/receivables/ARR-BAD-1', plan(), {}, ZUID_KEY);
    expect(other.status).toBe(404);
  });
});
