// The check timer of a running arrangement or promise: a `watch` for ARRANGEMENT_WATCH at the start of
// the day after the grace period of the earliest instalment not yet paid in time. A pause cancels a
// case's timers, so pausing arms it again (actions.ts), as it does the freeze's end timer.
import {
  addLocalDays,
  fromZonedParts,
  type LocalDate,
  localDateOf,
  parseLocalDate,
} from '../calendar/index.js';
import { createError } from '../errors/index.js';
import { type ArrangementStatus, arrangementStatus, termAwaited } from '../law/arrangement-status.js';
import { emit, type Turn } from './turn.js';
import { ARRANGEMENT_REMINDER_WATCH, ARRANGEMENT_WATCH, type CaseArrangement } from './types.js';

/** The zone of the corporation's calendar; dates of a plan are local dates there. */
export const zoneOf = (turn: Turn): string => turn.ctx.calendar.timezone ?? 'Europe/Amsterdam';

export const today = (turn: Turn): LocalDate => localDateOf(turn.ctx.now, zoneOf(turn));

/** A stored plan's date; one that does not read is a plan the rule cannot judge. */
function day(text: string, field: string): LocalDate {
  const d = parseLocalDate(text);
  if (!d)
    throw createError('OST_ERR_LAW_INPUT', [
      field,
      `${JSON.stringify(text)} is not a date`,
      'store YYYY-MM-DD',
    ]);
  return d;
}

/**
 * Where a stored plan stands on day `on`, by the one implementation of the rule
 * (core/law/arrangement-status.ts): the engine's timers and the templates' `arrangement.*` read it.
 */
export function arrangementStatusOn(a: CaseArrangement, on: LocalDate): ArrangementStatus {
  return arrangementStatus(
    {
      totalCents: a.totalCents,
      terms: a.terms.map((t) => ({ dueOn: day(t.dueOn, 'terms.dueOn'), amountCents: t.amountCents })),
    },
    (a.payments ?? []).map((p) => ({ paidOn: day(p.paidOn, 'payments.paidOn'), amountCents: p.amountCents })),
    on,
    a.graceDays,
  );
}

/** Where the plan stands today. */
export const statusToday = (turn: Turn, a: CaseArrangement): ArrangementStatus =>
  arrangementStatusOn(a, today(turn));

/** Sets the check timer of the case's arrangement, if one runs and is not yet settled. */
export function armArrangementCheck(turn: Turn): void {
  const a = turn.state.arrangement;
  if (!a) return;
  const status = statusToday(turn, a);
  const term = termAwaited(status);
  if (!term) return;
  const firstLateDay = addLocalDays(term.dueOn, a.graceDays + 1);
  const at = fromZonedParts({ ...firstLateDay, hour: 0, minute: 0, second: 0, millisecond: 0 }, zoneOf(turn));
  emit(turn, { type: 'watch', messageId: ARRANGEMENT_WATCH, reaction: -1, at: at.toISOString() });
  armReminder(turn);
}

/**
 * The flow's reminder before the next instalment not yet paid (spec.arrangement.reminder): daysBefore
 * days before its due date at 09:00 local time, when that is still ahead and the instalment not paid.
 */
export function armReminder(turn: Turn): void {
  const a = turn.state.arrangement;
  const reminder = turn.flow.arrangementReminder;
  if (!a || !reminder || a.kind !== 'plan') return;
  const status = statusToday(turn, a);
  if (status.kind !== 'on-track' || status.nextTerm.outstandingCents <= 0) return;
  const day = addLocalDays(status.nextTerm.dueOn, -reminder.daysBefore);
  const at = fromZonedParts({ ...day, hour: 9, minute: 0, second: 0, millisecond: 0 }, zoneOf(turn));
  if (at.getTime() <= turn.ctx.now.getTime()) return;
  emit(turn, { type: 'watch', messageId: ARRANGEMENT_REMINDER_WATCH, reaction: -1, at: at.toISOString() });
}
