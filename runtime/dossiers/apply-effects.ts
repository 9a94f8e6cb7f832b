// Turns the engine's effects into durable rows in the same transaction as the case state: timers and
// sends become `steps` rows (unique dedupe keys make a repeated effect harmless), everything else
// becomes case or link updates and events. `planEffects` is the pure half, shared by the one-case path
// (a timer or an event fed to a case) and batch intake (many new cases in one transaction).
// A pause holds the sends and alerts that have not gone out ('held' rows) and a resume releases them, so
// a pause never loses a send the engine asked for; a send that will not go out says so in the timeline.
import {
  type CostLine,
  dispatchLabel,
  type EngineResult,
  type NoticeRecord,
  notSentText,
  type TimelineEntry,
} from '../../core/engine/index.js';
import {
  type Column,
  type CopyBatch,
  copyBatch,
  newIds,
  sendCopy,
  sql,
  typedRows,
} from '../../platform/db/index.js';
import { recordArrangementRows } from './arrangement-rows.js';
import { type CaseRow, type EventInput, insertEvents, saveCaseState, type Tx } from './case-repository.js';
import type { StepKind } from './step-claims.js';

export interface StepInsert {
  case_id: string;
  corporation: string;
  /** The case's flow, so the steps gauges need no join with cases. */
  flow: string;
  step_id: string;
  kind: StepKind;
  due_at: string;
  dedupe_key: string;
  payload: unknown;
  /**
   * 'cancelled' or 'held' when a later effect of the same turn cancelled or held it (as if inserted,
   * then changed).
   */
  status: 'scheduled' | 'cancelled' | 'held';
  reason: string | null;
}

/** What a turn does to the case's step rows from earlier turns, in the order of its effects. */
export type StepChange =
  /** Scheduled and held rows are cancelled. */
  | { type: 'cancel'; reason: string }
  /** Scheduled timers are cancelled (the engine sets them again on resume); sends and alerts are held. */
  | { type: 'hold'; reason: string }
  /** Held rows are scheduled again, not before `notBefore`. */
  | { type: 'release'; notBefore: string };

export interface EffectPlan {
  steps: StepInsert[];
  events: EventInput[];
  changes: StepChange[];
  /** Sentences about sends and alerts of this very turn that will not go out (cancelled by it). */
  timeline: TimelineEntry[];
  closeLink: boolean;
}

const SENDS: ReadonlySet<string> = new Set(['send', 'alert']);

/** "Email 'x' not sent: cancelled: receivable paid" for a send or alert step that will not go out. */
function notSent(kind: string, payload: unknown, reason: string, at: string, stepId: string): TimelineEntry {
  const p = (payload ?? {}) as { channelType?: string; template?: string };
  const label = dispatchLabel(
    kind === 'alert' ? { type: 'alert' } : { type: 'send', channelType: p.channelType },
  );
  return { at, stepId, text: notSentText(label, p.template ?? stepId, reason) };
}

type CaseRef = Pick<CaseRow, 'id' | 'corporation' | 'receivable_id' | 'flow'>;

