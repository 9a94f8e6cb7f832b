// Changes the ERP reports on a receivable it posted earlier — a payment, a new balance, a cancellation, a
// pause, a payment arrangement — applied in one transaction to the receivable and to every case that is
// still running, so they take effect on every pending step at once.
//
// Lock order: every case of the receivable (ordered by id), then the receivable. The dispatcher
// (dispatch-message.ts) and feedCase lock a case, then its receivable; taking locks in the same order
// means a payment and a due send wait for each other instead of deadlocking. Whoever holds the case lock
// first wins: a send that recorded its message first goes out (it was on its way when the payment came);
// a send that comes second finds the case stopped and the receivable paid and records nothing.
import { parseLocalDate } from '../../core/calendar/index.js';
import type { CaseEvent, PlanInput } from '../../core/engine/index.js';
import { createError } from '../../core/errors/index.js';
import type { PaymentInput, ReceivablePatch } from '../../core/receivable/index.js';
import { validationError } from '../../core/receivable/validation-error.js';
import { type Database, sql } from '../../platform/db/index.js';
import type { BundleStore } from '../bundles/index.js';
import { checkedPlan, ERP_LIMITS } from './arrangement-plans.js';
import { type EventInput, insertEvents, lockCase, lockReceivable, type Tx } from './case-repository.js';
import { feedCase } from './case-runner.js';
import { caseSubject, dossierEvent } from './debtor-dossiers.js';

export type ReceivableChange =
  | { type: 'payment'; payment: PaymentInput }
  /**
   * plan: the arrangement the dossier monitors (made from patch.arrangement.terms when absent); reply: the
   * class of the tenant's reply that asks for this pause (runtime/replies), when not the ERP.
   */
  | { type: 'patch'; patch: ReceivablePatch; plan?: PlanInput; reply?: string };

export interface ReceivableChangeResult {
  externalId: string;
  status: string;
  balance: number;
  /** A payment whose paymentId was reported before: nothing changed. */
  duplicate: boolean;
}

export interface CaseEventDeps {
  db: Database;
  bundles: BundleStore;
  now?: () => Date;
}

type Status = 'open' | 'paid' | 'cancelled' | 'paused';

/** A case the change may concern: still running, or ended with its payment link still open. */
export const CANDIDATE_CASES = sql.fragment`(status IN ('active', 'paused') OR NOT coalesce((state->>'linkClosed')::boolean, false))`;

const MAX_ATTEMPTS = 3;

/** A case or item appeared between the first look and the locks: the transaction starts again. */
export class CaseSetChanged extends Error {}

export async function applyReceivableEvent(
  deps: CaseEventDeps,
  corporation: string,
  externalId: string,
  change: ReceivableChange,
): Promise<ReceivableChangeResult> {
  const receivableId = await deps.db.maybeOneFirst(sql.unsafe`
    SELECT id FROM receivables WHERE corporation = ${corporation} AND external_id = ${externalId}`);
  if (!receivableId) throw createError('OST_ERR_NOT_FOUND', [`receivable ${externalId}`]);
  const reported = withReportedPlan(deps, corporation, change);
  for (let attempt = 1; ; attempt++) {
    try {
      return await deps.db.transaction((tx) =>
        applyLocked(tx, deps, corporation, receivableId as string, reported),
      );
    } catch (err) {
      if (!(err instanceof CaseSetChanged) || attempt >= MAX_ATTEMPTS) throw err;
    }
  }
}

/**
 * Applies a change to one receivable inside the caller's transaction; the caller holds (or lets this take)
 * the locks of every candidate case, then of the receivable (dossier-payment.ts takes them for all items).
 */
