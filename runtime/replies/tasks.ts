// Tasks: work for people (ADR 0007) — a reply to look at, an alert, a lapsed arrangement, a dead letter.
// A task moves open → assigned → done, or is snoozed until a moment; a done task is final. The ERP's feed
// gets task.created and task.closed; the staff console lists them.
import { createError } from '../../core/errors/index.js';
import type { FieldError } from '../../core/receivable/index.js';
import { validationError } from '../../core/receivable/validation-error.js';
import { type Database, sql } from '../../platform/db/index.js';
import { insertEvents, type Tx } from '../dossiers/index.js';

export const TASK_STATUSES = ['open', 'assigned', 'snoozed', 'done'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
export type TaskKind = 'alert' | 'reply' | 'lapsed-arrangement' | 'dead-letter';

export interface NewTask {
  id: string;
  corporation: string;
  kind: TaskKind;
  debtorRef: string | null;
  caseId: string | null;
  replyId: string | null;
  title: string;
  dueAt?: Date;
  createdAt: Date;
}

export async function insertTask(tx: Tx, t: NewTask): Promise<void> {
  await tx.query(sql.unsafe`
    INSERT INTO tasks (id, corporation, kind, debtor_ref, case_id, reply_id, title, due_at, created_at)
    VALUES (${t.id}, ${t.corporation}, ${t.kind}, ${t.debtorRef}, ${t.caseId}, ${t.replyId}, ${t.title},
      ${t.dueAt?.toISOString() ?? null}, ${t.createdAt.toISOString()})`);
}

export interface TaskView {
  id: string;
  kind: TaskKind;
  title: string;
  status: TaskStatus;
  debtorId: string | null;
  caseId: string | null;
  replyId: string | null;
  assignee: string | null;
  dueAt: string | null;
  snoozedUntil: string | null;
  closedBy: string | null;
  closedAt: string | null;
  createdAt: string;
}

const iso = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string).toISOString());

function viewOf(r: Record<string, unknown>): TaskView {
  return {
    id: r.id as string,
    kind: r.kind as TaskKind,
    title: r.title as string,
    status: r.status as TaskStatus,
    debtorId: (r.debtor_id as string | null) ?? null,
    caseId: (r.case_id as string | null) ?? null,
    replyId: (r.reply_id as string | null) ?? null,
    assignee: (r.assignee as string | null) ?? null,
    dueAt: iso(r.due_at),
    snoozedUntil: iso(r.snoozed_until),
    closedBy: (r.closed_by as string | null) ?? null,
    closedAt: iso(r.closed_at),
    createdAt: iso(r.created_at)!,
  };
}

const SELECT_TASK = sql.fragment`
  SELECT t.*, d.debtor_id FROM tasks t LEFT JOIN debtors d ON d.id = t.debtor_ref`;

export const TASK_LIST_MAX = 200;

/** The corporation's tasks, oldest first: of one status, or every one not done. */
export async function listTasks(
  db: Pick<Database, 'any'>,
  corporation: string,
  status: TaskStatus | undefined,
  limit: number,
): Promise<TaskView[]> {
  const which = status ? sql.fragment`t.status = ${status}` : sql.fragment`t.status <> 'done'`;
  const rows = await db.any(sql.unsafe`${SELECT_TASK}
    WHERE t.corporation = ${corporation} AND ${which}
    ORDER BY t.created_at, t.id LIMIT ${limit}`);
  return rows.map(viewOf);
}

export interface TaskPatch {
  status?: Exclude<TaskStatus, 'open'> | 'open';
  assignee?: string;
  snoozedUntil?: string;
  closedBy?: string;
}

const NAME = /^[^\p{Cc}\p{Cf}]{1,100}$/u;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** Checks a PATCH /v1/tasks/{id} body; 400 naming every failing field. */
export function validateTaskPatch(body: unknown, now: Date): TaskPatch {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw validationError([{ field: '(body)', message: 'must be a JSON object' }]);
  }
  const b = body as Record<string, unknown>;
  const errors: FieldError[] = [];
  for (const key of Object.keys(b)) {
    if (!['status', 'assignee', 'snoozedUntil', 'closedBy'].includes(key)) {
      errors.push({ field: key, message: 'is not a field of a task change' });
    }
  }
  if (b.status !== undefined && !(TASK_STATUSES as readonly unknown[]).includes(b.status)) {
    errors.push({ field: 'status', message: `must be one of ${TASK_STATUSES.join(', ')}` });
  }
  for (const field of ['assignee', 'closedBy'] as const) {
    if (b[field] !== undefined && (typeof b[field] !== 'string' || !NAME.test(b[field] as string))) {
      errors.push({ field, message: 'must be 1 to 100 characters without control characters' });
    }
  }
  if (b.snoozedUntil !== undefined) {
    const at =
      typeof b.snoozedUntil === 'string' && RFC3339.test(b.snoozedUntil) ? new Date(b.snoozedUntil) : null;
    if (!at || Number.isNaN(at.getTime()) || at <= now) {
      errors.push({ field: 'snoozedUntil', message: 'must be an RFC 3339 date-time in the future' });
    }
  }
  if (b.status === 'snoozed' && b.snoozedUntil === undefined) {
    errors.push({ field: 'snoozedUntil', message: 'is required to snooze a task' });
  }
  if (b.snoozedUntil !== undefined && b.status !== undefined && b.status !== 'snoozed') {
    errors.push({ field: 'snoozedUntil', message: 'goes only with status snoozed' });
  }
  if (b.status === 'assigned' && b.assignee === undefined) {
    errors.push({ field: 'assignee', message: 'is required to assign a task' });
  }
  if (Object.keys(b).length === 0) errors.push({ field: '(body)', message: 'names no change' });
  if (errors.length > 0) throw validationError(errors);
  return b as TaskPatch;
}

/** Applies a change to one of the corporation's tasks; another corporation's task is 404. */
export async function patchTask(
  db: Database,
  corporation: string,
  id: string,
  patch: TaskPatch,
  now: Date,
): Promise<TaskView> {
  return db.transaction(async (tx) => {
    const row = await tx.maybeOne(sql.unsafe`
      SELECT * FROM tasks WHERE id = ${id} AND corporation = ${corporation} FOR UPDATE`);
    if (!row) throw createError('OST_ERR_NOT_FOUND', [`task ${id}`]);
    if (row.status === 'done') {
      throw createError('OST_ERR_CONFLICT', [
        `task ${id} is done`,
        'a done task cannot change; open a new one',
      ]);
    }
    const status: TaskStatus =
      patch.status ??
      (patch.snoozedUntil ? 'snoozed' : patch.assignee ? 'assigned' : (row.status as TaskStatus));
    const assignee = patch.assignee ?? (row.assignee as string | null);
    const done = status === 'done';
    const closedBy = done ? (patch.closedBy ?? assignee ?? 'erp') : null;
    await tx.query(sql.unsafe`
      UPDATE tasks SET status = ${status}, assignee = ${assignee},
        snoozed_until = ${status === 'snoozed' ? (patch.snoozedUntil ?? iso(row.snoozed_until)) : null},
        closed_by = ${closedBy}, closed_at = ${done ? now.toISOString() : null}
      WHERE id = ${id}`);
    if (done) {
      await insertEvents(tx, [
        {
          corporation,
          ...(row.case_id ? { caseId: row.case_id as string } : {}),
          type: 'task.closed',
          data: { task: id, kind: row.kind, title: row.title, status, closedBy },
          at: now,
        },
      ]);
    }
    const updated = await tx.one(sql.unsafe`${SELECT_TASK} WHERE t.id = ${id}`);
    return viewOf(updated);
  });
}
