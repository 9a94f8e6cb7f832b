// Tasks: work for people (ADR 0007) — a reply to look at, an alert, a lapsed arrangement, a dead letter.
// A task moves open → assigned → done, or is snoozed until a moment; a done task is final. The ERP's feed
// gets task.created (runtime/dossiers/open-task.ts), task.updated for every change (who, what) and
// task.closed when it is done; the staff console (runtime/console/task-routes.ts) and GET /v1/tasks list
// them, and both change them through patchTask.
import { createError } from '../../core/errors/index.js';
import type { FieldError } from '../../core/receivable/index.js';
import { validationError } from '../../core/receivable/validation-error.js';
import { type Database, sql } from '../../platform/db/index.js';
import { insertEvents } from './case-repository.js';
import type { TaskKind } from './open-task.js';

export const TASK_STATUSES = ['open', 'assigned', 'snoozed', 'done'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
export interface TaskView {
  id: string;
  kind: TaskKind;
  title: string;
  status: TaskStatus;
  debtorId: string | null;
  caseId: string | null;
  replyId: string | null;
  assignee: string | null;
  team: string | null;
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
    team: (r.team as string | null) ?? null,
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

/** The console's lists: open (not done, not snoozed into the future), mine, snoozed, done. */
export const TASK_FILTERS = ['open', 'mine', 'snoozed', 'done'] as const;
export type TaskFilter = (typeof TASK_FILTERS)[number];

/**
 * One of the console's work lists, oldest first (done: newest first). A snoozed task whose moment has
 * passed is open again; `team` narrows to one team's tasks and those for the whole corporation.
 */
export async function workList(
  db: Pick<Database, 'any'>,
  corporation: string,
  list: { filter: TaskFilter; me: string; team?: string | undefined },
  now: Date,
  limit: number,
): Promise<TaskView[]> {
  const at = now.toISOString();
  const which = {
    open: sql.fragment`(t.status IN ('open', 'assigned') OR (t.status = 'snoozed' AND t.snoozed_until <= ${at}))`,
    mine: sql.fragment`t.status <> 'done' AND t.assignee = ${list.me}`,
    snoozed: sql.fragment`t.status = 'snoozed' AND t.snoozed_until > ${at}`,
    done: sql.fragment`t.status = 'done'`,
  }[list.filter];
  const team = list.team ? sql.fragment`AND (t.team = ${list.team} OR t.team IS NULL)` : sql.fragment``;
  const order =
    list.filter === 'done' ? sql.fragment`t.closed_at DESC, t.id` : sql.fragment`t.created_at, t.id`;
  const rows = await db.any(sql.unsafe`${SELECT_TASK}
    WHERE t.corporation = ${corporation} AND ${which} ${team} ORDER BY ${order} LIMIT ${limit}`);
  return rows.map(viewOf);
}

/** One of the corporation's tasks; another corporation's is undefined, like one that does not exist. */
export async function findTask(
  db: Pick<Database, 'maybeOne'>,
  corporation: string,
  id: string,
): Promise<TaskView | undefined> {
  const row = await db.maybeOne(
    sql.unsafe`${SELECT_TASK} WHERE t.id = ${id} AND t.corporation = ${corporation}`,
  );
  return row ? viewOf(row) : undefined;
}

/** The teams the corporation's tasks are for, for the console's filter. */
export async function taskTeams(db: Pick<Database, 'anyFirst'>, corporation: string): Promise<string[]> {
  return (await db.anyFirst(sql.unsafe`
    SELECT DISTINCT team FROM tasks WHERE corporation = ${corporation} AND team IS NOT NULL ORDER BY team`)) as string[];
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

/**
 * Applies a change to one of the corporation's tasks; another corporation's task is 404. `by` is who made
 * it (a console user's subject, or `erp` for the API): task.updated on the feed says who, what and when.
 */
export async function patchTask(
  db: Database,
  corporation: string,
  id: string,
  patch: TaskPatch,
  now: Date,
  by = 'erp',
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
    const about = { corporation, ...(row.case_id ? { caseId: row.case_id as string } : {}), at: now };
    const snoozedUntil = status === 'snoozed' ? (patch.snoozedUntil ?? iso(row.snoozed_until)) : null;
    await insertEvents(tx, [
      {
        ...about,
        type: 'task.updated',
        data: {
          task: id,
          kind: row.kind,
          status,
          assignee,
          ...(snoozedUntil ? { snoozedUntil: new Date(snoozedUntil).toISOString() } : {}),
          by,
        },
      },
      ...(done
        ? [
            {
              ...about,
              type: 'task.closed',
              data: { task: id, kind: row.kind, title: row.title, status, closedBy },
            },
          ]
        : []),
    ]);
    const updated = await tx.one(sql.unsafe`${SELECT_TASK} WHERE t.id = ${id}`);
    return viewOf(updated);
  });
}
