// Calendar-date arithmetic on day numbers (days since 1970-01-01), free of time zones and DST.
import { addLocalMonths } from '../calendar/local-date.js';
import { offsetAt } from '../calendar/zoned-time.js';

const MS_PER_DAY = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$/;

/** The zone whose calendar decides "today" unless a caller says otherwise. */
export const DEFAULT_TIME_ZONE = 'Europe/Amsterdam';

/** Day number of a 'YYYY-MM-DD' date (a trailing time part is ignored), or undefined if it is not a date. */
export function parseDay(text: string): number | undefined {
  const match = ISO_DATE.exec(text);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, day);
  const check = new Date(ms);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    return undefined;
  }
  return ms / MS_PER_DAY;
}

/** Like parseDay, but throws a RangeError naming `what` for anything that is not a date. */
export function requireDay(text: unknown, what: string): number {
  const day = typeof text === 'string' ? parseDay(text) : undefined;
  if (day === undefined)
    throw new RangeError(`${what} must be a date written YYYY-MM-DD, got ${JSON.stringify(text)}`);
  return day;
}

/**
 * Day number of the calendar date `instant` falls on in `timeZone`: the zone's offset comes from the
 * calendar's per-quarter-hour cache (zoned-time.ts), so CEL's "today" costs no Intl call per evaluation.
 */
export function dayInZone(instant: Date, timeZone: string = DEFAULT_TIME_ZONE): number {
  const ms = instant.getTime();
  if (Number.isNaN(ms)) throw new RangeError('the date is invalid');
  return Math.floor((ms + offsetAt(ms, timeZone)) / MS_PER_DAY);
}

/** 'YYYY-MM-DD' of a day number. */
export function formatDay(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** The same day of the month `months` months later (negative: earlier), clamped to the month's length. */
export function addMonths(day: number, months: number): number {
  const date = new Date(day * MS_PER_DAY);
  const local = { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
  const target = addLocalMonths(local, months);
  return Date.UTC(target.year, target.month - 1, target.day) / MS_PER_DAY;
}