/** The rows and updates one engine turn asks for, in the order the effects came. */
export function planEffects(c: CaseRef, result: EngineResult, now: Date): EffectPlan {
  const nowIso = now.toISOString();
  const plan: EffectPlan = { steps: [], events: [], changes: [], timeline: [], closeLink: false };
  const base = { corporation: c.corporation, receivableId: c.receivable_id, caseId: c.id };
  const step = (kind: StepKind, stepId: string, dueAt: string, dedupe: string, payload: unknown) =>
    plan.steps.push({
      case_id: c.id,
      corporation: c.corporation,
      flow: c.flow,
      step_id: stepId,
      kind,
      due_at: dueAt,
      dedupe_key: dedupe,
      payload,
      status: 'scheduled',
      reason: null,
    });
  for (const e of result.effects) {
    switch (e.type) {
      case 'schedule':
        step('due', e.stepId, e.at, `${c.id}:due:${e.stepId}:${e.at}`, e);
        break;
      case 'watch':
        step('watch', e.messageId, e.at, `${c.id}:watch:${e.messageId}:${e.reaction}:${e.at}`, e);
        break;
      case 'send':
        step('send', e.stepId, nowIso, `${c.id}:send:${e.messageId}`, e);
        break;
      case 'alert':
        step('alert', e.stepId, nowIso, `${c.id}:alert:${e.stepId}:${e.action}:${nowIso}`, e);
        break;
      case 'skip':
        plan.events.push({ ...base, type: 'step.skipped', data: { stepId: e.stepId, reason: e.reason } });
        break;
      case 'cancelScheduled':
        for (const s of plan.steps) {
          if (s.status === 'cancelled') continue;
          if (SENDS.has(s.kind)) {
            plan.timeline.push(notSent(s.kind, s.payload, `cancelled: ${e.reason}`, nowIso, s.step_id));
          }
          Object.assign(s, { status: 'cancelled', reason: e.reason });
        }
        plan.changes.push({ type: 'cancel', reason: e.reason });
        break;
      case 'hold':
        for (const s of plan.steps) {
          if (s.status !== 'scheduled') continue;
          Object.assign(s, { status: SENDS.has(s.kind) ? 'held' : 'cancelled', reason: e.reason });
        }
        plan.changes.push({ type: 'hold', reason: e.reason });
        break;
      case 'release':
        for (const s of plan.steps) {
          if (s.status !== 'held') continue;
          const dueAt = s.due_at < e.notBefore ? e.notBefore : s.due_at;
          Object.assign(s, { status: 'scheduled', reason: null, due_at: dueAt });
        }
        plan.changes.push({ type: 'release', notBefore: e.notBefore });
        break;
      case 'notice':
        plan.events.push({ ...base, type: 'notice.recorded', data: noticeFacts(e.notice) });
        break;
      case 'costsAdded':
        plan.events.push({ ...base, type: 'costs.added', data: costFacts(e.line) });
        break;
      case 'closeLink':
        plan.closeLink = true;
        plan.events.push({ ...base, type: 'link.closed', data: { reason: e.reason } });
        break;
      case 'end':
        plan.events.push({ ...base, type: `case.${e.status}`, data: { reason: e.reason } });
        break;
      case 'record':
        plan.events.push({ ...base, type: e.event, data: e.data });
        break;
    }
  }
  return plan;
}

const noticeFacts = (n: NoticeRecord) => ({
  stepId: n.stepId,
  messageId: n.messageId,
  channelType: n.channelType,
  sentOn: n.sentOn,
  assumedReceiptOn: n.assumedReceiptOn,
  deadline: n.deadline,
  principalCents: n.principalCents,
  costsCents: n.costsCents,
  currency: n.currency,
  items: n.items.map((i) => i.externalId),
});

const costFacts = (l: CostLine) => ({
  stepId: l.stepId,
  basis: l.basis,
  amountCents: l.amountCents,
  vatCents: l.vatCents,
  principalCents: l.principalCents,
  items: l.items,
  noticeMessageId: l.noticeMessageId,
});

/** The plan's events without `link.closed`, for a turn that found no open payment link to close. */
export const withoutLinkClosed = (events: readonly EventInput[]) =>
  events.filter((e) => e.type !== 'link.closed');

const STEP_COLUMNS: readonly Column[] = [
  ['id', 'uuid'],
  ['case_id', 'uuid'],
  ['corporation', 'text'],
  ['flow', 'text'],
  ['step_id', 'text'],
  ['kind', 'text'],
  ['due_at', 'timestamptz'],
  ['dedupe_key', 'text'],
  ['payload', 'jsonb'],
  ['status', 'text'],
  ['reason', 'text'],
];

/**
 * Inserts step rows in one statement. A dedupe key seen before is skipped — unless that row was
 * cancelled and the engine schedules it again (a resume re-arms the same timer at the same time): then
 * the cancelled row comes back. A row that was sent or skipped never does.
 * `newCases`: every row belongs to a case this transaction started (intake, a hand-over), whose id no
 * earlier row carries, so there is nothing to skip and the insert needs no arbiter (rent day's intake
 * writes a step a receivable; the speculative insert cost more than the row, issue #16).
 */
