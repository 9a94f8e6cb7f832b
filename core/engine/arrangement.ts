// Arrangements and promises to pay as the engine sees them (docs/collections-law.md § 3). An
// `arrangement` event with a plan pauses the dossier and keeps the plan in the state; payments (every
// lower open total reported) are matched to the instalments oldest first; a check timer the day after
// each instalment's grace period asks core/law whether the plan still holds. A broken plan is written on
// the feed (arrangement.broken / promise.broken) and the flow reacts to arrangementBroken or
// promiseBroken: by default it resumes; a declared stop, pause or goto replaces that, and a declared
// alert tells the consultants the plan lapsed. A plan paid in full is written as arrangement.completed
// and closes the dossier.
import { daysBetween, localDateKey } from '../calendar/index.js';
import type { TermPosition } from '../law/arrangement-status.js';
import { applyReaction, COURSE_ACTIONS, causeOf, declared, reactionTrigger, resumeCase } from './actions.js';
import { armArrangementCheck, armReminder, statusToday, today } from './arrangement-timer.js';
import { candidateChannels, chooseChannel, sendMessage } from './channels.js';
import { amount } from './text.js';
import { emit, endCase, note, type Turn } from './turn.js';
import { ARRANGEMENT_REMINDER_WATCH, type CaseArrangement, type PlanInput } from './types.js';
import { windowDeferral } from './window.js';

const running = (turn: Turn) => turn.state.status === 'active' || turn.state.status === 'paused';

/** What the timeline calls it: a promise is not a payment arrangement. */
export const arrangementWords = (a: Pick<PlanInput, 'kind'>) =>
  a.kind === 'promise' ? 'Promise to pay' : 'Payment arrangement';

function describe(a: PlanInput): string {
  if (a.kind === 'promise') {
    const t = a.terms[0]!;
    return `€ ${amount(t.amountCents)} by ${t.dueOn}`;
  }
  const list = a.terms.map((t) => `€ ${amount(t.amountCents)} on ${t.dueOn}`).join(', ');
  return `${a.terms.length} instalment${a.terms.length === 1 ? '' : 's'}: ${list}`;
}

/** An arrangement with a plan: the case keeps it and checks it; the caller pauses the case. */
export function startArrangement(turn: Turn, plan: PlanInput): void {
  const totalCents = plan.terms.reduce((sum, t) => sum + t.amountCents, 0);
  turn.state.arrangement = {
    ...plan,
    terms: plan.terms.map((t) => ({ ...t })),
    totalCents,
    payments: [],
    lastBalance: totalCents,
  };
  note(
    turn,
    `${arrangementWords(plan)} recorded (${describe(plan)}; ${plan.graceDays} days' grace per term)`,
  );
  emit(turn, {
    type: 'record',
    event: plan.kind === 'promise' ? 'promise.made' : 'arrangement.started',
    data: {
      kind: plan.kind,
      source: plan.source,
      ...(plan.reference ? { reference: plan.reference } : {}),
      totalCents,
      graceDays: plan.graceDays,
      madeOn: plan.madeOn,
      terms: plan.terms.map((t) => ({ dueOn: t.dueOn, amountCents: t.amountCents })),
    },
  });
  if (turn.state.status === 'paused') armArrangementCheck(turn);
}

/** The ERP resumed the dossier (PATCH status open): a running plan ends without lapsing. */
export function endArrangement(turn: Turn, why: string): void {
  const a = turn.state.arrangement;
  if (!a || !running(turn)) return;
  delete turn.state.arrangement;
  note(turn, `${arrangementWords(a)} ended: ${why}`);
  emit(turn, {
    type: 'record',
    event: a.kind === 'promise' ? 'promise.ended' : 'arrangement.ended',
    data: { ...(a.reference ? { reference: a.reference } : {}), reason: why },
  });
}

/**
 * A payment or a new open total while a plan runs: a lower total than the last one heard of is a
 * payment towards the plan. Returns true when the plan is now paid in full (it is then closed).
 */
