// Opening a task (ADR 0007, "Replies and tasks"): a row in `tasks` and `task.created` on the ERP's feed, in
// the caller's transaction. Replies (runtime/replies), consultant alerts (runtime/dispatch) and dead
// letters open them; the staff console and GET /v1/tasks list them. A task opened for something that can
// be done twice (a redelivered alert, a dead letter seen again) has an id derived from that thing, so the
// second attempt finds the task and opens none.
import { createHash } from 'node:crypto';
import { sql } from '../../platform/db/index.js';
import { insertEvents, type Tx } from './case-repository.js';

export type TaskKind = 'alert' | 'reply' | 'lapsed-arrangement' | 'dead-letter';

export interface NewTask {
  id: string;
  corporation: string;
  kind: TaskKind;
  debtorRef: string | null;
  caseId: string | null;
  replyId: string | null;
  /** The street's own wording: never personal data, never a debtor's text. */
  title: string;
  /** The team whose list shows it (an alert recipient's name); absent: the whole corporation's. */
  team?: string | null;
  dueAt?: Date;
  createdAt: Date;
}

/** Stores the task row; false when a task with this id exists already. */
export async function insertTask(tx: Tx, t: NewTask): Promise<boolean> {
  const row = await tx.maybeOne(sql.unsafe`
    INSERT INTO tasks (id, corporation, kind, debtor_ref, case_id, reply_id, title, team, due_at, created_at)
    VALUES (${t.id}, ${t.corporation}, ${t.kind}, ${t.debtorRef}, ${t.caseId}, ${t.replyId}, ${t.title},
      ${t.team ?? null}, ${t.dueAt?.toISOString() ?? null}, ${t.createdAt.toISOString()})
    ON CONFLICT (id) DO NOTHING RETURNING id`);
  return row !== null;
}

/** Stores the task and puts task.created on the feed, once: a second call with the same id does nothing. */
export async function openTask(tx: Tx, t: NewTask): Promise<boolean> {
  if (!(await insertTask(tx, t))) return false;
  await insertEvents(tx, [
    {
      corporation: t.corporation,
      ...(t.caseId ? { caseId: t.caseId } : {}),
      type: 'task.created',
      data: { task: t.id, kind: t.kind, title: t.title, status: 'open' },
      at: t.createdAt,
    },
  ]);
  return true;
}

/** A task id that is the same every time for the same thing (`alert:<step row id>`, `dead-letter:<id>`). */
export function derivedTaskId(of: string): string {
  const h = createHash('sha256').update(`task:${of}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x80; // version 8: a name-based id of our own making (RFC 9562)
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}