export async function applyLocked(
  tx: Tx,
  deps: CaseEventDeps,
  corporation: string,
  receivableId: string,
  change: ReceivableChange,
): Promise<ReceivableChangeResult> {
  const caseIds = await candidateCases(tx, receivableId);
  const cases = [];
  for (const id of caseIds) cases.push(await lockCase(tx, id));
  const r = await lockReceivable(tx, receivableId);
  // Cases are only created together with their receivable, but should one appear between the first look
  // and the receivable lock, start again rather than lock it out of order.
  if ((await candidateCases(tx, receivableId)).some((id) => !caseIds.includes(id)))
    throw new CaseSetChanged();
  // Taken once the locks are held: the events' time is after every send that was recorded before them.
  const now = deps.now?.() ?? new Date();

  const before = { balance: r.balance_minor, status: r.status as Status };
  const base = { corporation, receivableId, externalId: r.external_id };
  const result = (duplicate: boolean, balance = before.balance, status: string = before.status) => ({
    externalId: r.external_id,
    status,
    balance,
    duplicate,
  });

  let plan: Plan;
  if (change.type === 'payment') {
    const p = change.payment;
    const earlier = await tx.maybeOne(sql.unsafe`
      SELECT receivable_id, amount_minor FROM payments
      WHERE corporation = ${corporation} AND payment_id = ${p.paymentId}`);
    if (earlier) {
      if (earlier.receivable_id !== receivableId || Number(earlier.amount_minor) !== p.amount) {
        throw reusedPaymentId(p.paymentId);
      }
      return result(true);
    }
    plan = planPayment(before, p);
    const recorded = await tx.maybeOne(sql.unsafe`
      INSERT INTO payments (corporation, receivable_id, payment_id, amount_minor, paid_at, method, balance_after)
      VALUES (${corporation}, ${receivableId}, ${p.paymentId}, ${p.amount}, ${p.paidAt ?? null},
        ${p.method ?? null}, ${plan.balance})
      ON CONFLICT (corporation, payment_id) DO NOTHING
      RETURNING id`);
    // Reported at this very moment for another receivable (which holds other locks).
    if (!recorded) throw reusedPaymentId(p.paymentId);
  } else {
    const anyPaused = cases.some((c) => c.status === 'paused');
    plan = planPatch(before, change.patch, r.external_id, anyPaused, change.plan, change.reply);
  }

  if (plan.balance !== before.balance || plan.status !== before.status) {
    await tx.query(sql.unsafe`
      UPDATE receivables SET balance_minor = ${plan.balance}, status = ${plan.status} WHERE id = ${receivableId}`);
  }
  await insertEvents(
    tx,
    plan.events.map((e) => ({ ...base, ...e, at: now })),
  );
  for (const reported of plan.engine) {
    for (const [i, c] of cases.entries()) {
      // A dossier hears of the change as a change of its total (0: paid), read after the update.
      const event = c.scope === 'debtor' ? dossierEvent(reported, await caseSubject(tx, c, r)) : reported;
      if (!concerns(event, c.status, c.state.linkClosed === true)) continue;
      const fed = await feedCase(tx, deps.bundles, c.id, { type: 'event', event }, now);
      cases[i] = { ...c, status: fed.caseRow.status, state: fed.caseRow.state };
    }
  }
  return result(false, plan.balance, plan.status);
}

/** An ERP arrangement with terms becomes a plan the dossier monitors; a 400 names a wrong term. */
function withReportedPlan(
  deps: CaseEventDeps,
  corporation: string,
  change: ReceivableChange,
): ReceivableChange {
  if (change.type !== 'patch' || change.plan || !change.patch.arrangement?.terms) return change;
  const a = change.patch.arrangement;
  const terms = (a.terms ?? []).map((t, i) => {
    const dueOn = parseLocalDate(t.dueOn);
    if (!dueOn) {
      throw validationError([
        { field: `arrangement.terms[${i}].dueOn`, message: 'must be a date (YYYY-MM-DD)' },
      ]);
    }
    return { dueOn, amountCents: t.amount };
  });
  const corp = deps.bundles.get(corporation)?.corporation ?? { timezone: 'Europe/Amsterdam' };
  const plan = checkedPlan(corp, deps.now?.() ?? new Date(), {
    source: 'erp',
    ...(a.reference ? { reference: a.reference } : {}),
    terms,
    limits: ERP_LIMITS,
    field: (f) => `arrangement.${f.replace(/amountCents$/, 'amount')}`,
  });
  return { ...change, plan };
}

const reusedPaymentId = (paymentId: string) =>
  createError('OST_ERR_CONFLICT', [
    `paymentId ${paymentId} was already reported with another amount or receivable`,
    'give every payment its own paymentId; repeat a payment only with the same body',
  ]);

/** The receivable's own cases and every dossier it is a current item of. */
async function candidateCases(tx: Tx, receivableId: string): Promise<string[]> {
  const ids = await tx.anyFirst(sql.unsafe`
    SELECT id FROM cases
    WHERE (receivable_id = ${receivableId}
           OR id IN (SELECT case_id FROM case_items WHERE receivable_id = ${receivableId} AND left_at IS NULL))
      AND ${CANDIDATE_CASES}
    ORDER BY id`);
  return ids as string[];
}

