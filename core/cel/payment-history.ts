import { addMonths, DEFAULT_TIME_ZONE, dayInZone, requireDay } from './dates.js';

/** One period of a debtor's payment history as the ERP reports it. */
export interface PaymentHistoryEntry {
  /** YYYY-MM-DD */
  dueDate: string;
  /** YYYY-MM-DD; absent (or '') while unpaid. */
  paidDate?: string;
  /** Minor units (cents). */
  amount: number;
}

/** What CEL expressions see as `history`. */
export interface PaymentHistorySummary {
  /** Entries due within the window (up to and including asOf). */
  periods: number;
  /** Entries paid after their due date, plus entries still unpaid past it. */
  timesLate: number;
  /** Largest delay in days; an unpaid entry counts its days up to asOf. 0 when none. */
  maxDaysLate: number;
  /** Mean delay in days over the late entries, rounded to two decimals; 0 when none. */
  avgDaysLate: number;
  /** Entries past their due date without a payment (a subset of timesLate). */
  unpaidCount: number;
  /** Sum of the late entries' amounts, minor units. */
  totalLateAmount: number;
  /** How many of the most recent settled periods in a row were paid on time. */
  onTimeStreak: number;
}

export interface SummarizeOptions {
  /** Zone that decides the calendar date of a Date `asOf`; default Europe/Amsterdam. */
  timeZone?: string;
}

export const EMPTY_PAYMENT_HISTORY: Readonly<PaymentHistorySummary> = Object.freeze({
  periods: 0,
  timesLate: 0,
  maxDaysLate: 0,
  avgDaysLate: 0,
  unpaidCount: 0,
  totalLateAmount: 0,
  onTimeStreak: 0,
});

type Status = 'on-time' | 'late' | 'unpaid' | 'pending';

/**
 * Summarizes the entries whose dueDate lies within the `months` months before `asOf`: after the same day
 * `months` months earlier, up to and including asOf (so monthly rent gives `months` periods whatever the day).
 * - late: paidDate > dueDate; days late = paidDate − dueDate
 * - unpaid: no paidDate (or one after asOf, which asOf cannot know yet) and dueDate < asOf; days late are
 *   counted up to asOf, and it counts as late too
 * - pending: due on asOf itself and not paid yet: neither late nor on time
 * `asOf` is a Date (its calendar date in options.timeZone) or a 'YYYY-MM-DD' string.
 */
export function summarizePaymentHistory(
  entries: readonly PaymentHistoryEntry[],
  asOf: Date | string,
  months = 6,
  options: SummarizeOptions = {},
): PaymentHistorySummary {
  if (!Number.isInteger(months) || months < 1) {
    throw new RangeError(`months must be a positive whole number, got ${months}`);
  }
  const today =
    typeof asOf === 'string'
      ? requireDay(asOf, 'asOf')
      : dayInZone(asOf, options.timeZone ?? DEFAULT_TIME_ZONE);
  const windowStart = addMonths(today, -months);

  const periods: { due: number; status: Status; daysLate: number; amount: number }[] = [];
  entries.forEach((entry, i) => {
    const due = requireDay(entry.dueDate, `payment history entry ${i} dueDate`);
    if (due <= windowStart || due > today) return;
    const paid =
      entry.paidDate === undefined || entry.paidDate === ''
        ? undefined
        : requireDay(entry.paidDate, `payment history entry ${i} paidDate`);
    if (paid !== undefined && paid <= today) {
      const late = paid > due;
      periods.push({
        due,
        status: late ? 'late' : 'on-time',
        daysLate: late ? paid - due : 0,
        amount: entry.amount,
      });
    } else if (due < today) {
      periods.push({ due, status: 'unpaid', daysLate: today - due, amount: entry.amount });
    } else {
      periods.push({ due, status: 'pending', daysLate: 0, amount: entry.amount });
    }
  });

  const late = periods.filter((p) => p.status === 'late' || p.status === 'unpaid');
  const totalDaysLate = late.reduce((sum, p) => sum + p.daysLate, 0);

  let onTimeStreak = 0;
  for (const period of [...periods].sort((a, b) => b.due - a.due)) {
    if (period.status === 'pending') continue;
    if (period.status !== 'on-time') break;
    onTimeStreak++;
  }

  return {
    periods: periods.length,
    timesLate: late.length,
    maxDaysLate: late.reduce((max, p) => Math.max(max, p.daysLate), 0),
    avgDaysLate: late.length === 0 ? 0 : Math.round((totalDaysLate / late.length) * 100) / 100,
    unpaidCount: periods.filter((p) => p.status === 'unpaid').length,
    totalLateAmount: late.reduce((sum, p) => sum + p.amount, 0),
    onTimeStreak,
  };
}

/** True for a value shaped like a PaymentHistorySummary rather than a list of entries. */
export function isPaymentHistorySummary(value: unknown): value is PaymentHistorySummary {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'timesLate' in value;
}
