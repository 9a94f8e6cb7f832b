import { addBusinessDays } from './business-days.js';
import { addLocalDays } from './local-date.js';
import type { CalendarSettings, Duration } from './types.js';
import { fromZonedParts, toZonedParts } from './zoned-time.js';

const UNITS = { d: 'days', bd: 'businessDays', h: 'hours', m: 'minutes' } as const satisfies Record<
  string,
  keyof Duration
>;
type Unit = keyof typeof UNITS;

const HELP =
  "expected whole numbers with units d (days), bd (business days), h (hours) or m (minutes), e.g. '5d', '3bd', '2h', '30m', '1d12h'";

/**
 * Parses a compact duration: '5d', '3bd' (business days), '2h', '30m', or combinations such as '1d12h'
 * (each unit at most once; spaces between parts allowed). Throws a TypeError naming the bad text.
 */
export function parseFlowDuration(text: string): Duration {
  if (typeof text !== 'string') throw new TypeError(`Invalid duration ${String(text)}: ${HELP}`);
  const compact = text.trim();
  const part = /(\d+)\s*(bd|d|h|m)\s*/y;
  const result: Duration = {};
  let pos = 0;
  if (compact === '') throw new TypeError(`Invalid duration "${text}": ${HELP}`);
  while (pos < compact.length) {
    part.lastIndex = pos;
    const m = part.exec(compact);
    if (!m) throw new TypeError(`Invalid duration "${text}": ${HELP}`);
    const key = UNITS[m[2] as Unit];
    if (result[key] !== undefined)
      throw new TypeError(`Invalid duration "${text}": unit '${m[2]}' appears twice`);
    const value = Number(m[1]);
    if (!Number.isSafeInteger(value)) throw new TypeError(`Invalid duration "${text}": ${m[1]} is too large`);
    result[key] = value;
    pos = part.lastIndex;
  }
  return result;
}

/** The compact text of a duration ('1d12h'); '0m' for an empty duration. Inverse of parseFlowDuration. */
export function formatDuration(d: Duration): string {
  checkDuration(d);
  const text = (Object.entries(UNITS) as [Unit, keyof Duration][])
    .filter(([, key]) => (d[key] ?? 0) !== 0)
    .map(([unit, key]) => `${d[key]}${unit}`)
    .join('');
  return text === '' ? '0m' : text;
}

function checkDuration(d: Duration): void {
  for (const key of Object.values(UNITS)) {
    const v = d[key];
    if (v !== undefined && !(Number.isSafeInteger(v) && v >= 0)) {
      throw new RangeError(`Invalid duration: ${key} must be a non-negative whole number, got ${v}`);
    }
  }
}

/**
 * Adds a duration in the calendar's time zone, in this order:
 * - days: calendar days at the same local wall-clock time (10:00 stays 10:00 across a DST change;
 *   a time that falls in a DST gap moves forward by the gap, a repeated time takes its first occurrence);
 * - businessDays: the n-th business day after (skipping weekends, public holidays, extra closed dates),
 *   at the same local wall-clock time;
 * - hours and minutes: absolute elapsed time.
 */
export function addDuration(start: Date, d: Duration, cal: CalendarSettings): Date {
  checkDuration(d);
  let t = new Date(start.getTime());
  if (Number.isNaN(t.getTime())) throw new RangeError('Invalid Date: the calendar needs a real instant');
  if (d.days) {
    const local = toZonedParts(t, cal.timezone);
    const date = addLocalDays(local, d.days);
    t = fromZonedParts({ ...local, year: date.year, month: date.month, day: date.day }, cal.timezone);
  }
  if (d.businessDays) t = addBusinessDays(t, d.businessDays, cal);
  const elapsedMs = (d.hours ?? 0) * 3_600_000 + (d.minutes ?? 0) * 60_000;
  return elapsedMs === 0 ? t : new Date(t.getTime() + elapsedMs);
}
