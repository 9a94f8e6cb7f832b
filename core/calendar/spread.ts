import { assertDispatchWindow, isInsideWindow, nextWindowOpening } from './dispatch-window.js';
import { assertCalendar } from './holidays.js';
import type { CalendarSettings, DispatchWindow } from './types.js';
import { startOfLocalHour } from './zoned-time.js';

const MS_PER_HOUR = 3_600_000;
/** Hours searched for a free slot before giving up (a little over a year). */
export const MAX_HOURS_SCANNED = 24 * 400;

export interface SpreadSlot {
  /** The instant to dispatch at. */
  at: Date;
  /** Start of the local clock hour the booking belongs to; persist the booking under `hourStart.toISOString()`. */
  hourStart: Date;
}

function nextHourStart(hourStart: Date, timeZone: string): Date {
  const next = startOfLocalHour(new Date(hourStart.getTime() + MS_PER_HOUR), timeZone);
  // Zones with half-hour DST shifts can fold back onto the same hour start; step a full hour then.
  return next.getTime() > hourStart.getTime() ? next : new Date(hourStart.getTime() + MS_PER_HOUR);
}

/**
 * Picks the instant for one more dispatch when a flow allows at most `maxPerHour` per local clock hour.
 * Starting at `earliest` (moved to the window's next opening when a window is given), it takes the first
 * clock hour whose booking count, `booked(hourStart.toISOString())`, is below `maxPerHour`. Within that
 * hour booking n (0-based) goes to hourStart + n × 3600 / maxPerHour seconds, but never before `earliest`
 * and never outside the window (a slot after the window closes sends the booking to the next opening).
 * Pure: the caller persists the booking under `hourStart`.
 */
export function allocateSpreadSlot(
  earliest: Date,
  w: DispatchWindow | undefined,
  maxPerHour: number,
  booked: (hourStartIso: string) => number,
  cal: CalendarSettings,
): SpreadSlot {
  if (!Number.isSafeInteger(maxPerHour) || maxPerHour < 1) {
    throw new RangeError(`maxPerHour must be a whole number of at least 1, got ${maxPerHour}`);
  }
  if (w) assertDispatchWindow(w);
  assertCalendar(cal);
  let t = w ? nextWindowOpening(earliest, w, cal) : new Date(earliest.getTime());
  if (Number.isNaN(t.getTime())) throw new RangeError('Invalid Date: the calendar needs a real instant');
  for (let i = 0; i < MAX_HOURS_SCANNED; i++) {
    const hourStart = startOfLocalHour(t, cal.timezone);
    const hourEnd = nextHourStart(hourStart, cal.timezone);
    const count = booked(hourStart.toISOString());
    if (!Number.isFinite(count) || count < 0) {
      throw new TypeError(`booked(${hourStart.toISOString()}) returned ${count}; expected a count >= 0`);
    }
    if (count < maxPerHour) {
      const slot = hourStart.getTime() + Math.floor((Math.floor(count) * MS_PER_HOUR) / maxPerHour);
      const at = new Date(Math.max(slot, t.getTime()));
      if (at.getTime() < hourEnd.getTime() && (!w || isInsideWindow(at, w, cal))) return { at, hourStart };
    }
    t = w ? nextWindowOpening(hourEnd, w, cal) : hourEnd;
  }
  throw new RangeError(
    `No free spread slot within ${MAX_HOURS_SCANNED} hours after ${earliest.toISOString()}`,
  );
}