export function trackArrangementPayment(turn: Turn, balance: number | undefined): boolean {
  const a = turn.state.arrangement;
  if (!a || !running(turn)) return false;
  const now = balance ?? 0;
  const paid = (a.lastBalance ?? a.totalCents) - now;
  a.lastBalance = now;
  if (paid <= 0) return false;
  a.payments.push({ paidOn: localDateKey(today(turn)), amountCents: paid });
  const status = statusToday(turn, a);
  if (status.kind !== 'completed') {
    armReminder(turn);
    note(
      turn,
      `Payment of € ${amount(paid)} matched to the ${arrangementWords(a).toLowerCase()}; € ${amount(status.remainingCents)} of it left`,
    );
    return false;
  }
  delete turn.state.arrangement;
  note(turn, `${arrangementWords(a)} completed: € ${amount(a.totalCents)} paid`);
  emit(turn, {
    type: 'record',
    event: a.kind === 'promise' ? 'promise.kept' : 'arrangement.completed',
    data: {
      ...(a.reference ? { reference: a.reference } : {}),
      totalCents: a.totalCents,
      paidCents: status.paidCents,
    },
  });
  if (balance !== undefined && balance > 0) {
    endCase(turn, 'completed', `${arrangementWords(a).toLowerCase()} completed`, { closeLink: true });
  }
  return true;
}

/**
 * The reminder before an instalment is due: it goes out (on the flow's channel, else the preferred then
 * fallback channel) although the dossier is paused, unless the instalment is paid meanwhile; outside the
 * flow's window it waits for the window. The next instalment's reminder is set.
 */
export function handleArrangementReminder(turn: Turn): boolean {
  const a = turn.state.arrangement;
  const reminder = turn.flow.arrangementReminder;
  if (!a || !reminder || !running(turn)) return false;
  const status = statusToday(turn, a);
  if (status.kind !== 'on-track' || status.nextTerm.outstandingCents <= 0) return false;
  // A timer set twice for the same instalment reminds once.
  if (a.remindedTerm === status.nextTerm.index + 1) return false;
  // Set for an instalment paid meanwhile: the next one's reminder comes on its own day.
  if (daysBetween(today(turn), status.nextTerm.dueOn) > reminder.daysBefore) {
    armReminder(turn);
    return true;
  }
  const deferral = windowDeferral(turn, turn.ctx.now);
  if (deferral) {
    emit(turn, {
      type: 'watch',
      messageId: ARRANGEMENT_REMINDER_WATCH,
      reaction: -1,
      at: deferral.at.toISOString(),
    });
    return true;
  }
  const term = status.nextTerm;
  const stepId =
    turn.state.pendingStepId ?? turn.flow.steps[Math.max(0, turn.state.cursor - 1)]?.id ?? turn.flow.name;
  const reason = `reminder before instalment ${term.index + 1} of ${a.terms.length} (€ ${amount(term.outstandingCents)} due ${localDateKey(term.dueOn)})`;
  const choice = chooseChannel(turn, candidateChannels(turn, reminder.channel), () => reminder.template);
  if ('reason' in choice) {
    note(turn, `No ${reason}: ${choice.reason}`, stepId);
  } else {
    sendMessage(turn, stepId, choice.plan, { alsoVia: [], registered: false, reason, duringPause: true });
  }
  a.remindedTerm = term.index + 1;
  // The next instalment's reminder comes when this one is paid (trackArrangementPayment sets it).
  return true;
}

/** The check timer is due: a plan whose term's grace ended unpaid is broken; else the next check is set. */
export function handleArrangementCheck(turn: Turn): boolean {
  const a = turn.state.arrangement;
  if (!a || !running(turn)) return false;
  const status = statusToday(turn, a);
  if (status.kind === 'broken') {
    broken(turn, a, status.term, localDateKey(status.graceEndedOn));
    return true;
  }
  armArrangementCheck(turn);
  return true;
}

function broken(turn: Turn, a: CaseArrangement, term: TermPosition, graceEndedOn: string): void {
  delete turn.state.arrangement;
  const which =
    a.kind === 'promise' ? 'the promised amount' : `instalment ${term.index + 1} of ${a.terms.length}`;
  note(
    turn,
    `${arrangementWords(a)} lapsed: ${which} (€ ${amount(term.amountCents)} due ${localDateKey(term.dueOn)}) was not paid by the end of its grace period (${graceEndedOn}); € ${amount(term.outstandingCents)} of it open`,
  );
  emit(turn, {
    type: 'record',
    event: a.kind === 'promise' ? 'promise.broken' : 'arrangement.broken',
    data: {
      ...(a.reference ? { reference: a.reference } : {}),
      term: term.index + 1,
      dueOn: localDateKey(term.dueOn),
      amountCents: term.amountCents,
      outstandingCents: term.outstandingCents,
      graceEndedOn,
    },
  });
  const event = a.kind === 'promise' ? 'promiseBroken' : 'arrangementBroken';
  const reactions = declared(turn, event);
  if (!reactions.some(([r]) => COURSE_ACTIONS.has(r.then))) resumeCase(turn, causeOf({ event }));
  for (const [r, i] of reactions) applyReaction(turn, r, i, reactionTrigger(r, `event:${event}@${turn.at}`));
}
