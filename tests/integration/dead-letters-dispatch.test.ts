// Poison on the dispatch stream: a send that makes the dispatcher throw every time is retried a bounded
// number of times, then kept as a dead letter that marks its step failed (visible in the timeline, never
// queued again by itself); re-driven once the cause is fixed, the step runs again and the mail goes out.
// Before: the dispatch consumers redelivered such a message every five seconds, forever.
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DISPATCH_STREAM, dispatchConsumerName } from '../../platform/bus/index.js';
import { sql } from '../../platform/db/index.js';
import { eventually } from '../support/street.js';
import { type ErpStreet, postReceivables, send, startErpStreet } from './erp-api-street.js';

const MAX_DELIVER = 3;

interface DeadLetterRow {
  id: string;
  corporation: string;
  subject: string;
  step_row_id: string | null;
  code: string;
  reason: string;
  deliveries: number;
}

describe('dead letters: poison on the dispatch stream', () => {
  let erp: ErpStreet;
  beforeAll(async () => {
    erp = await startErpStreet({ runtime: { maxDeliver: MAX_DELIVER, redeliveryDelayMs: 300 } });
  });
  afterAll(async () => {
    await erp?.stop();
  });

  const makeDue = (ids: string[]) =>
    erp.db.query(sql.unsafe`
      UPDATE steps SET due_at = now() FROM cases c, receivables r
      WHERE steps.case_id = c.id AND c.receivable_id = r.id AND r.external_id = ANY(${sql.array(ids, 'text')})
        AND steps.status = 'scheduled' AND steps.kind = 'due'`);
  const reminder = async (externalId: string) =>
    (await erp.db.one(sql.unsafe`
      SELECT s.id, s.case_id, s.status, s.reason, s.attempts FROM steps s JOIN cases c ON c.id = s.case_id
      JOIN receivables r ON r.id = c.receivable_id
      WHERE r.external_id = ${externalId} AND s.kind = 'send'`)) as {
      id: string;
      case_id: string;
      status: string;
      reason: string | null;
      attempts: number;
    };
  const dispatchDeadLetters = async () =>
    (await erp.db.any(sql.unsafe`
      SELECT * FROM dead_letters WHERE stream = ${DISPATCH_STREAM} ORDER BY dead_at`)) as unknown as DeadLetterRow[];

  it('a send that makes the dispatcher throw every time is a dead letter after the configured deliveries and its step is failed; re-driven after the fix, the mail goes out', async () => {
    await postReceivables(erp, ['DISPATCH-POISON-1', 'DISPATCH-OK-1']);
    // Recording this receivable's message fails in the database, every time (a stand-in for a fault
    // an operator fixes): the dispatcher throws on each delivery of its send.
    await erp.db.query(sql.unsafe`
      CREATE FUNCTION refuse_poison_message() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM receivables WHERE id = NEW.receivable_id AND external_id LIKE 'DISPATCH-POISON-%')
        THEN RAISE EXCEPTION 'refused for the test'; END IF;
        RETURN NEW;
      END $$`);
    await erp.db.query(sql.unsafe`
      CREATE TRIGGER refuse_poison_message BEFORE INSERT ON messages
      FOR EACH ROW EXECUTE FUNCTION refuse_poison_message()`);
    await makeDue(['DISPATCH-POISON-1', 'DISPATCH-OK-1']);

    // The other reminder is not held up by it.
    const [mail] = await erp.street.smtp.waitForMessages(1, 10_000);
    expect(mail!.raw).toContain('DISPATCH-OK-1');

    const [row] = await eventually(
      async () => {
        const rows = await dispatchDeadLetters();
        return rows.length === 1 ? rows : undefined;
      },
      20_000,
      'the dispatch dead letter',
    );
    const step = await reminder('DISPATCH-POISON-1');
    expect(row).toMatchObject({
      corporation: 'woonstad-noord',
      subject: 'ost.dispatch.woonstad-noord.email',
      code: 'OST_ERR_DELIVERY_EXHAUSTED',
      deliveries: MAX_DELIVER,
      step_row_id: step.id,
    });
    expect(row!.reason).toContain(
      `the step failed on each of ${MAX_DELIVER} deliveries (last: SQLSTATE P0001)`,
    );
    expect(step).toMatchObject({
      status: 'failed',
      reason: `dead letter ${row!.id}: OST_ERR_DELIVERY_EXHAUSTED`,
    });
    // Both sends were queued in the same round, so the scheduler published them in one message: each
    // redelivery of it ran the other send again, which found its step sent and did nothing. The dead
    // letter holds only the failed send's own pointer.
    const payload = JSON.parse(
      String(
        await erp.db.oneFirst(
          sql.unsafe`SELECT convert_from(payload, 'UTF8') FROM dead_letters WHERE id = ${row!.id}`,
        ),
      ),
    ) as { stepRowId: string; attempt: number };
    expect(payload).toMatchObject({
      stepRowId: step.id,
      attempt: step.attempts,
      corporation: 'woonstad-noord',
    });
    expect(erp.street.smtp.messages.filter((m) => m.raw.includes('DISPATCH-OK-1'))).toHaveLength(1);
    const timeline = (await (await send(erp, 'GET', '/v1/receivables/DISPATCH-POISON-1')).json()) as {
      steps: { kind: string; status: string }[];
    };
    expect(timeline.steps).toContainEqual(expect.objectContaining({ kind: 'send', status: 'failed' }));
    const jsm = await jetstreamManager(erp.street.nc);
    const info = await jsm.consumers.info(DISPATCH_STREAM, dispatchConsumerName('email'));
    expect({ pending: info.num_pending, ackPending: info.num_ack_pending }).toEqual({
      pending: 0,
      ackPending: 0,
    });
    const metrics = await (await fetch(`${erp.street.runtimes[0]!.metricsUrl}/metrics`)).text();
    expect(metrics).toContain(
      'outputstraat_dead_letters_total{corporation="woonstad-noord",stream="OST_DISPATCH",code="OST_ERR_DELIVERY_EXHAUSTED"} 1',
    );
    expect(metrics).toMatch(/outputstraat_steps_total\{[^}]*outcome="failed"[^}]*\} 1/);
    const listed = (await (await send(erp, 'GET', '/v1/dead-letters')).json()) as {
      deadLetters: { id: string; stepRowId: string | null }[];
    };
    expect(listed.deadLetters.find((d) => d.id === row!.id)).toMatchObject({ stepRowId: step.id });
    // A person gets it on the console's work list: one task, about the dossier of the step.
    const tasks = await erp.db.any(sql.unsafe`
      SELECT t.kind, t.status, t.case_id, t.title FROM tasks t WHERE t.kind = 'dead-letter' AND t.title LIKE ${`%${row!.id}%`}`);
    expect(tasks).toEqual([
      expect.objectContaining({ kind: 'dead-letter', status: 'open', case_id: step.case_id }),
    ]);

    // Fixed, then re-driven: the step is scheduled again, queued as a new attempt and sent.
    await erp.db.query(sql.unsafe`DROP TRIGGER refuse_poison_message ON messages`);
    const retried = await send(erp, 'POST', `/v1/dead-letters/${row!.id}/retry`);
    expect(retried.status).toBe(202);
    expect(await retried.json()).toMatchObject({ status: 'rescheduled', deadLetter: { redriveCount: 1 } });
    const mails = await erp.street.smtp.waitForMessages(2, 10_000);
    expect(mails[1]!.raw).toContain('DISPATCH-POISON-1');
    await eventually(async () => (await reminder('DISPATCH-POISON-1')).status === 'sent' || undefined);
    // Nothing failed is left to schedule: a second re-drive is a conflict that says why.
    const again = await send(erp, 'POST', `/v1/dead-letters/${row!.id}/retry`);
    expect(again.status).toBe(409);
    expect(((await again.json()) as { code: string }).code).toBe('OST_ERR_CONFLICT');
  });

  it('a dispatch message that is not a step pointer is a dead letter on its first delivery', async () => {
    const js = jetstream(erp.street.nc);
    await js.publish('ost.dispatch.woonstad-noord.sms', 'not a pointer');
    await js.publish(
      'ost.dispatch.woonstad-noord.letter',
      JSON.stringify({
        stepRowId: '0190a0e0-0000-7000-8000-000000000001',
        attempt: 1,
        caseId: '0190a0e0-0000-7000-8000-000000000002',
        corporation: 'woonstad-zuid',
        flow: 'x',
        channel: 'letter',
      }),
    );
    // A group whose second pointer names another corporation: none of its pointers is followed.
    const pointer = (n: number, corporation: string) => ({
      stepRowId: `0190a0e0-0000-7000-8000-00000000010${n}`,
      attempt: 1,
      caseId: '0190a0e0-0000-7000-8000-000000000002',
      corporation,
      flow: 'x',
      channel: 'voice',
    });
    await js.publish(
      'ost.dispatch.woonstad-noord.voice',
      JSON.stringify([pointer(1, 'woonstad-noord'), pointer(2, 'woonstad-zuid')]),
    );
    // More pointers than any group.
    await js.publish(
      'ost.dispatch.woonstad-noord.email',
      JSON.stringify(Array.from({ length: 257 }, () => pointer(3, 'woonstad-noord'))),
    );
    const rows = await eventually(
      async () => {
        const r = (await dispatchDeadLetters()).filter((d) => d.code === 'OST_ERR_POISON_MESSAGE');
        return r.length === 4 ? r : undefined;
      },
      10_000,
      'four poison dead letters',
    );
    const bySubject = Object.fromEntries(rows.map((r) => [r.subject, r]));
    expect(bySubject['ost.dispatch.woonstad-noord.sms']).toMatchObject({ deliveries: 1, step_row_id: null });
    expect(bySubject['ost.dispatch.woonstad-noord.sms']!.reason).toContain('it is not JSON');
    // A pointer naming another corporation than its subject is not followed.
    expect(bySubject['ost.dispatch.woonstad-noord.letter']).toMatchObject({
      deliveries: 1,
      step_row_id: null,
    });
    expect(bySubject['ost.dispatch.woonstad-noord.letter']!.reason).toContain(
      'its body names another corporation than its subject',
    );
    expect(bySubject['ost.dispatch.woonstad-noord.voice']).toMatchObject({
      deliveries: 1,
      step_row_id: null,
    });
    expect(bySubject['ost.dispatch.woonstad-noord.voice']!.reason).toContain(
      'pointer 2: its body names another corporation than its subject',
    );
    expect(bySubject['ost.dispatch.woonstad-noord.email']!.reason).toContain('it names more than 256 steps');
    const info = await (await jetstreamManager(erp.street.nc)).streams.info(DISPATCH_STREAM);
    expect(info.state.messages).toBe(0);
  });
});
