// A promise to pay (betaalbelofte): the debtor names a day by which an amount will be paid. The day must
// lie within the corporation's limit; the promise is kept once payments made since it add up to the
// amount by the promised day plus `graceDays`, and broken on the day after that without full payment.
import {
  addLocalDays,
  compareLocalDates,
  daysBetween,
  type LocalDate,
  localDateKey,
} from '../calendar/index.js';
import { createError } from '../errors/index.js';
import { formatMoney } from '../render/money.js';
import type { ValidationResult, Violation } from './arrangement-plan.js';
import {
  dayReaching,
  type Payment,
  paymentsUpTo,
  requireGraceDays,
  requirePayments,
} from './arrangement-status.js';

/** Corporation spec.collections.promises defaults (the CRD's defaults; docs/collections-law.md § 3). */
export const PROMISE_DEFAULTS = { maxDaysAhead: 14, graceDays: 3 } as const;

export interface PaymentPromise {
  /** The day the promise was made; payments before it do not count towards it. */
  madeOn: LocalDate;
  /** The day the debtor promises to have paid by. */
  promisedOn: LocalDate;
  amountCents: number;
}

/** A corporation's limits for promises to pay (Corporation spec.collections.promises). */
export interface PromiseLimits {
  /** The promised day lies at most this many days after the day the promise is made. */
  maxDaysAhead: number;
  /** Least amount a promise must cover (e.g. the arrears); 1 cent when absent. */
  minAmountCents?: number;
}

export type PromiseViolationCode =
  | 'invalid-amount'
  | 'amount-too-small'
  | 'date-in-the-past'
  | 'date-too-far';

export type PromiseStatus =
  | { kind: 'kept'; keptOn: LocalDate; paidCents: number }
  | { kind: 'pending'; graceEndsOn: LocalDate; inGrace: boolean; paidCents: number; outstandingCents: number }
  | { kind: 'broken'; brokenOn: LocalDate; paidCents: number; outstandingCents: number };

const euro = (cents: number) => formatMoney(cents, 'EUR', 'nl');

/** Checks a promise against the corporation's limits; lists every violation with its field. */
export function validatePromise(
  promise: PaymentPromise,
  limits: PromiseLimits,
): ValidationResult<PromiseViolationCode> {
  if (!Number.isSafeInteger(limits.maxDaysAhead) || limits.maxDaysAhead < 0) {
    throw createError('OST_ERR_LAW_INPUT', [
      'limits.maxDaysAhead',
      `must be a whole number of days, 0 or more, got ${String(limits.maxDaysAhead)}`,
      'fix the corporation configuration (spec.collections.promises.maxDaysAhead)',
    ]);
  }
  const violations: Violation<PromiseViolationCode>[] = [];
  const minimum = limits.minAmountCents ?? 1;
  if (!Number.isSafeInteger(promise.amountCents) || promise.amountCents <= 0) {
    violations.push({
      field: 'amountCents',
      code: 'invalid-amount',
      message: `must be a positive whole number of cents, got ${String(promise.amountCents)}`,
    });
  } else if (promise.amountCents < minimum) {
    violations.push({
      field: 'amountCents',
      code: 'amount-too-small',
      message: `${euro(promise.amountCents)} is less than the minimum ${euro(minimum)}`,
    });
  }
  const ahead = daysBetween(promise.madeOn, promise.promisedOn);
  if (ahead < 0) {
    violations.push({
      field: 'promisedOn',
      code: 'date-in-the-past',
      message: `${localDateKey(promise.promisedOn)} is before the day the promise is made (${localDateKey(promise.madeOn)})`,
    });
  } else if (ahead > limits.maxDaysAhead) {
    violations.push({
      field: 'promisedOn',
      code: 'date-too-far',
      message: `${localDateKey(promise.promisedOn)} is ${ahead} days ahead; at most ${limits.maxDaysAhead} are allowed (${localDateKey(addLocalDays(promise.madeOn, limits.maxDaysAhead))})`,
    });
  }
  return { valid: violations.length === 0, violations };
}

/** Whether a promise is kept, still open, or broken on day `on`, given the debtor's payments. */
export function promiseStatus(
  promise: PaymentPromise,
  payments: readonly Payment[],
  on: LocalDate,
  graceDays: number,
): PromiseStatus {
  requirePayments(payments);
  requireGraceDays(graceDays);
  const graceEndsOn = addLocalDays(promise.promisedOn, graceDays);
  const counted = paymentsUpTo(payments, on).filter(
    (p) => compareLocalDates(p.paidOn, promise.madeOn) >= 0 && compareLocalDates(p.paidOn, graceEndsOn) <= 0,
  );
  const paidCents = counted.reduce((sum, p) => sum + p.amountCents, 0);
  const keptOn = dayReaching(counted, promise.amountCents);
  if (keptOn) return { kind: 'kept', keptOn, paidCents };
  const outstandingCents = promise.amountCents - paidCents;
  if (compareLocalDates(on, graceEndsOn) > 0) {
    return { kind: 'broken', brokenOn: addLocalDays(graceEndsOn, 1), paidCents, outstandingCents };
  }
  return {
    kind: 'pending',
    graceEndsOn,
    inGrace: compareLocalDates(on, promise.promisedOn) > 0,
    paidCents,
    outstandingCents,
  };
}