/** paid reaches ended cases too (to close a link still open); the rest only cases still running. */
function concerns(event: CaseEvent, caseStatus: string, linkClosed: boolean): boolean {
  if (event.type === 'paid') return caseStatus === 'active' || caseStatus === 'paused' || !linkClosed;
  if (event.type === 'resumed') return caseStatus === 'paused';
  return caseStatus === 'active' || caseStatus === 'paused';
}

interface Plan {
  balance: number;
  status: Status;
  /** Rows for the events table (the ERP's feed). */
  events: Omit<EventInput, 'corporation'>[];
  /** What the flow engine is told, in order. */
  engine: CaseEvent[];
}

function planPayment(before: { balance: number; status: Status }, p: PaymentInput): Plan {
  const balance = before.balance - p.amount;
  const settled = balance <= 0;
  const status: Status = settled ? 'paid' : before.status;
  const events: Plan['events'] = [
    {
      type: 'payment.received',
      data: {
        paymentId: p.paymentId,
        amount: p.amount,
        balance,
        ...(p.paidAt ? { paidAt: p.paidAt } : {}),
        ...(p.method ? { method: p.method } : {}),
      },
    },
  ];
  if (settled && before.status !== 'paid') events.push({ type: 'receivable.paid', data: { balance } });
  return {
    balance,
    status,
    events,
    engine: [settled ? { type: 'paid', balance } : { type: 'partiallyPaid', balance }],
  };
}

/**
 * A patch is checked as a whole before anything changes: a paid or cancelled receivable takes no new
 * balance or status (409), so a late PATCH cannot reopen what the ERP already settled.
 */
function planPatch(
  before: { balance: number; status: Status },
  patch: ReceivablePatch,
  externalId: string,
  anyCasePaused: boolean,
  arrangementPlan: PlanInput | undefined,
  reply?: string,
): Plan {
  const final = before.status === 'paid' || before.status === 'cancelled';
  const settles = patch.balance !== undefined && patch.balance <= 0;
  const noOp =
    (patch.balance === undefined || patch.balance === before.balance) &&
    (patch.status === undefined || patch.status === before.status) &&
    patch.arrangement === undefined;
  if (final && !noOp) {
    throw createError('OST_ERR_CONFLICT', [
      `receivable ${externalId} is ${before.status} and cannot be changed`,
      'post a new receivable to collect again',
    ]);
  }
  if (settles && patch.status !== undefined && patch.status !== 'cancelled') {
    throw createError('OST_ERR_CONFLICT', [
      `balance 0 makes receivable ${externalId} paid, so it cannot also become ${patch.status}`,
      'send the balance and the status in separate requests, or leave the status out',
    ]);
  }
  const note = patch.reason ? { note: patch.reason } : {};
  const engine: CaseEvent[] = [];
  let balance = before.balance;
  let status = before.status;
  if (patch.balance !== undefined && patch.balance !== before.balance) {
    balance = patch.balance;
    if (settles) status = 'paid';
    engine.push(settles ? { type: 'paid', balance } : { type: 'balanceChanged', balance });
  }
  if (patch.arrangement) {
    const text = patch.arrangement.note ?? patch.reason;
    engine.push({
      type: 'arrangement',
      ...(text ? { note: text } : {}),
      ...(arrangementPlan ? { plan: arrangementPlan } : {}),
    });
  }
  if (patch.status === 'cancelled' && status !== 'cancelled' && status !== 'paid') {
    status = 'cancelled';
    engine.push({ type: 'cancelled', ...note });
  } else if (patch.status === 'paused' && status === 'open') {
    status = 'paused';
    engine.push({ type: 'paused', ...note, ...(reply ? { reply } : {}) });
  } else if (patch.status === 'open' && (status === 'paused' || anyCasePaused)) {
    // Also ends a payment arrangement: cases paused by it resume, whatever the receivable's status was.
    status = 'open';
    engine.push({ type: 'resumed', ...note });
  }
  const changes = {
    ...(balance !== before.balance ? { balance } : {}),
    ...(status !== before.status ? { status } : {}),
    ...(patch.arrangement ? { arrangement: patch.arrangement } : {}),
    ...(patch.reason ? { reason: patch.reason } : {}),
  };
  const events: Plan['events'] = [];
  if (engine.length > 0) events.push({ type: 'receivable.updated', data: { ...changes, previous: before } });
  if (status === 'paid' && before.status !== 'paid')
    events.push({ type: 'receivable.paid', data: { balance } });
  return { balance, status, events, engine };
}
