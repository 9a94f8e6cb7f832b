import { closedReasonOn } from './holidays.js';
import { addLocalDays, isWeekend, type LocalDate } from './local-date.js';
import type { CalendarSettings } from './types.js';
import { fromZonedParts, localDateOf, toZonedParts } from './zoned-time.js';

/** A local date is a business day when it is Monday–Friday, not a public holiday and not an extra closed date. */
export function isBusinessDate(date: LocalDate, cal: CalendarSettings): boolean {
  return !isWeekend(date) && closedReasonOn(date, cal) === undefined;
}

/** Whether the local date of `t` (in `cal.timezone`) is a business day. */
export function isBusinessDay(t: Date, cal: CalendarSettings): boolean {
  return isBusinessDate(localDateOf(t, cal.timezone), cal);
}

/** Guards loops over days against settings that would never produce an open day. */
export const MAX_DAYS_SCANNED = 3660;

/**
 * The `n`-th business day after `t`'s local date, at the same local wall-clock time. Friday + 1 is Monday;
 * a Saturday + 1 is Monday too (the first business day after it). n = 0 returns `t` unchanged.
 */
export function addBusinessDays(t: Date, n: number, cal: CalendarSettings): Date {
  if (n === 0) return new Date(t.getTime());
  const local = toZonedParts(t, cal.timezone);
  let date: LocalDate = local;
  let counted = 0;
  for (let scanned = 0; counted < n; scanned++) {
    if (scanned > MAX_DAYS_SCANNED + n) {
      throw new RangeError(`No business day found within ${MAX_DAYS_SCANNED} days: check extraClosedDates`);
    }
    date = addLocalDays(date, 1);
    if (isBusinessDate(date, cal)) counted++;
  }
  return fromZonedParts({ ...local, year: date.year, month: date.month, day: date.day }, cal.timezone);
}