export async function insertSteps(
  tx: Tx,
  all: readonly StepInsert[],
  { newCases = false }: { newCases?: boolean } = {},
): Promise<void> {
  // A new case's steps can meet no earlier row: one COPY. Otherwise a cancelled step of an earlier turn
  // is scheduled again.
  if (newCases) {
    await sendCopy(tx, newCaseStepsCopy(all));
    return;
  }
  const steps = withIds(all);
  if (steps.length === 0) return;
  await tx.query(sql.unsafe`
    INSERT INTO steps (id, case_id, corporation, flow, step_id, kind, due_at, dedupe_key, payload, status,
      reason)
    SELECT * FROM ${typedRows(STEP_COLUMNS, steps)}
    ON CONFLICT (case_id, dedupe_key) DO UPDATE SET status = 'scheduled', reason = NULL,
      claimed_by = NULL, claimed_at = NULL, due_at = EXCLUDED.due_at, payload = EXCLUDED.payload
      WHERE steps.status = 'cancelled' AND EXCLUDED.status = 'scheduled'`);
}

/** The step rows to insert: one a dedupe key (the last given), each with a new id. */
function withIds(all: readonly StepInsert[]) {
  const unique = [...new Map(all.map((s) => [s.dedupe_key, s])).values()];
  const ids = newIds(unique.length);
  return unique.map((s, i) => ({ id: ids[i], ...s }));
}

/**
 * The steps of cases this transaction started as one COPY, ready to send (`insertSteps` with `newCases`;
 * intake makes it before its first wait on the database).
 */
export const newCaseStepsCopy = (all: readonly StepInsert[]): CopyBatch =>
  copyBatch('steps', STEP_COLUMNS, withIds(all));

/**
 * Applies a turn's step changes to the rows of earlier turns; returns the sentences for the sends and
 * alerts it cancelled.
 */
async function changeSteps(tx: Tx, caseId: string, change: StepChange, now: Date): Promise<TimelineEntry[]> {
  switch (change.type) {
    case 'cancel': {
      const rows = await tx.any(sql.unsafe`
        UPDATE steps SET status = 'cancelled', reason = ${change.reason}
        WHERE case_id = ${caseId} AND status IN ('scheduled', 'held')
        RETURNING kind, step_id, payload`);
      const at = now.toISOString();
      return rows
        .filter((r) => SENDS.has(r.kind as string))
        .map((r) =>
          notSent(r.kind as string, r.payload, `cancelled: ${change.reason}`, at, r.step_id as string),
        );
    }
    case 'hold':
      await tx.query(sql.unsafe`
        UPDATE steps SET reason = ${change.reason},
          status = CASE WHEN kind IN ('send', 'alert') THEN 'held' ELSE 'cancelled' END
        WHERE case_id = ${caseId} AND status = 'scheduled'`);
      return [];
    case 'release':
      // A held send whose time passed while paused books a new spread slot from the release on; one
      // whose slot is still ahead keeps it.
      await tx.query(sql.unsafe`
        UPDATE steps SET status = 'scheduled', reason = NULL,
          spread_hour = CASE WHEN due_at < ${change.notBefore} THEN NULL ELSE spread_hour END,
          due_at = greatest(due_at, ${change.notBefore}::timestamptz)
        WHERE case_id = ${caseId} AND status = 'held'`);
      return [];
  }
}

export async function applyEngineResult(tx: Tx, c: CaseRow, result: EngineResult, now: Date): Promise<void> {
  const plan = planEffects(c, result, now);
  const notSentNow: TimelineEntry[] = [];
  for (const change of plan.changes) notSentNow.push(...(await changeSteps(tx, c.id, change, now)));
  await insertSteps(tx, plan.steps);
  let events = plan.events;
  if (plan.closeLink) {
    const closed = await tx.query(sql.unsafe`
      UPDATE links SET closed_at = now()
      WHERE (receivable_id = ${c.receivable_id}
             OR receivable_id IN (SELECT receivable_id FROM case_items WHERE case_id = ${c.id} AND left_at IS NULL))
        AND purpose = 'payment' AND closed_at IS NULL`);
    // Links are made by the first message that shows one: with none made yet, none was closed.
    if (closed.rowCount === 0) events = withoutLinkClosed(events);
  }
  await saveCaseState(tx, c.id, result.state, [...result.timeline, ...notSentNow, ...plan.timeline]);
  await insertEvents(tx, events);
  await recordArrangementRows(tx, c, result.effects, now);
}
