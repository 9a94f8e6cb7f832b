// Payment arrangements (betalingsregelingen): checking a proposed plan against a corporation's limits
// and building a plan of equal instalments. No statute sets these limits; they are the corporation's
// policy (see docs/collections-law.md), so every one is configured, none is assumed. Amounts are integer
// cents, dates local dates (Europe/Amsterdam).
import {
  addLocalDays,
  addLocalMonths,
  compareLocalDates,
  daysBetween,
  type LocalDate,
  localDateKey,
  parseLocalDate,
} from '../calendar/index.js';
import { createError } from '../errors/index.js';
import { formatMoney } from '../render/money.js';

export interface ArrangementTerm {
  dueOn: LocalDate;
  amountCents: number;
}

export interface ArrangementPlan {
  /** The debt the plan pays off. */
  totalCents: number;
  /** The instalments, earliest first; their amounts add up to totalCents. */
  terms: readonly ArrangementTerm[];
}

/** A corporation's limits for arrangements (Corporation spec.collections.arrangements). */
export interface ArrangementLimits {
  /** Most instalments a plan may have. */
  maxTerms: number;
  /** Least amount of one instalment. */
  minTermCents: number;
  /** Largest debt an arrangement may cover. */
  maxTotalCents: number;
  /** The first instalment is due at most this many days after the plan is made. */
  firstTermWithinDays: number;
}

export type ArrangementViolationCode =
  | 'not-eligible'
  | 'no-terms'
  | 'too-many-terms'
  | 'invalid-amount'
  | 'invalid-date'
  | 'term-too-small'
  | 'total-too-large'
  | 'terms-do-not-add-up'
  | 'term-in-the-past'
  | 'first-term-too-late'
  | 'terms-out-of-order';

/** One reason a plan is not acceptable, with the field it concerns ('terms[2].amountCents'). */
export interface Violation<C extends string = ArrangementViolationCode> {
  field: string;
  code: C;
  message: string;
}

export interface ValidationResult<C extends string = ArrangementViolationCode> {
  valid: boolean;
  violations: Violation<C>[];
}

/** Whether a debtor may have an arrangement: true, or false or a sentence saying why not. */
export type EligibilityCheck<D> = (debtor: D) => true | false | string;

export interface ArrangementContext<D> {
  /** The day the plan is made. */
  today: LocalDate;
  debtor: D;
  /** The corporation's rule for who qualifies, supplied by the caller. */
  qualifies: EligibilityCheck<D>;
}

/** Whether a value is a LocalDate naming a real calendar date. */
function isRealDate(date: LocalDate | undefined): date is LocalDate {
  if (!date || typeof date !== 'object') return false;
  return parseLocalDate(localDateKey(date)) !== undefined && date.year >= 1;
}

const euro = (cents: number) => formatMoney(cents, 'EUR', 'nl');

function requireWhole(value: number, field: string, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw createError('OST_ERR_LAW_INPUT', [
      field,
      `must be a whole number of at least ${min}, got ${String(value)}`,
      'fix the corporation configuration (spec.collections.arrangements)',
    ]);
  }
}

/** Throws OST_ERR_LAW_INPUT naming the field when a limit is not a sensible whole number. */
export function assertArrangementLimits(limits: ArrangementLimits): void {
  requireWhole(limits.maxTerms, 'limits.maxTerms', 1);
  requireWhole(limits.minTermCents, 'limits.minTermCents', 1);
  requireWhole(limits.maxTotalCents, 'limits.maxTotalCents', 1);
  requireWhole(limits.firstTermWithinDays, 'limits.firstTermWithinDays', 0);
}

