// The console's tasks (docs/console.md, "Tasks"): the work lists and one task, and what an agent does
// with it — assign (to me, or to a colleague who signed in to this console), snooze until a date, done.
// Every action goes through patchTask, the same code as PATCH /v1/tasks/{id}, so the ERP's feed gets
// task.updated (who, what) and task.closed; every view and action is in the audit log. Another
// corporation's task is not found (404, audited); a viewer sees but cannot act (403, nothing changes).
import type { FastifyInstance, FastifyReply } from 'fastify';
import {
  addLocalDays,
  compareLocalDates,
  fromZonedParts,
  localDateOf,
  parseLocalDate,
} from '../../core/calendar/index.js';
import { validationError } from '../../core/receivable/validation-error.js';
import { type Database, sql } from '../../platform/db/index.js';
import {
  findTask,
  patchTask,
  TASK_FILTERS,
  type TaskFilter,
  type TaskPatch,
  type TaskView,
  taskTeams,
  workList,
} from '../dossiers/index.js';
import { audit } from './audit.js';
import { type ConsoleDeps, type ConsoleKit, type Ctx, contextOf, UUID } from './console-kit.js';
import { atLeast, csrfMatches, type StaffSession } from './sessions.js';
import { TASK_TEXTS } from './task-texts.js';
import { type Colleagues, type TaskDetail, taskListView, taskView } from './task-views.js';

const LIST_LIMIT = 200;

/** Agents and admins who signed in to this corporation's console, newest name first. */
async function colleaguesOf(db: Database, corporation: string): Promise<Colleagues> {
  const rows = await db.any(sql.unsafe`
    SELECT DISTINCT ON (actor) actor, actor_name FROM console_audit
    WHERE corporation = ${corporation} AND action = 'login' AND role IN ('agent', 'admin')
    ORDER BY actor, at DESC`);
  return new Map(rows.map((r) => [r.actor as string, (r.actor_name as string | null) ?? null]));
}

async function detailOf(db: Database, corporation: string, task: TaskView): Promise<TaskDetail> {
  const [dossier, reply] = await Promise.all([
    task.caseId
      ? db.maybeOne(sql.unsafe`
          SELECT c.flow, c.status, r.external_id FROM cases c JOIN receivables r ON r.id = c.receivable_id
          WHERE c.id = ${task.caseId} AND c.corporation = ${corporation}`)
      : null,
    task.replyId
      ? db.maybeOne(sql.unsafe`
          SELECT channel, text, class, received_at FROM replies WHERE id = ${task.replyId} AND corporation = ${corporation}`)
      : null,
  ]);
  return {
    task,
    dossier: dossier
      ? {
          flow: dossier.flow as string,
          status: dossier.status as string,
          externalId: dossier.external_id as string,
        }
      : null,
    reply: reply
      ? {
          channel: reply.channel as string,
          text: (reply.text as string | null) ?? null,
          class: reply.class as string,
          receivedAt: new Date(reply.received_at as string).toISOString(),
        }
      : null,
  };
}

type TaskAction = 'assign' | 'snooze' | 'done';

/** The form of an action as a task change; 400 naming the field for anything else. */
function patchOf(
  what: TaskAction,
  form: Record<string, unknown>,
  session: StaffSession,
  colleagues: Colleagues,
  timezone: string,
  now: Date,
): TaskPatch {
  const by = session.subject;
  if (what === 'done') return { status: 'done', closedBy: by };
  if (what === 'assign') {
    const wanted = typeof form.assignee === 'string' ? form.assignee : '';
    const assignee = wanted === 'me' ? by : wanted;
    if (assignee !== by && !colleagues.has(assignee)) {
      throw validationError([{ field: 'assignee', message: 'must be me or a colleague who signed in here' }]);
    }
    return { status: 'assigned', assignee };
  }
  const day = parseLocalDate(typeof form.until === 'string' ? form.until.trim() : '');
  const today = localDateOf(now, timezone);
  if (!day || compareLocalDates(day, today) <= 0 || compareLocalDates(day, addLocalDays(today, 366)) > 0) {
    throw validationError([
      { field: 'until', message: 'must be a date (YYYY-MM-DD) after today, within a year' },
    ]);
  }
  // Back on the open list at the start of that working day, in the corporation's time.
  const at = fromZonedParts({ ...day, hour: 8, minute: 0, second: 0, millisecond: 0 }, timezone);
  return { status: 'snoozed', snoozedUntil: at.toISOString() };
}

