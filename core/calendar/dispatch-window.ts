import { MAX_DAYS_SCANNED } from './business-days.js';
import { assertCalendar, closedReasonOn } from './holidays.js';
import { addLocalDays, type LocalDate, localDateKey, WEEKDAYS, weekdayOf } from './local-date.js';
import type { CalendarSettings, DispatchWindow, Weekday } from './types.js';
import { findOffsetChange, fromZonedParts, possibleInstants, toZonedParts } from './zoned-time.js';

const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = 86_400_000;

interface CompiledWindow {
  days: ReadonlySet<Weekday>;
  fromMinute: number;
  toMinute: number;
  skipHolidays: boolean;
}

function parseClock(text: unknown, allowEndOfDay: boolean): number | undefined {
  if (typeof text !== 'string') return undefined;
  if (allowEndOfDay && text === '24:00') return 24 * 60;
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  return m ? Number(m[1]) * 60 + Number(m[2]) : undefined;
}

/**
 * Checks a dispatch window and throws an Error saying what is wrong: unknown days, times that are not
 * 'HH:MM', or a window that can never open (no days, `from` not before `to`).
 */
function compileWindow(w: DispatchWindow): CompiledWindow {
  const fromMinute = parseClock(w.from, false);
  const toMinute = parseClock(w.to, true);
  if (fromMinute === undefined) {
    throw new RangeError(`Invalid dispatch window: from '${w.from}' is not 'HH:MM'`);
  }
  if (toMinute === undefined) {
    throw new RangeError(`Invalid dispatch window: to '${w.to}' is not 'HH:MM' (or '24:00')`);
  }
  for (const day of w.days) {
    if (!WEEKDAYS.includes(day)) {
      throw new RangeError(`Invalid dispatch window: unknown day '${day}' (use ${WEEKDAYS.join(', ')})`);
    }
  }
  if (w.days.length === 0) throw new RangeError('Dispatch window can never open: it has no days');
  if (fromMinute >= toMinute) {
    throw new RangeError(
      `Dispatch window can never open: from ${w.from} is not before to ${w.to} (to is exclusive and must be later)`,
    );
  }
  return { days: new Set(w.days), fromMinute, toMinute, skipHolidays: w.skipHolidays };
}

/** Throws when the window is malformed or can never open; see nextWindowOpening. */
export function assertDispatchWindow(w: DispatchWindow): void {
  compileWindow(w);
}

function dayIsOpen(date: LocalDate, spec: CompiledWindow, cal: CalendarSettings): boolean {
  if (!spec.days.has(weekdayOf(date))) return false;
  return !(spec.skipHolidays && closedReasonOn(date, cal) !== undefined);
}

function insideAt(epochMs: number, spec: CompiledWindow, cal: CalendarSettings): boolean {
  const z = toZonedParts(new Date(epochMs), cal.timezone);
  const msOfDay = ((z.hour * 60 + z.minute) * 60 + z.second) * 1000 + z.millisecond;
  if (msOfDay < spec.fromMinute * MS_PER_MINUTE || msOfDay >= spec.toMinute * MS_PER_MINUTE) return false;
  return dayIsOpen(z, spec, cal);
}

/**
 * Whether `t` is inside the window: its local weekday (in cal.timezone) is one of the window's days, its
 * local time is in [from, to), and — when skipHolidays — its local date is neither a public holiday nor an
 * extra closed date.
 */
export function isInsideWindow(t: Date, w: DispatchWindow, cal: CalendarSettings): boolean {
  const spec = compileWindow(w);
  assertCalendar(cal);
  return insideAt(t.getTime(), spec, cal);
}

/**
 * The instants on local date `date` at which the window can start being open: the local opening time
 * (twice when it repeats in a DST overlap; the end of the gap when it falls in a DST gap) and a DST
 * fall-back transition, at which the local clock can jump back into the window.
 */
function openingCandidates(date: LocalDate, spec: CompiledWindow, timeZone: string): number[] {
  const opening = {
    ...date,
    hour: Math.floor(spec.fromMinute / 60),
    minute: spec.fromMinute % 60,
    second: 0,
    millisecond: 0,
  };
  const candidates = possibleInstants(opening, timeZone);
  if (candidates.length === 0) {
    candidates.push(fromZonedParts(opening, timeZone, { gap: 'next-valid' }).getTime());
  }
  const midnightWall = Date.parse(`${localDateKey(date)}T00:00:00Z`);
  const transition = findOffsetChange(midnightWall - MS_PER_DAY, midnightWall + 2 * MS_PER_DAY, timeZone);
  if (transition !== undefined) candidates.push(transition);
  return candidates;
}

/**
 * The first instant >= t inside the window (see isInsideWindow); `t` itself when it is inside. Local days
 * and times are read in cal.timezone, so the UTC result moves with DST. A local opening time that does
 * not exist on a DST day opens at the end of the gap. Throws when the window can never open.
 */
export function nextWindowOpening(t: Date, w: DispatchWindow, cal: CalendarSettings): Date {
  const spec = compileWindow(w);
  assertCalendar(cal);
  const start = t.getTime();
  if (Number.isNaN(start)) throw new RangeError('Invalid Date: the calendar needs a real instant');
  if (insideAt(start, spec, cal)) return new Date(start);
  const firstDate = toZonedParts(t, cal.timezone);
  for (let i = 0; i <= MAX_DAYS_SCANNED; i++) {
    const date = addLocalDays(firstDate, i);
    if (!dayIsOpen(date, spec, cal)) continue;
    const key = localDateKey(date);
    let best: number | undefined;
    for (const c of openingCandidates(date, spec, cal.timezone)) {
      if (c < start || (best !== undefined && c >= best)) continue;
      if (localDateKey(toZonedParts(new Date(c), cal.timezone)) !== key) continue;
      if (insideAt(c, spec, cal)) best = c;
    }
    if (best !== undefined) return new Date(best);
  }
  throw new RangeError(
    `Dispatch window never opens within ${MAX_DAYS_SCANNED} days after ${t.toISOString()}: check its days and extraClosedDates`,
  );
}

const DAY_LABEL: Record<Weekday, string> = {
  mon: 'Mon',
  tue: 'Tue',
  wed: 'Wed',
  thu: 'Thu',
  fri: 'Fri',
  sat: 'Sat',
  sun: 'Sun',
};

/** Human description of a window, e.g. 'Mon–Fri 09:00–17:00 Europe/Amsterdam' or 'Mon, Wed, Fri 08:30–12:00 UTC'. */
export function describeWindow(w: DispatchWindow, timeZone: string): string {
  const days = new Set(w.days);
  const runs: string[] = [];
  let run: Weekday[] = [];
  const flush = (): void => {
    const first = run[0];
    const last = run[run.length - 1];
    if (first && last) {
      if (run.length >= 3) runs.push(`${DAY_LABEL[first]}–${DAY_LABEL[last]}`);
      else runs.push(...run.map((d) => DAY_LABEL[d]));
    }
    run = [];
  };
  for (const day of WEEKDAYS) {
    if (days.has(day)) run.push(day);
    else flush();
  }
  flush();
  return `${runs.join(', ')} ${w.from}–${w.to} ${timeZone}`;
}
