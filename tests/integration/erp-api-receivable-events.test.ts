import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../platform/db/index.js';
import { ensureLink, LinkTokens } from '../../runtime/dossiers/index.js';
import { mailHeader } from '../../scripts/street/mail-headers.js';
import { eventually, TEST_LINK_SECRET } from '../support/street.js';
import { type ErpStreet, postReceivables, send, startErpStreet, ZUID_KEY } from './erp-api-street.js';

interface Row {
  status: string;
  balance: number;
  caseStatus: string;
  steps: { kind: string; step_id: string; status: string; due_at: Date }[];
  /** Payment links still usable / closed. */
  openLinks: number;
  closedLinks: number;
  messages: number;
}

describe('ERP API: payments and changes reach every pending step at once', () => {
  let erp: ErpStreet;
  beforeAll(async () => {
    erp = await startErpStreet();
  });
  afterAll(async () => {
    await erp?.stop();
  });

  /** The payment link the first reminder would show (payment-link.ts makes it then). */
  async function showPaymentLink(externalId: string, corporation = 'woonstad-noord'): Promise<string> {
    const r = await erp.db.one(sql.unsafe`
      SELECT id FROM receivables WHERE corporation = ${corporation} AND external_id = ${externalId}`);
    const links = LinkTokens.fromSecret(TEST_LINK_SECRET);
    return erp.db.transaction((tx) => ensureLink(tx, links, corporation, r.id as string, 'payment'));
  }

  async function state(externalId: string, corporation = 'woonstad-noord'): Promise<Row> {
    const r = await erp.db.one(sql.unsafe`
      SELECT id, status, balance_minor FROM receivables WHERE corporation = ${corporation} AND external_id = ${externalId}`);
    const c = await erp.db.one(sql.unsafe`SELECT id, status FROM cases WHERE receivable_id = ${r.id}`);
    const steps = await erp.db.any(sql.unsafe`
      SELECT kind, step_id, status, due_at FROM steps WHERE case_id = ${c.id} ORDER BY created_at`);
    const link = await erp.db.one(sql.unsafe`
      SELECT count(*) FILTER (WHERE closed_at IS NULL)::int AS open,
        count(*) FILTER (WHERE closed_at IS NOT NULL)::int AS closed
      FROM links WHERE receivable_id = ${r.id} AND purpose = 'payment'`);
    const messages = await erp.db.oneFirst(
      sql.unsafe`SELECT count(*) FROM messages WHERE receivable_id = ${r.id}`,
    );
    return {
      status: r.status as string,
      balance: Number(r.balance_minor),
      caseStatus: c.status as string,
      steps: steps as unknown as Row['steps'],
      openLinks: link.open as number,
      closedLinks: link.closed as number,
      messages: Number(messages),
    };
  }

  const pay = (id: string, body: unknown, apiKey?: string) =>
    send(erp, 'POST', `/v1/receivables/${id}/payments`, body, {}, apiKey);
  const patch = (id: string, body: unknown) => send(erp, 'PATCH', `/v1/receivables/${id}`, body);
  const eventTypes = async (id: string) =>
    (await erp.db.anyFirst(sql.unsafe`
      SELECT e.type FROM events e JOIN receivables r ON r.id = e.receivable_id
      WHERE r.external_id = ${id} AND e.type <> 'timeline' ORDER BY e.seq`)) as string[];
  const makeDue = (id: string, at: Date) =>
    erp.db.query(sql.unsafe`
      UPDATE steps SET due_at = ${at.toISOString()} FROM cases c, receivables r
      WHERE steps.case_id = c.id AND c.receivable_id = r.id AND r.external_id = ${id}
        AND steps.status = 'scheduled' AND steps.kind = 'due'`);

  it('a partial payment lowers the balance and keeps the reminder scheduled', async () => {
    await postReceivables(erp, ['PAY-PART-1']);
    await showPaymentLink('PAY-PART-1');
    const res = await pay('PAY-PART-1', { amount: 2_500, paymentId: 'psp-part-1', method: 'ideal' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      externalId: 'PAY-PART-1',
      status: 'open',
      balance: 7_500,
      duplicate: false,
    });
    const s = await state('PAY-PART-1');
    expect(s).toMatchObject({ status: 'open', balance: 7_500, caseStatus: 'active', openLinks: 1 });
    expect(s.steps).toMatchObject([{ kind: 'due', step_id: 'reminder', status: 'scheduled' }]);
    expect(await eventTypes('PAY-PART-1')).toContain('payment.received');
  });

  it('a payment that settles the receivable stops the case, cancels every step and closes the payment link', async () => {
    await postReceivables(erp, ['PAY-FULL-1']);
    // Intake makes no link; the first reminder does. Without a reminder yet, there is nothing to close.
    expect(await state('PAY-FULL-1')).toMatchObject({ openLinks: 0, closedLinks: 0 });
    await showPaymentLink('PAY-FULL-1');
    const res = await pay('PAY-FULL-1', {
      amount: 10_000,
      paymentId: 'psp-full-1',
      paidAt: '2026-11-20T09:00:00Z',
    });
    expect(await res.json()).toEqual({
      externalId: 'PAY-FULL-1',
      status: 'paid',
      balance: 0,
      duplicate: false,
    });
    const s = await state('PAY-FULL-1');
    expect(s).toMatchObject({
      status: 'paid',
      balance: 0,
      caseStatus: 'stopped',
      openLinks: 0,
      closedLinks: 1,
      messages: 0,
    });
    expect(s.steps.map((x) => x.status)).toEqual(['cancelled']);
    expect(await eventTypes('PAY-FULL-1')).toEqual(
      expect.arrayContaining(['payment.received', 'receivable.paid', 'case.stopped', 'link.closed']),
    );
    // The step would have been due now; nothing goes out.
    await makeDue('PAY-FULL-1', new Date());
    await new Promise((r) => setTimeout(r, 300));
    expect((await state('PAY-FULL-1')).messages).toBe(0);
  });

  it('a repeated paymentId changes nothing; the same id for another amount is a conflict', async () => {
    await postReceivables(erp, ['PAY-DUP-1']);
    const body = { amount: 1_000, paymentId: 'psp-dup-1' };
    expect(await (await pay('PAY-DUP-1', body)).json()).toMatchObject({ balance: 9_000, duplicate: false });
    expect(await (await pay('PAY-DUP-1', body)).json()).toMatchObject({ balance: 9_000, duplicate: true });
    const conflict = await pay('PAY-DUP-1', { ...body, amount: 2_000 });
    expect(conflict.status).toBe(409);
    const err = (await conflict.json()) as { code: string; message: string };
    expect(err.code).toBe('OST_ERR_CONFLICT');
    expect(err.message).toContain('psp-dup-1');
    expect((await state('PAY-DUP-1')).balance).toBe(9_000);
  });

  it('a bad payment gets 400 naming the field, and balance and steps stay as they were', async () => {
    await postReceivables(erp, ['PAY-BAD-1']);
    const before = await state('PAY-BAD-1');
    for (const [body, field] of [
      [{ amount: 0, paymentId: 'psp-bad-1' }, 'amount'],
      [{ amount: 12.5, paymentId: 'psp-bad-2' }, 'amount'],
      [{ amount: 100 }, 'paymentId'],
      [{ amount: 100, paymentId: 'psp-bad-3', paidAt: 'yesterday' }, 'paidAt'],
      [{ amount: 100, paymentId: 'psp-bad-4', amountt: 1 }, 'amountt'],
    ] as const) {
      const res = await pay('PAY-BAD-1', body);
      expect(res.status).toBe(400);
      const err = (await res.json()) as { code: string; errors: { field: string }[] };
      expect(err.code).toBe('OST_ERR_VALIDATION');
      expect(err.errors.map((e) => e.field)).toContain(field);
    }
    const badPatch = await patch('PAY-BAD-1', { status: 'closed' });
    expect(badPatch.status).toBe(400);
    expect(((await badPatch.json()) as { message: string }).message).toContain('status');
    expect(await state('PAY-BAD-1')).toEqual(before);
    expect(await eventTypes('PAY-BAD-1')).not.toContain('payment.received');
  });

  it("an unknown externalId is 404, and so is another corporation's receivable with my key", async () => {
    expect((await pay('NOPE-1', { amount: 100, paymentId: 'psp-nope' })).status).toBe(404);
    expect((await patch('NOPE-1', { status: 'paused' })).status).toBe(404);
    await postReceivables(erp, ['ZUID-ONLY-1'], ZUID_KEY);
    // woonstad-noord's key cannot see, pay or change woonstad-zuid's receivable ...
    expect((await send(erp, 'GET', '/v1/receivables/ZUID-ONLY-1')).status).toBe(404);
    expect((await pay('ZUID-ONLY-1', { amount: 10_000, paymentId: 'psp-zuid-1' })).status).toBe(404);
    expect((await patch('ZUID-ONLY-1', { status: 'cancelled' })).status).toBe(404);
    expect(await state('ZUID-ONLY-1', 'woonstad-zuid')).toMatchObject({
      status: 'open',
      balance: 10_000,
      caseStatus: 'active',
    });
    // ... while its own key can.
    const own = await pay('ZUID-ONLY-1', { amount: 10_000, paymentId: 'psp-zuid-1' }, ZUID_KEY);
    expect(await own.json()).toMatchObject({ status: 'paid' });
    // Payment ids are per corporation: woonstad-noord may use the same one.
    await postReceivables(erp, ['NOORD-SAME-PSP']);
    expect(
      await (await pay('NOORD-SAME-PSP', { amount: 100, paymentId: 'psp-zuid-1' })).json(),
    ).toMatchObject({
      duplicate: false,
    });
  });

  it('a receivable paid before any message showed a link gets no link and no link.closed event', async () => {
    await postReceivables(erp, ['PAY-NOLINK-1']);
    const res = await pay('PAY-NOLINK-1', { amount: 10_000, paymentId: 'psp-nolink-1' });
    expect(await res.json()).toMatchObject({ status: 'paid', balance: 0 });
    expect(await state('PAY-NOLINK-1')).toMatchObject({
      caseStatus: 'stopped',
      openLinks: 0,
      closedLinks: 0,
    });
    const types = await eventTypes('PAY-NOLINK-1');
    expect(types).toEqual(expect.arrayContaining(['payment.received', 'receivable.paid', 'case.stopped']));
    expect(types).not.toContain('link.closed');
  });

  it('stores what intake says about a receivable in one row, and the feed shows each event (migration 040)', async () => {
    await postReceivables(erp, ['FOLD-1']);
    const rows = await erp.db.any(sql.unsafe`
      SELECT e.type, e.more FROM event_rows e JOIN receivables r ON r.id = e.receivable_id
      WHERE r.external_id = 'FOLD-1'`);
    expect(rows.map((r) => [r.type, (r.more as { type: string }[] | null)?.map((m) => m.type)])).toEqual([
      ['receivable.accepted', ['case.started']],
    ]);
    const res = await send(erp, 'GET', '/v1/events?type=receivable.accepted,case.started&limit=1000');
    const fed = (
      (await res.json()) as { events: { type: string; externalId: string; caseId: string | null }[] }
    ).events.filter((e) => e.externalId === 'FOLD-1');
    expect(fed.map((e) => [e.type, e.caseId !== null])).toEqual([
      ['receivable.accepted', false],
      ['case.started', true],
    ]);
  });

  it('cancel stops the case and every step, and a cancelled receivable takes no new status', async () => {
    await postReceivables(erp, ['CANCEL-1']);
    await showPaymentLink('CANCEL-1');
    const res = await patch('CANCEL-1', { status: 'cancelled', reason: 'credited in the ERP' });
    expect(await res.json()).toMatchObject({ status: 'cancelled', balance: 10_000 });
    const s = await state('CANCEL-1');
    expect(s).toMatchObject({ status: 'cancelled', caseStatus: 'stopped', openLinks: 0, closedLinks: 1 });
    expect(s.steps.map((x) => x.status)).toEqual(['cancelled']);
    const reopen = await patch('CANCEL-1', { status: 'open' });
    expect(reopen.status).toBe(409);
    expect(((await reopen.json()) as { code: string }).code).toBe('OST_ERR_CONFLICT');
    expect(await eventTypes('CANCEL-1')).toEqual(
      expect.arrayContaining(['receivable.updated', 'case.stopped']),
    );
  });

  it('pause holds the reminder and resume brings it back at its original time', async () => {
    await postReceivables(erp, ['PAUSE-1']);
    const original = (await state('PAUSE-1')).steps[0]!.due_at.toISOString();
    expect(await (await patch('PAUSE-1', { status: 'paused', reason: 'dispute' })).json()).toMatchObject({
      status: 'paused',
    });
    const paused = await state('PAUSE-1');
    expect(paused).toMatchObject({ status: 'paused', caseStatus: 'paused' });
    expect(paused.steps.map((x) => x.status)).toEqual(['cancelled']);
    // Pausing twice changes nothing.
    expect((await patch('PAUSE-1', { status: 'paused' })).status).toBe(200);

    expect(await (await patch('PAUSE-1', { status: 'open' })).json()).toMatchObject({ status: 'open' });
    expect(await state('PAUSE-1')).toMatchObject({ status: 'open', caseStatus: 'active' });
    const c = await erp.db.one(sql.unsafe`
      SELECT c.state FROM cases c JOIN receivables r ON r.id = c.receivable_id WHERE r.external_id = 'PAUSE-1'`);
    expect(c.state).toMatchObject({ status: 'active', pendingStepId: 'reminder', pendingAt: original });
    expect(await eventTypes('PAUSE-1')).toEqual([
      'receivable.accepted',
      'case.started',
      'receivable.updated',
      'receivable.updated',
    ]);
  });

  // Known defect outside the ERP API: resume asks for the reminder at its original time, whose step row
  // (same dedupe key) is the one the pause cancelled, and apply-effects' ON CONFLICT DO NOTHING keeps it
  // cancelled. When apply-effects revives a cancelled row for a repeated schedule, this test starts to
  // pass: drop `.fails` then.
  it('after a pause and a resume the reminder goes out when due', async () => {
    await postReceivables(erp, ['PAUSE-2']);
    await patch('PAUSE-2', { status: 'paused' });
    await patch('PAUSE-2', { status: 'open' });
    const rescheduled = (await state('PAUSE-2')).steps.find((x) => x.status === 'scheduled');
    expect(rescheduled).toBeDefined();
    await makeDue('PAUSE-2', new Date());
    await eventually(
      async () =>
        erp.street.smtp.messages.find((m) => mailHeader(m.raw, 'Subject') === 'Herinnering PAUSE-2'),
      5_000,
      'the reminder after resume',
    );
  });

  it('a payment arrangement pauses the case until the ERP sets the status open again', async () => {
    await postReceivables(erp, ['ARRANGE-1']);
    const res = await patch('ARRANGE-1', { arrangement: { reference: 'REG-1', endsOn: '2027-03-01' } });
    expect(await res.json()).toMatchObject({ status: 'open' });
    expect(await state('ARRANGE-1')).toMatchObject({ status: 'open', caseStatus: 'paused' });
    await patch('ARRANGE-1', { status: 'open' });
    expect(await state('ARRANGE-1')).toMatchObject({ status: 'open', caseStatus: 'active' });
  });

  it('a balance of 0 makes the receivable paid; a paid receivable cannot be reopened', async () => {
    await postReceivables(erp, ['BALANCE-1']);
    await showPaymentLink('BALANCE-1');
    expect(await (await patch('BALANCE-1', { balance: 4_000 })).json()).toMatchObject({
      status: 'open',
      balance: 4_000,
    });
    expect(await state('BALANCE-1')).toMatchObject({ caseStatus: 'active' });
    expect(await (await patch('BALANCE-1', { balance: 0 })).json()).toMatchObject({
      status: 'paid',
      balance: 0,
    });
    expect(await state('BALANCE-1')).toMatchObject({
      status: 'paid',
      caseStatus: 'stopped',
      openLinks: 0,
      closedLinks: 1,
    });
    expect((await patch('BALANCE-1', { balance: 500 })).status).toBe(409);
  });

  it('a payment posted while its step is due sends nothing', async () => {
    // 51 receivables in three groups, the scheduler polling every 10 ms:
    //   early: paid 1 s before the reminder is due          -> never a message;
    //   race:  paid 0 to 1.5 s after the reminder is due  -> before, while or after the step is run:
    //          either outcome, but never a message recorded after the payment;
    //   late:  paid once its message has been recorded      -> the message goes out (it was on its way).
    const ids = Array.from({ length: 51 }, (_, i) => `RACE-${i}`);
    const group = (i: number) => (['early', 'late', 'race'] as const)[i % 3]!;
    await postReceivables(erp, ids);
    const t0 = Date.now() + 500;
    const plan = ids.map((id, i) => {
      const g = group(i);
      const dueAt = g === 'early' ? t0 + 1_000 : t0;
      const payAt = g === 'race' ? t0 + Math.floor(Math.random() * 1_500) : t0;
      return { id, group: g, dueAt, payAt, answeredAt: 0, status: 0 };
    });
    for (const p of plan) await makeDue(p.id, new Date(p.dueAt));
    const recorded = (id: string) =>
      erp.db.exists(sql.unsafe`
        SELECT 1 FROM messages m JOIN receivables r ON r.id = m.receivable_id WHERE r.external_id = ${id}`);
    const payWhenPlanned = async (p: (typeof plan)[number]) => {
      await new Promise((r) => setTimeout(r, p.payAt - Date.now()));
      if (p.group === 'late') await eventually(async () => (await recorded(p.id)) || undefined, 10_000, p.id);
      const res = await pay(p.id, { amount: 10_000, paymentId: `psp-${p.id}` });
      p.status = res.status;
      p.answeredAt = Date.now();
    };
    await Promise.all(plan.map(payWhenPlanned));
    // Wait until nothing is in flight for these receivables any more.
    await eventually(
      async () => {
        const busy = await erp.db.oneFirst(sql.unsafe`
          SELECT count(*) FROM steps s JOIN cases c ON c.id = s.case_id JOIN receivables r ON r.id = c.receivable_id
          WHERE r.external_id LIKE 'RACE-%' AND s.status NOT IN ('done', 'sent', 'skipped', 'failed', 'cancelled')`);
        const sending = await erp.db.oneFirst(sql.unsafe`
          SELECT count(*) FROM messages m JOIN receivables r ON r.id = m.receivable_id
          WHERE r.external_id LIKE 'RACE-%' AND m.status = 'sending'`);
        return (Number(busy) === 0 && Number(sending) === 0) || undefined;
      },
      15_000,
      'the race receivables to settle',
    );
    await new Promise((r) => setTimeout(r, 300));

    const rows = await erp.db.any(sql.unsafe`
      SELECT r.external_id, r.status, m.created_at AS recorded_at, m.status AS message_status,
        (SELECT e.at FROM events e WHERE e.receivable_id = r.id AND e.type = 'payment.received') AS paid_at
      FROM receivables r LEFT JOIN messages m ON m.receivable_id = r.id
      WHERE r.external_id LIKE 'RACE-%'`);
    const mails = erp.street.smtp.messages
      .map((m) => mailHeader(m.raw, 'Subject') ?? '')
      .filter((s) => s.startsWith('Herinnering RACE-'));
    const byId = new Map(rows.map((r) => [r.external_id as string, r]));
    const outcome = { early: 0, late: 0, race: 0 };
    for (const p of plan) {
      expect(p.status, p.id).toBe(200);
      const row = byId.get(p.id)!;
      expect(row.status, p.id).toBe('paid');
      const mailed = mails.filter((s) => s === `Herinnering ${p.id}`).length;
      if (row.recorded_at === null) {
        expect(mailed, `${p.id}: a mail without a message row`).toBe(0);
        continue;
      }
      outcome[p.group]++;
      // A message exists: it was recorded under the case lock before the payment took it ...
      expect((row.recorded_at as Date).getTime(), `${p.id} recorded after the payment`).toBeLessThan(
        (row.paid_at as Date).getTime(),
      );
      // ... so never after the ERP had its answer, and never when the payment came before the due time.
      expect((row.recorded_at as Date).getTime()).toBeLessThan(p.answeredAt);
      expect(p.group, `${p.id} paid a second before it was due, yet a message was recorded`).not.toBe(
        'early',
      );
      expect(row.message_status, p.id).toBe('sent');
      expect(mailed, p.id).toBe(1);
    }
    // The late group shows the sending path itself works in this run.
    expect(outcome.late).toBe(plan.filter((p) => p.group === 'late').length);
  });
});
