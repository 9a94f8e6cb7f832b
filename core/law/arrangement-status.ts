// Where an arrangement stands on a given day: payments are matched to the instalments in order (each
// payment fills the earliest instalment not yet paid, any surplus flows into the next), and each
// instalment has a grace period of `graceDays` calendar days after its due date (a payment on the last
// day of grace is in time). The first instalment not paid by the end of its grace breaks the plan; a plan
// paid in full is completed, even if an instalment was late.
import { addLocalDays, compareLocalDates, type LocalDate } from '../calendar/index.js';
import { createError } from '../errors/index.js';
import type { ArrangementPlan } from './arrangement-plan.js';

/** Corporation spec.collections.arrangements defaults (the CRD's defaults; docs/collections-law.md § 3). */
export const ARRANGEMENT_DEFAULTS = { graceDays: 7 } as const;

export interface Payment {
  paidOn: LocalDate;
  amountCents: number;
}

export interface TermPosition {
  /** 0-based index in plan.terms. */
  index: number;
  dueOn: LocalDate;
  amountCents: number;
  /** What is still unpaid of this instalment. */
  outstandingCents: number;
}

interface Totals {
  /** Everything paid up to the day asked about. */
  paidCents: number;
  /** What is left of the plan's total. */
  remainingCents: number;
}

export type ArrangementStatus =
  | ({ kind: 'completed'; completedOn: LocalDate } & Totals)
  | ({ kind: 'on-track'; nextTerm: TermPosition } & Totals)
  | ({ kind: 'term-missed-in-grace'; term: TermPosition; graceEndsOn: LocalDate } & Totals)
  | ({ kind: 'broken'; term: TermPosition; graceEndedOn: LocalDate } & Totals);

export function requirePayments(payments: readonly Payment[]): void {
  payments.forEach((p, i) => {
    if (!Number.isSafeInteger(p.amountCents) || p.amountCents <= 0) {
      throw createError('OST_ERR_LAW_INPUT', [
        `payments[${i}].amountCents`,
        `must be a positive whole number of cents, got ${String(p.amountCents)}`,
        'pass each payment as integer cents',
      ]);
    }
  });
}

export function requireGraceDays(graceDays: number): void {
  if (!Number.isSafeInteger(graceDays) || graceDays < 0) {
    throw createError('OST_ERR_LAW_INPUT', [
      'graceDays',
      `must be a whole number of days, 0 or more, got ${String(graceDays)}`,
      'fix the corporation configuration (spec.collections.arrangements.graceDays)',
    ]);
  }
}

/** Payments made on or before `on`, earliest first (payments of one day keep their order). */
export function paymentsUpTo(payments: readonly Payment[], on: LocalDate): Payment[] {
  return payments
    .filter((p) => compareLocalDates(p.paidOn, on) <= 0)
    .sort((a, b) => compareLocalDates(a.paidOn, b.paidOn));
}

/** The day on which the payments first add up to `cents`, or undefined if they never do. */
export function dayReaching(sortedPayments: readonly Payment[], cents: number): LocalDate | undefined {
  let sum = 0;
  for (const p of sortedPayments) {
    sum += p.amountCents;
    if (sum >= cents) return p.paidOn;
  }
  return undefined;
}

/** How much of each instalment `paidCents` covers: payments fill the earliest instalment first. */
export function allocateToTerms(termAmounts: readonly number[], paidCents: number): number[] {
  let left = Math.max(0, paidCents);
  return termAmounts.map((amount) => {
    const paid = Math.min(amount, left);
    left -= paid;
    return paid;
  });
}

/** The status of an arrangement on day `on`, given every payment made towards it. */
export function arrangementStatus(
  plan: ArrangementPlan,
  payments: readonly Payment[],
  on: LocalDate,
  graceDays: number,
): ArrangementStatus {
  requirePayments(payments);
  requireGraceDays(graceDays);
  if (plan.terms.length === 0) {
    throw createError('OST_ERR_LAW_INPUT', ['terms', 'the plan has no instalments', 'build the plan first']);
  }
  const paid = paymentsUpTo(payments, on);
  const paidCents = paid.reduce((sum, p) => sum + p.amountCents, 0);
  const totals: Totals = { paidCents, remainingCents: Math.max(0, plan.totalCents - paidCents) };
  let cumulative = 0;
  let last: LocalDate = on;
  const positions = plan.terms.map((term, index) => {
    const before = cumulative;
    cumulative += term.amountCents;
    const outstandingCents = Math.min(
      term.amountCents,
      Math.max(0, cumulative - Math.max(paidCents, before)),
    );
    const coveredOn = dayReaching(paid, cumulative);
    if (coveredOn) last = coveredOn;
    return {
      position: { index, dueOn: term.dueOn, amountCents: term.amountCents, outstandingCents },
      coveredOn,
    };
  });
  if (paidCents >= plan.totalCents) return { kind: 'completed', completedOn: last, ...totals };

  for (const { position, coveredOn } of positions) {
    const graceEnd = addLocalDays(position.dueOn, graceDays);
    if (coveredOn !== undefined && compareLocalDates(coveredOn, graceEnd) <= 0) continue;
    if (compareLocalDates(on, graceEnd) > 0)
      return { kind: 'broken', term: position, graceEndedOn: graceEnd, ...totals };
    if (compareLocalDates(on, position.dueOn) > 0) {
      return { kind: 'term-missed-in-grace', term: position, graceEndsOn: graceEnd, ...totals };
    }
    return { kind: 'on-track', nextTerm: position, ...totals };
  }
  // Every instalment is covered in time but the total is not reached: the terms add up to less than it.
  throw createError('OST_ERR_LAW_INPUT', [
    'terms',
    'the instalments add up to less than the total',
    'validate the plan with validateArrangement before tracking it',
  ]);
}

/** The instalment the plan waits on: the next one not yet due, or the one late within its grace; none once settled. */
export function termAwaited(status: ArrangementStatus): TermPosition | undefined {
  if (status.kind === 'on-track') return status.nextTerm;
  if (status.kind === 'term-missed-in-grace') return status.term;
  return undefined;
}
