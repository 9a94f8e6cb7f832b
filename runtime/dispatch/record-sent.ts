// Step 3 of a send after a successful hand-over, for a group of messages at once (platform/write-group.ts):
// the sends that finished while the previous group was being written share one transaction, so a busy
// dispatcher pays one round of statements and one commit per group instead of per message. Per message
// the effect is what it was alone: the message is 'sent' (its status history by the trigger), and, when
// its step is still open, the step is 'sent' with the message id, the case's timeline says so and a
// message.sent / alert.sent event is stored. Lock order as on every path: the cases (in id order), then
// the steps (in id order), so two dispatchers' groups never wait for each other in a circle.
import { type Database, sql, typedRows } from '../../platform/db/index.js';
import { insertEvents, type Tx } from '../dossiers/index.js';

/** One message the provider took. */
export interface SentRecord {
  messageId: string;
  providerId: string;
  caseId: string;
  receivableId: string;
  corporation: string;
  stepRowId: string;
  stepId: string;
  kind: string;
  channel: string;
  template: string;
  /** The timeline's sentence, and when (the dispatcher's clock). */
  sentence: string;
  sentAt: Date;
}

/** A step that is still open may be finished as sent; one that ended meanwhile keeps its outcome. */
const OPEN = new Set(['queued', 'claimed', 'scheduled', 'held']);

const uuids = (ids: Iterable<string>) => sql.array([...new Set(ids)].sort(), 'uuid');

async function lockGroup(tx: Tx, records: readonly SentRecord[]): Promise<Map<string, string>> {
  await tx.query(sql.unsafe`
    SELECT id FROM cases WHERE id = ANY(${uuids(records.map((r) => r.caseId))}) ORDER BY id FOR UPDATE`);
  const steps = await tx.any(sql.unsafe`
    SELECT id, status FROM steps WHERE id = ANY(${uuids(records.map((r) => r.stepRowId))})
    ORDER BY id FOR UPDATE`);
  return new Map(steps.map((s) => [s.id as string, s.status as string]));
}

export async function recordSentGroup(db: Database, records: readonly SentRecord[]): Promise<void> {
  if (records.length === 0) return;
  await db.transaction(async (tx) => {
    const stepStatus = await lockGroup(tx, records);
    const finishing = records.filter((r) => OPEN.has(stepStatus.get(r.stepRowId) ?? ''));
    const timelines = new Map<string, { at: string; stepId: string; text: string }[]>();
    for (const r of finishing) {
      const entries = timelines.get(r.caseId) ?? [];
      entries.push({ at: r.sentAt.toISOString(), stepId: r.stepId, text: r.sentence });
      timelines.set(r.caseId, entries);
    }
    const cases = [...timelines];
    // Typed arrays, not a JSON document: the planner knows their length, while it takes any
    // json_to_recordset for 100 rows — and for 100 rows it read the whole steps and messages tables (a
    // hash join) instead of each row by its key, on every group (auto_explain).
    const messages = typedRows(
      [
        ['id', 'uuid'],
        ['provider_id', 'text'],
      ],
      records.map((r) => ({ id: r.messageId, provider_id: r.providerId })),
    );
    const steps = typedRows(
      [
        ['id', 'uuid'],
        ['message_id', 'uuid'],
      ],
      finishing.map((r) => ({ id: r.stepRowId, message_id: r.messageId })),
    );
    const entries = typedRows(
      [
        ['id', 'uuid'],
        ['entries', 'jsonb'],
      ],
      cases.map(([id, e]) => ({ id, entries: e })),
    );
    await tx.query(sql.unsafe`
      WITH m AS (
        UPDATE messages SET status = 'sent', provider_id = t.provider_id, sent_at = coalesce(sent_at, now())
        FROM ${messages}
        WHERE messages.id = t.id RETURNING 1
      ), s AS (
        UPDATE steps SET status = 'sent', reason = NULL,
          result = coalesce(result, '{}'::jsonb) || jsonb_build_object('messageId', t.message_id)
        FROM ${steps}
        WHERE steps.id = t.id RETURNING 1
      )
      UPDATE cases SET timeline = timeline || t.entries
      FROM ${entries}
      WHERE cases.id = t.id`);
    await insertEvents(
      tx,
      finishing.map((r) => ({
        corporation: r.corporation,
        receivableId: r.receivableId,
        caseId: r.caseId,
        type: r.kind === 'alert' ? 'alert.sent' : 'message.sent',
        data: { stepId: r.stepId, messageId: r.messageId, channel: r.channel, template: r.template },
      })),
    );
  });
}
