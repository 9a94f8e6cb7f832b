// Times in a scenario: absolute ISO 8601 instants, or offsets from the start such as '+1h', '+3d',
// '+1d2h', '+2bd', added in the corporation's calendar (days keep the local wall-clock time across DST).
import { addDuration, type CalendarSettings, parseFlowDuration } from '../calendar/index.js';
import type { Instant } from './types.js';

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/** A Date for an instant; throws a TypeError naming `what` when it is not a real instant. */
export function toDate(value: Instant, what = 'time'): Date {
  const date = value instanceof Date ? new Date(value.getTime()) : parseIso(value, what);
  if (Number.isNaN(date.getTime())) throw new TypeError(`${what} is not a valid instant: ${String(value)}`);
  return date;
}

function parseIso(text: string, what: string): Date {
  if (!ISO_WITH_ZONE.test(text)) {
    throw new TypeError(
      `${what} "${text}" is not an ISO 8601 time with a zone, e.g. 2026-03-02T09:00:00+01:00`,
    );
  }
  return new Date(text);
}

/** True for offset texts like '+1h' and '+1d2h'. */
export function isOffset(text: string): boolean {
  return /^\+\s*\S/.test(text);
}

/**
 * An absolute ISO time, or an offset from `start` ('+30m', '+1d2h', '+2bd') in the corporation's calendar
 * (core/cases calendarOf(bundle)).
 * Throws a TypeError that says what a valid text looks like.
 */
export function resolveInstant(value: Instant, start: Date, calendar: CalendarSettings, what = 'time'): Date {
  if (value instanceof Date || !isOffset(value)) return toDate(value, what);
  let duration: ReturnType<typeof parseFlowDuration>;
  try {
    duration = parseFlowDuration(value.slice(1));
  } catch {
    throw new TypeError(
      `${what} "${value}" is not an offset like +30m, +1h, +3d or +1d2h (or an ISO time with a zone)`,
    );
  }
  return addDuration(start, duration, calendar);
}
