import { type LocalDate, weekdayOf } from './local-date.js';
import type { Weekday } from './types.js';

/** A local wall-clock date and time (month 1-12, hour 0-23). */
export interface LocalDateTime extends LocalDate {
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

/** The local wall-clock reading of an instant in a time zone. */
export interface ZonedParts extends LocalDateTime {
  weekday: Weekday;
  /** Local time minus UTC, in milliseconds (e.g. 3_600_000 for CET, 7_200_000 for CEST). */
  offsetMs: number;
}

/**
 * How to map a local time that does not exist or exists twice:
 * - gap 'shift' (default): move forward by the length of the gap (02:30 in a 02:00→03:00 jump becomes 03:30),
 *   so a wall-clock time keeps its distance to the previous local midnight;
 * - gap 'next-valid': the first instant whose local time is later than the requested one (the transition,
 *   03:00 local in that example) — what a window opening at 02:30 means on that day;
 * - overlap 'earlier' (default) / 'later': the first or second occurrence of a repeated local time.
 */
export interface Disambiguation {
  gap?: 'shift' | 'next-valid';
  overlap?: 'earlier' | 'later';
}

const MS_PER_DAY = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        era: 'short',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw new RangeError(
        `Unknown time zone '${timeZone}': expected an IANA name such as 'Europe/Amsterdam'`,
      );
    }
    formatters.set(timeZone, f);
  }
  return f;
}

/** Throws a RangeError naming the zone when it is not a time zone Intl knows. */
export function assertTimeZone(timeZone: string): void {
  formatterFor(timeZone);
}

function floorMod(a: number, b: number): number {
  return ((a % b) + b) % b;
}

/** Local wall-clock fields of `epochMs` read as if they were UTC fields, in ms (seconds resolution). */
function wallClockMs(epochMs: number, timeZone: string): number {
  const fields: Record<string, string> = {};
  for (const p of formatterFor(timeZone).formatToParts(new Date(epochMs))) fields[p.type] = p.value;
  let year = Number(fields['year']);
  if (fields['era'] === 'BC' || fields['era'] === 'B') year = 1 - year;
  const d = new Date(0);
  d.setUTCFullYear(year, Number(fields['month']) - 1, Number(fields['day']));
  d.setUTCHours(Number(fields['hour']), Number(fields['minute']), Number(fields['second']), 0);
  return d.getTime();
}

/**
 * Since 1980 every zone's offset is a whole number of quarter hours and changes at a local hh:00, hh:30
 * or hh:45, so within one UTC quarter hour the offset is the same: it is read once per quarter hour and
 * zone (Intl's formatToParts is the simulator's and replay's hottest call). Earlier instants, with odd
 * local-mean-time offsets, are always read directly.
 */
const QUARTER_HOUR_MS = 900_000;
const CACHE_FROM_MS = Date.UTC(1980, 0, 1);
const CACHE_LIMIT = 50_000;
const offsets = new Map<string, Map<number, number>>();

function directOffset(epochMs: number, timeZone: string): number {
  const wholeSecond = epochMs - floorMod(epochMs, 1000);
  return wallClockMs(wholeSecond, timeZone) - wholeSecond;
}

/** Offset (local minus UTC) in ms at an instant. */
export function offsetAt(epochMs: number, timeZone: string): number {
  if (epochMs < CACHE_FROM_MS) return directOffset(epochMs, timeZone);
  const quarter = epochMs - floorMod(epochMs, QUARTER_HOUR_MS);
  let zone = offsets.get(timeZone);
  if (zone === undefined) {
    zone = new Map();
    offsets.set(timeZone, zone);
  }
  let offset = zone.get(quarter);
  if (offset === undefined) {
    if (zone.size >= CACHE_LIMIT) zone.clear();
    offset = directOffset(quarter, timeZone);
    zone.set(quarter, offset);
  }
  return offset;
}

function asUtcMs(l: LocalDateTime): number {
  const d = new Date(0);
  d.setUTCFullYear(l.year, l.month - 1, l.day);
  d.setUTCHours(l.hour, l.minute, l.second, l.millisecond);
  return d.getTime();
}

function checkInstant(t: Date): number {
  const ms = t.getTime();
  if (Number.isNaN(ms)) throw new RangeError('Invalid Date: the calendar needs a real instant');
  return ms;
}

/** Reads an instant as local wall-clock parts in `timeZone`. */
export function toZonedParts(t: Date, timeZone: string): ZonedParts {
  const ms = checkInstant(t);
  const offsetMs = offsetAt(ms, timeZone);
  const local = new Date(ms + offsetMs);
  const date = { year: local.getUTCFullYear(), month: local.getUTCMonth() + 1, day: local.getUTCDate() };
  return {
    ...date,
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
    millisecond: local.getUTCMilliseconds(),
    weekday: weekdayOf(date),
    offsetMs,
  };
}

/** The local calendar date of an instant in `timeZone`. */
export function localDateOf(t: Date, timeZone: string): LocalDate {
  const { year, month, day } = toZonedParts(t, timeZone);
  return { year, month, day };
}

/**
 * Every instant (epoch ms, ascending) whose local wall-clock reading in `timeZone` is `local`:
 * none in a DST gap, two in an overlap, one otherwise. Assumes at most one offset change within a day
 * either side, which holds for every IANA zone in practice.
 */
export function possibleInstants(local: LocalDateTime, timeZone: string): number[] {
  const wall = asUtcMs(local);
  const before = offsetAt(wall - MS_PER_DAY, timeZone);
  const after = offsetAt(wall + MS_PER_DAY, timeZone);
  const found = new Set<number>();
  for (const offset of [before, after]) {
    const candidate = wall - offset;
    if (offsetAt(candidate, timeZone) === offset) found.add(candidate);
  }
  return [...found].sort((a, b) => a - b);
}

/** The first instant in (lo, hi] whose offset differs from the offset at `lo`, or undefined. */
export function findOffsetChange(loMs: number, hiMs: number, timeZone: string): number | undefined {
  const start = offsetAt(loMs, timeZone);
  if (offsetAt(hiMs, timeZone) === start) return undefined;
  // Offsets change on whole seconds: search whole seconds; the transition is the first second of `hi`.
  let lo = loMs - floorMod(loMs, 1000);
  let hi = hiMs - floorMod(hiMs, 1000);
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    if (offsetAt(mid, timeZone) === start) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** Converts a local wall-clock time in `timeZone` to an instant, resolving DST gaps and overlaps. */
export function fromZonedParts(local: LocalDateTime, timeZone: string, how: Disambiguation = {}): Date {
  const instants = possibleInstants(local, timeZone);
  if (instants.length > 0) {
    const pick = how.overlap === 'later' ? instants[instants.length - 1] : instants[0];
    return new Date(pick!);
  }
  const wall = asUtcMs(local);
  const before = offsetAt(wall - MS_PER_DAY, timeZone);
  if (how.gap === 'next-valid') {
    const transition = findOffsetChange(wall - MS_PER_DAY, wall + MS_PER_DAY, timeZone);
    if (transition !== undefined) return new Date(transition);
  }
  // Reading the wall time with the offset in force before the gap lands after it, shifted by the gap.
  return new Date(wall - before);
}

/** Start of the local clock hour that contains `t` (local minutes, seconds and ms set to zero). */
export function startOfLocalHour(t: Date, timeZone: string): Date {
  const p = toZonedParts(t, timeZone);
  return new Date(t.getTime() - p.minute * 60_000 - p.second * 1000 - p.millisecond);
}