/** Checks a proposed plan against the limits and the eligibility rule; lists every violation found. */
export function validateArrangement<D>(
  plan: ArrangementPlan,
  limits: ArrangementLimits,
  context: ArrangementContext<D>,
): ValidationResult {
  assertArrangementLimits(limits);
  const violations: Violation[] = [];
  const add = (field: string, code: ArrangementViolationCode, message: string) =>
    violations.push({ field, code, message });

  const verdict = context.qualifies(context.debtor);
  if (verdict !== true) {
    add(
      'debtor',
      'not-eligible',
      typeof verdict === 'string' ? verdict : 'the debtor does not qualify for an arrangement',
    );
  }
  if (!Number.isSafeInteger(plan.totalCents) || plan.totalCents <= 0) {
    add(
      'totalCents',
      'invalid-amount',
      `the total must be a positive whole number of cents, got ${String(plan.totalCents)}`,
    );
  } else if (plan.totalCents > limits.maxTotalCents) {
    add(
      'totalCents',
      'total-too-large',
      `the total ${euro(plan.totalCents)} is more than the maximum ${euro(limits.maxTotalCents)}`,
    );
  }
  if (plan.terms.length === 0) {
    add('terms', 'no-terms', 'a plan needs at least one instalment');
    return { valid: false, violations };
  }
  if (plan.terms.length > limits.maxTerms) {
    add(
      'terms',
      'too-many-terms',
      `${plan.terms.length} instalments is more than the maximum of ${limits.maxTerms}`,
    );
  }
  let sum = 0;
  plan.terms.forEach((term, i) => {
    const at = `terms[${i}]`;
    if (!Number.isSafeInteger(term.amountCents) || term.amountCents <= 0) {
      add(
        `${at}.amountCents`,
        'invalid-amount',
        `must be a positive whole number of cents, got ${String(term.amountCents)}`,
      );
    } else {
      sum += term.amountCents;
      if (term.amountCents < limits.minTermCents) {
        add(
          `${at}.amountCents`,
          'term-too-small',
          `${euro(term.amountCents)} is less than the minimum instalment ${euro(limits.minTermCents)}`,
        );
      }
    }
    if (!isRealDate(term.dueOn)) {
      add(`${at}.dueOn`, 'invalid-date', `is not a calendar date: ${JSON.stringify(term.dueOn)}`);
      return;
    }
    if (compareLocalDates(term.dueOn, context.today) < 0) {
      add(
        `${at}.dueOn`,
        'term-in-the-past',
        `${localDateKey(term.dueOn)} is before today (${localDateKey(context.today)})`,
      );
    }
    const previous = plan.terms[i - 1];
    if (previous && isRealDate(previous.dueOn) && compareLocalDates(term.dueOn, previous.dueOn) <= 0) {
      add(
        `${at}.dueOn`,
        'terms-out-of-order',
        `${localDateKey(term.dueOn)} is not after the previous instalment (${localDateKey(previous.dueOn)})`,
      );
    }
  });
  const first = plan.terms[0]!;
  const latestFirst = addLocalDays(context.today, limits.firstTermWithinDays);
  if (isRealDate(first.dueOn) && daysBetween(context.today, first.dueOn) > limits.firstTermWithinDays) {
    add(
      'terms[0].dueOn',
      'first-term-too-late',
      `the first instalment is due ${localDateKey(first.dueOn)}, later than ${localDateKey(latestFirst)} (${limits.firstTermWithinDays} days from today)`,
    );
  }
  if (
    Number.isSafeInteger(plan.totalCents) &&
    sum !== plan.totalCents &&
    violations.every((v) => v.code !== 'invalid-amount')
  ) {
    add(
      'terms',
      'terms-do-not-add-up',
      `the instalments add up to ${euro(sum)}, not the total ${euro(plan.totalCents)}`,
    );
  }
  return { valid: violations.length === 0, violations };
}

/** How far apart instalments are: whole calendar months (same day, clamped to month end) or days. */
export type InstalmentInterval = { months: number } | { days: number };

/**
 * A plan of `termCount` instalments for `totalCents`, the first due on `firstDueOn`. The instalments
 * differ by at most one cent: the total is divided evenly and the remainder goes one cent each to the
 * earliest instalments, so the sum is exact and no later instalment is larger than an earlier one.
 * Monthly due dates are counted from the first (31 January, 28 February, 31 March), never chained.
 */
export function equalInstalments(
  totalCents: number,
  termCount: number,
  firstDueOn: LocalDate,
  every: InstalmentInterval = { months: 1 },
): ArrangementPlan {
  requireWhole(totalCents, 'totalCents', 1);
  requireWhole(termCount, 'termCount', 1);
  if (termCount > totalCents) {
    throw createError('OST_ERR_LAW_INPUT', [
      'termCount',
      `${termCount} instalments cannot each be at least one cent of ${totalCents} cents`,
      'use fewer instalments',
    ]);
  }
  const step = 'months' in every ? every.months : every.days;
  requireWhole(step, 'months' in every ? 'every.months' : 'every.days', 1);
  const base = Math.floor(totalCents / termCount);
  const remainder = totalCents - base * termCount;
  const terms = Array.from({ length: termCount }, (_, i) => ({
    dueOn: 'months' in every ? addLocalMonths(firstDueOn, i * step) : addLocalDays(firstDueOn, i * step),
    amountCents: base + (i < remainder ? 1 : 0),
  }));
  return { totalCents, terms };
}
