import { MAX_DAYS_SCANNED } from './business-days.js';
import { addLocalDays, type LocalDate } from './local-date.js';

/**
 * The `n`-th local date after `start` (not counting `start` itself) for which `counts` holds; n = 0
 * returns `start`. Throws a RangeError when no such date comes within MAX_DAYS_SCANNED days.
 */
export function nthDateAfter(start: LocalDate, n: number, counts: (date: LocalDate) => boolean): LocalDate {
  if (!Number.isSafeInteger(n) || n < 0)
    throw new RangeError(`n must be a non-negative whole number, got ${n}`);
  let date = start;
  for (let found = 0, scanned = 0; found < n; scanned++) {
    if (scanned > MAX_DAYS_SCANNED + n) {
      throw new RangeError(`No matching day found within ${MAX_DAYS_SCANNED} days after the start date`);
    }
    date = addLocalDays(date, 1);
    if (counts(date)) found++;
  }
  return date;
}

/** The first local date on or after `start` for which `accept` holds. */
export function firstDateFrom(start: LocalDate, accept: (date: LocalDate) => boolean): LocalDate {
  let date = start;
  for (let scanned = 0; !accept(date); scanned++) {
    if (scanned > MAX_DAYS_SCANNED) {
      throw new RangeError(`No matching day found within ${MAX_DAYS_SCANNED} days from the start date`);
    }
    date = addLocalDays(date, 1);
  }
  return date;
}
