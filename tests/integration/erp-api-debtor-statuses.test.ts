// Debtor statuses (docs/adr/0007; docs/erp-api.md "Debtors"): GET and PATCH /v1/debtors/{debtorId} on a
// real street (Postgres, NATS JetStream, the SMTP sink). A status applies to every running dossier of the
// debtor at once and races with due sends without ever letting one be recorded after it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../platform/db/index.js';
import { mailHeader } from '../../scripts/street/mail-headers.js';
import { eventually } from '../support/street.js';
import { type ErpStreet, send, startErpStreet, testReceivable, ZUID_KEY } from './erp-api-street.js';

const DAY = 24 * 3600_000;

describe('ERP API: debtor statuses reach every dossier of the debtor, race-free', () => {
  let erp: ErpStreet;
  let offset = 0;
  const clock = () => new Date(Date.now() + offset);
  beforeAll(async () => {
    erp = await startErpStreet({ clock });
  });
  afterAll(async () => {
    await erp?.stop();
  });

  /** Two receivables of one debtor, in two flows (erp-api-test and erp-api-test-2). */
  async function postDebtor(debtorId: string, apiKey?: string): Promise<string[]> {
    const ids = [`${debtorId}-A`, `${debtorId}-B`];
    for (const [i, id] of ids.entries()) {
      const base = testReceivable(id, { kind: i === 0 ? 'erp-api-test' : 'erp-api-test-2' });
      const res = await send(
        erp,
        'POST',
        '/v1/receivables',
        { ...base, debtor: { ...base.debtor, id: debtorId } },
        {},
        apiKey,
      );
      if (res.status !== 202) throw new Error(`posting ${id}: ${res.status} ${await res.text()}`);
    }
    await eventually(
      async () => {
        const n = await erp.db.oneFirst(sql.unsafe`
          SELECT count(*) FROM steps s JOIN cases c ON c.id = s.case_id JOIN receivables r ON r.id = c.receivable_id
          WHERE r.external_id = ANY(${sql.array(ids, 'text')}) AND s.kind = 'due'`);
        return Number(n) === 2 || undefined;
      },
      10_000,
      `${debtorId}: two dossiers with their timer`,
    );
    return ids;
  }
  const patch = (debtorId: string, body: unknown, apiKey?: string) =>
    send(erp, 'PATCH', `/v1/debtors/${debtorId}`, body, {}, apiKey);
  const get = (debtorId: string, apiKey?: string) =>
    send(erp, 'GET', `/v1/debtors/${debtorId}`, undefined, {}, apiKey);
  const makeDue = (debtorId: string, at: Date) =>
    erp.db.query(sql.unsafe`
      UPDATE steps SET due_at = ${at.toISOString()} FROM cases c, receivables r, debtors d
      WHERE steps.case_id = c.id AND c.receivable_id = r.id AND r.debtor_ref = d.id AND d.debtor_id = ${debtorId}
        AND steps.status = 'scheduled' AND steps.kind = 'due'`);
  const caseStatuses = async (debtorId: string) =>
    (await erp.db.anyFirst(sql.unsafe`
      SELECT c.status FROM cases c JOIN receivables r ON r.id = c.receivable_id JOIN debtors d ON d.id = r.debtor_ref
      WHERE d.debtor_id = ${debtorId} ORDER BY r.external_id`)) as string[];
  const mailsFor = (ids: string[]) =>
    erp.street.smtp.messages.filter((m) =>
      ids.some((id) => mailHeader(m.raw, 'Subject') === `Herinnering ${id}`),
    );

  it('GET shows the whole picture; another corporation’s debtor is 404 for GET and PATCH', async () => {
    const ids = await postDebtor('DEB-VIEW-1');
    expect(
      (
        await send(erp, 'POST', `/v1/receivables/${ids[0]}/payments`, {
          amount: 2_500,
          paymentId: 'deb-view-pay',
        })
      ).status,
    ).toBe(200);
    const res = await get('DEB-VIEW-1');
    expect(res.status).toBe(200);
    const view = (await res.json()) as {
      open: { receivables: { externalId: string; balance: number }[] };
      dossiers: { flow: string; status: string; nextStep: { stepId: string } | null }[];
    };
    expect(view).toMatchObject({
      debtorId: 'DEB-VIEW-1',
      contact: { name: 'K. Balogun', email: 'k.balogun@example.org' },
      statuses: {},
      optOuts: [],
      open: { total: 17_500 },
      payments: [{ paymentId: 'deb-view-pay', externalId: ids[0], amount: 2_500, balanceAfter: 7_500 }],
      messages: [],
    });
    expect(view.open.receivables.map((r) => [r.externalId, r.balance])).toEqual([
      [ids[0], 7_500],
      [ids[1], 10_000],
    ]);
    expect(view.dossiers.map((d) => [d.flow, d.status, d.nextStep?.stepId])).toEqual([
      ['erp-api-test', 'active', 'reminder'],
      ['erp-api-test-2', 'active', 'reminder'],
    ]);
    // Woonstad Zuid cannot see or change Noord's debtor, and its own debtor of that id is its own.
    expect((await get('DEB-VIEW-1', ZUID_KEY)).status).toBe(404);
    const foreign = await patch('DEB-VIEW-1', { deceased: { date: '2026-12-01' } }, ZUID_KEY);
    expect(foreign.status).toBe(404);
    expect(((await foreign.json()) as { code: string }).code).toBe('OST_ERR_NOT_FOUND');
    expect(await caseStatuses('DEB-VIEW-1')).toEqual(['active', 'active']);
    expect((await get('DEB-NOBODY')).status).toBe(404);
  });

  it('a bad PATCH is 400 naming the field, and changes nothing', async () => {
    await postDebtor('DEB-BAD-1');
    const cases: [unknown, string][] = [
      [{ debtAssistance: { kind: 'holiday', from: '2026-12-01' } }, 'debtAssistance.kind'],
      [{ debtAssistance: { kind: 'wsnp', from: '2026-12-01', until: '2026-01-01' } }, 'debtAssistance.until'],
      [{ optOuts: { set: ['pigeon'] } }, 'optOuts.set[0]'],
      [{ contact: { email: 'no address' } }, 'contact.email'],
      [{ deceased: { date: '2026-12-01' }, extra: 1 }, 'extra'],
      [{ dispute: { externalIds: ['bad id with spaces'] } }, 'dispute.externalIds[0]'],
      [{ contact: { name: 'x'.repeat(100_000) } }, 'contact.name'],
    ];
    for (const [body, field] of cases) {
      const res = await patch('DEB-BAD-1', body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      const err = (await res.json()) as {
        code: string;
        message: string;
        details?: { errors?: { field: string }[] };
      };
      expect(err.code).toBe('OST_ERR_VALIDATION');
      expect(JSON.stringify(err)).toContain(field);
    }
    expect((await patch('x'.repeat(101), { deceased: null })).status).toBe(400);
    expect(await caseStatuses('DEB-BAD-1')).toEqual(['active', 'active']);
    expect(((await (await get('DEB-BAD-1')).json()) as { statuses: unknown }).statuses).toEqual({});
  });

  it('an opt-out of email makes the next step fall back: with no channel left, it is skipped, not sent', async () => {
    const ids = await postDebtor('DEB-OPT-1');
    const res = await patch('DEB-OPT-1', { optOuts: { set: ['email'] } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ optOuts: ['email'] });
    await makeDue('DEB-OPT-1', new Date());
    await eventually(
      async () => {
        const n = await erp.db.oneFirst(sql.unsafe`
          SELECT count(*) FROM events e JOIN receivables r ON r.id = e.receivable_id
          WHERE r.external_id = ANY(${sql.array(ids, 'text')}) AND e.type = 'step.skipped'`);
        return Number(n) === 2 || undefined;
      },
      10_000,
      'both reminders skipped',
    );
    expect(mailsFor(ids)).toHaveLength(0);
    const timeline = JSON.stringify(
      await erp.db.anyFirst(sql.unsafe`
      SELECT c.timeline FROM cases c JOIN receivables r ON r.id = c.receivable_id WHERE r.external_id = ${ids[0]!}`),
    );
    expect(timeline).toContain('debtor cannot be reached via email');
    // Cleared again: the debtor can be mailed.
    expect(await (await patch('DEB-OPT-1', { optOuts: { clear: ['email'] } })).json()).toMatchObject({
      optOuts: [],
    });
  });

  it('a dispute holds only the dossier whose open items are all disputed, and leaves the total', async () => {
    const ids = await postDebtor('DEB-DISPUTE-1');
    const res = await patch('DEB-DISPUTE-1', {
      dispute: { externalIds: [ids[0]!], note: 'betwist servicekosten' },
    });
    expect(await res.json()).toMatchObject({ dossiers: 1, statuses: { dispute: { externalIds: [ids[0]] } } });
    expect(await caseStatuses('DEB-DISPUTE-1')).toEqual(['paused', 'active']);
    const view = (await (await get('DEB-DISPUTE-1')).json()) as {
      open: { total: number; receivables: { externalId: string; disputed: boolean }[] };
    };
    expect(view.open.total).toBe(10_000);
    expect(view.open.receivables.map((r) => r.disputed)).toEqual([true, false]);
    // The note is for the consultants: not on the ERP's feed.
    const feed = JSON.stringify(
      await erp.db.anyFirst(sql.unsafe`SELECT data FROM events WHERE data->>'debtorId' = 'DEB-DISPUTE-1'`),
    );
    expect(feed).toContain('"status":"dispute"');
    expect(feed).not.toContain('servicekosten');
    await patch('DEB-DISPUTE-1', { dispute: null });
    expect(await caseStatuses('DEB-DISPUTE-1')).toEqual(['active', 'active']);
  });

  it('a dossier that starts after the debtor was frozen holds its send until the freeze is cleared', async () => {
    await postDebtor('DEB-LATE-1');
    const from = clock().toISOString().slice(0, 10);
    await patch('DEB-LATE-1', { debtAssistance: { kind: 'debt-assistance', from } });
    const base = testReceivable('DEB-LATE-1-C', { kind: 'erp-api-test' });
    const res = await send(erp, 'POST', '/v1/receivables', {
      ...base,
      debtor: { ...base.debtor, id: 'DEB-LATE-1' },
    });
    expect(res.status).toBe(202);
    await eventually(
      async () => ((await caseStatuses('DEB-LATE-1')).length === 3 ? true : undefined),
      10_000,
      'the third dossier',
    );
    expect(await caseStatuses('DEB-LATE-1')).toEqual(['paused', 'paused', 'active']);
    await makeDue('DEB-LATE-1', new Date());
    await eventually(
      async () =>
        (await erp.db.maybeOne(sql.unsafe`
          SELECT s.status, s.reason FROM steps s JOIN cases c ON c.id = s.case_id JOIN receivables r ON r.id = c.receivable_id
          WHERE r.external_id = 'DEB-LATE-1-C' AND s.kind = 'send' AND s.status = 'held'`)) ?? undefined,
      10_000,
      "the late dossier's send held by the dispatcher",
    );
    // Its last step asked for the send, so the dossier completed; the send waits for the freeze to end.
    expect(await caseStatuses('DEB-LATE-1')).toEqual(['paused', 'paused', 'completed']);
    const step = await erp.db.one(sql.unsafe`
      SELECT s.status, s.reason FROM steps s JOIN cases c ON c.id = s.case_id JOIN receivables r ON r.id = c.receivable_id
      WHERE r.external_id = 'DEB-LATE-1-C' AND s.kind = 'send'`);
    expect(step).toEqual({ status: 'held', reason: 'held: debt-assistance of the debtor' });
    expect(mailsFor(['DEB-LATE-1-A', 'DEB-LATE-1-B', 'DEB-LATE-1-C'])).toHaveLength(0);
    // Cleared: the two paused dossiers resume, and the held send goes out.
    expect(await (await patch('DEB-LATE-1', { debtAssistance: null })).json()).toMatchObject({ dossiers: 2 });
    await eventually(
      async () => (mailsFor(['DEB-LATE-1-C']).length === 1 ? true : undefined),
      10_000,
      'the held reminder after the freeze was cleared',
    );
  });

  it('PATCH deceased or debt assistance while a send is due sends nothing more for that debtor in any flow', async () => {
    // 24 debtors with two dossiers each, the scheduler polling every 10 ms:
    //   early: the status 1 s before the reminders are due           -> never a message;
    //   race:  the status 0 to 1.5 s after they are due              -> either outcome per send, but never a
    //          message recorded after the status was;
    //   late:  the status once a message of the debtor was recorded -> that one goes out (it was on its way).
    const debtors = Array.from({ length: 24 }, (_, i) => `DEB-RACE-${i}`);
    const group = (i: number) => (['early', 'late', 'race'] as const)[i % 3]!;
    const body = (i: number) =>
      i % 2 === 0
        ? { deceased: { date: '2026-12-01', source: 'gemeente' } }
        : { debtAssistance: { kind: 'debt-assistance', from: '2026-01-01' } };
    const idsOf = new Map<string, string[]>();
    for (const d of debtors) idsOf.set(d, await postDebtor(d));
    const t0 = Date.now() + 500;
    const plan = debtors.map((debtor, i) => {
      const g = group(i);
      return {
        debtor,
        i,
        group: g,
        dueAt: g === 'early' ? t0 + 1_000 : t0,
        patchAt: g === 'race' ? t0 + Math.floor(Math.random() * 1_500) : t0,
        status: 0,
      };
    });
    for (const p of plan) await makeDue(p.debtor, new Date(p.dueAt));
    const recorded = (debtor: string) =>
      erp.db.exists(sql.unsafe`
        SELECT 1 FROM messages m JOIN receivables r ON r.id = m.receivable_id JOIN debtors d ON d.id = r.debtor_ref
        WHERE d.debtor_id = ${debtor}`);
    await Promise.all(
      plan.map(async (p) => {
        await new Promise((r) => setTimeout(r, p.patchAt - Date.now()));
        if (p.group === 'late')
          await eventually(async () => (await recorded(p.debtor)) || undefined, 10_000, p.debtor);
        p.status = (await patch(p.debtor, body(p.i))).status;
      }),
    );
    await eventually(
      async () => {
        const busy = await erp.db.oneFirst(sql.unsafe`
          SELECT count(*) FROM steps s JOIN cases c ON c.id = s.case_id JOIN receivables r ON r.id = c.receivable_id
          WHERE r.external_id LIKE 'DEB-RACE-%' AND s.status IN ('queued', 'claimed')`);
        const sending = await erp.db.oneFirst(sql.unsafe`
          SELECT count(*) FROM messages m JOIN receivables r ON r.id = m.receivable_id
          WHERE r.external_id LIKE 'DEB-RACE-%' AND m.status = 'sending'`);
        return (Number(busy) === 0 && Number(sending) === 0) || undefined;
      },
      20_000,
      'the race debtors to settle',
    );
    await new Promise((r) => setTimeout(r, 300));

    const outcome = { early: 0, late: 0, race: 0 };
    for (const p of plan) {
      expect(p.status, p.debtor).toBe(200);
      const ids = idsOf.get(p.debtor)!;
      const changedAt = (await erp.db.oneFirst(sql.unsafe`
        SELECT e.at FROM events e WHERE e.type = 'debtor.status-changed' AND e.data->>'debtorId' = ${p.debtor}`)) as Date;
      const messages = await erp.db.any(sql.unsafe`
        SELECT r.external_id, m.created_at, m.status FROM messages m JOIN receivables r ON r.id = m.receivable_id
          JOIN steps s ON s.id = m.step_row_id AND s.kind = 'send'
        WHERE r.external_id = ANY(${sql.array(ids, 'text')})`);
      for (const m of messages) {
        // Recorded before the status was: it was on its way.
        expect((m.created_at as Date).getTime(), `${p.debtor} ${m.external_id}`).toBeLessThan(
          changedAt.getTime(),
        );
        expect(m.status, `${p.debtor} ${m.external_id}`).toBe('sent');
      }
      // No mail without a message row.
      expect(mailsFor(ids), p.debtor).toHaveLength(messages.length);
      if (p.group === 'early') expect(messages, p.debtor).toHaveLength(0);
      if (p.group === 'late') expect(messages.length, p.debtor).toBeGreaterThan(0);
      outcome[p.group] += messages.length;
      // Every dossier that had not finished is stopped (deceased) or frozen (paused).
      const want = p.i % 2 === 0 ? 'stopped' : 'paused';
      for (const s of await caseStatuses(p.debtor)) expect(['completed', want], p.debtor).toContain(s);
    }
    expect(outcome.early).toBe(0);
    expect(outcome.late).toBeGreaterThan(0);
    // Deceased: the consultants got an alert per running dossier; the timeline says why.
    const deceasedTimeline = JSON.stringify(
      await erp.db.anyFirst(sql.unsafe`
      SELECT c.timeline FROM cases c JOIN receivables r ON r.id = c.receivable_id WHERE r.external_id = 'DEB-RACE-0-A'`),
    );
    expect(deceasedTimeline).toContain('The debtor was reported deceased');
    expect(deceasedTimeline).toContain('Consultant alert scheduled after the debtor was reported deceased');
    // ... and the alert goes out although the dossier stopped: one per running dossier, none skipped.
    const alerts = await eventually(
      async () => {
        const rows = (await erp.db.anyFirst(sql.unsafe`
          SELECT s.status FROM steps s JOIN cases c ON c.id = s.case_id JOIN receivables r ON r.id = c.receivable_id
          WHERE r.external_id LIKE 'DEB-RACE-0-%' AND s.kind = 'alert'`)) as string[];
        return rows.length > 0 && rows.every((x) => x === 'sent') ? rows : undefined;
      },
      10_000,
      'the consultant alerts of DEB-RACE-0',
    );
    expect(alerts.length).toBeGreaterThan(0);
  });

  it('a freeze with an end holds both dossiers and resumes them when it ends; clearing it resumes at once', async () => {
    const ids = await postDebtor('DEB-FREEZE-1');
    const today = clock().toISOString().slice(0, 10);
    const inTenDays = new Date(clock().getTime() + 10 * DAY).toISOString().slice(0, 10);
    const res = await patch('DEB-FREEZE-1', {
      debtAssistance: { kind: 'moratorium', from: today, until: inTenDays },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      dossiers: 2,
      statuses: { debtAssistance: { kind: 'moratorium' } },
    });
    expect(await caseStatuses('DEB-FREEZE-1')).toEqual(['paused', 'paused']);
    // The reminders were due in 30 minutes: a day later nothing has gone out.
    offset += DAY;
    await new Promise((r) => setTimeout(r, 500));
    expect(mailsFor(ids)).toHaveLength(0);
    // Ten days on, the freeze's end timer resumes both dossiers and the reminders go out.
    offset += 9 * DAY + 60_000;
    await eventually(
      async () => (mailsFor(ids).length === 2 ? true : undefined),
      10_000,
      'both reminders after the freeze',
    );
    expect(await caseStatuses('DEB-FREEZE-1')).toEqual(['completed', 'completed']);
    const timeline = JSON.stringify(
      await erp.db.anyFirst(sql.unsafe`
      SELECT c.timeline FROM cases c JOIN receivables r ON r.id = c.receivable_id WHERE r.external_id = ${ids[0]!}`),
    );
    expect(timeline).toContain('Collection frozen: a moratorium');
    expect(timeline).toContain('Debt assistance period over');
    expect(timeline).toContain('Case resumed (debt assistance period over)');

    // Open-ended, then cleared by the ERP: resumes at once.
    const ids2 = await postDebtor('DEB-FREEZE-2');
    const from = clock().toISOString().slice(0, 10);
    await patch('DEB-FREEZE-2', { debtAssistance: { kind: 'wsnp', from } });
    expect(await caseStatuses('DEB-FREEZE-2')).toEqual(['paused', 'paused']);
    expect(await (await patch('DEB-FREEZE-2', { debtAssistance: null })).json()).toMatchObject({
      dossiers: 2,
      statuses: {},
    });
    expect(await caseStatuses('DEB-FREEZE-2')).toEqual(['active', 'active']);
    const feed = await erp.db.anyFirst(sql.unsafe`
      SELECT e.type FROM events e WHERE e.data->>'debtorId' = 'DEB-FREEZE-2' ORDER BY e.seq`);
    expect(feed).toEqual(['debtor.status-changed', 'debtor.status-changed']);
    expect(ids2).toHaveLength(2);
  });
});