export function registerTaskRoutes(site: FastifyInstance, deps: ConsoleDeps, kit: ConsoleKit): void {
  const { page, errorPage, sessionOf } = kit;
  const now = () => deps.now?.() ?? new Date();

  /** The task of this corporation, or the 404 page (the attempt audited). */
  async function taskOr404(reply: FastifyReply, ctx: Ctx, session: StaffSession, id: string, action: string) {
    const task = UUID.test(id) ? await findTask(deps.db, ctx.corporation, id) : undefined;
    if (!task) {
      await audit(deps.db, session, 'not-found', {}, { task: id.slice(0, 100), action });
      await errorPage(reply, ctx, 404, 'OST_ERR_NOT_FOUND', session);
    }
    return task;
  }

  const debtorOf = (task: TaskView) =>
    deps.db
      .maybeOneFirst(sql.unsafe`SELECT debtor_ref FROM tasks WHERE id = ${task.id}`)
      .then((ref) => ({ ref: (ref as string | null) ?? null, id: task.debtorId }));

  site.get('/console/tasks', async (request, reply) => {
    const ctx = contextOf(request, deps.bundles);
    const session = await sessionOf(request, reply, ctx);
    if (!session) return reply;
    const q = request.query as { list?: unknown; team?: unknown };
    const filter: TaskFilter = TASK_FILTERS.includes(q.list as TaskFilter) ? (q.list as TaskFilter) : 'open';
    const teams = await taskTeams(deps.db, ctx.corporation);
    const team = typeof q.team === 'string' && teams.includes(q.team) ? q.team : undefined;
    const [tasks, colleagues] = await Promise.all([
      workList(deps.db, ctx.corporation, { filter, me: session.subject, team }, now(), LIST_LIMIT),
      colleaguesOf(deps.db, ctx.corporation),
    ]);
    return page(
      reply,
      ctx,
      200,
      TASK_TEXTS[ctx.lang].tasks,
      taskListView(ctx.lang, ctx.root, { filter, team, teams }, tasks, colleagues),
      session,
    );
  });

  site.get<{ Params: { id: string } }>('/console/tasks/:id', async (request, reply) => {
    const ctx = contextOf(request, deps.bundles);
    const session = await sessionOf(request, reply, ctx);
    if (!session) return reply;
    const task = await taskOr404(reply, ctx, session, request.params.id, 'view-task');
    if (!task) return reply;
    await audit(deps.db, session, 'view-task', await debtorOf(task), { task: task.id });
    const done = (request.query as { done?: string }).done ? TASK_TEXTS[ctx.lang].recorded : undefined;
    const colleagues = await colleaguesOf(deps.db, ctx.corporation);
    return page(
      reply,
      ctx,
      200,
      `${TASK_TEXTS[ctx.lang].task}: ${task.title}`,
      taskView(ctx.lang, ctx.root, session, await detailOf(deps.db, ctx.corporation, task), colleagues, done),
      session,
    );
  });

  for (const what of ['assign', 'snooze', 'done'] as const) {
    site.post<{ Params: { id: string } }>(`/console/tasks/:id/${what}`, async (request, reply) => {
      const ctx = contextOf(request, deps.bundles);
      const session = await sessionOf(request, reply, ctx);
      if (!session) return reply;
      const form = (request.body ?? {}) as Record<string, unknown>;
      if (!csrfMatches(session, form._csrf))
        return errorPage(reply, ctx, 403, 'OST_ERR_CONSOLE_CSRF', session);
      const task = await taskOr404(reply, ctx, session, request.params.id, `task-${what}`);
      if (!task) return reply;
      const debtor = await debtorOf(task);
      if (!atLeast(session.role, 'agent')) {
        await audit(deps.db, session, 'forbidden', debtor, { action: `task-${what}`, task: task.id });
        return errorPage(reply, ctx, 403, 'OST_ERR_CONSOLE_FORBIDDEN', session);
      }
      const at = now();
      const colleagues = await colleaguesOf(deps.db, ctx.corporation);
      const patch = patchOf(what, form, session, colleagues, ctx.bundle.corporation.timezone, at);
      const after = await patchTask(deps.db, ctx.corporation, task.id, patch, at, session.subject);
      await audit(deps.db, session, `task-${what}`, debtor, {
        task: task.id,
        status: after.status,
        ...(after.assignee ? { assignee: after.assignee } : {}),
        ...(after.snoozedUntil ? { snoozedUntil: after.snoozedUntil } : {}),
      });
      return reply.redirect(`${ctx.root}/tasks/${task.id}?done=${what}&lang=${ctx.lang}`, 303);
    });
  }
}
