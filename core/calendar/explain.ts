import { MAX_DAYS_SCANNED } from './business-days.js';
import { describeWindow, isInsideWindow } from './dispatch-window.js';
import { type ClosedReason, closedReasonOn } from './holidays.js';
import { addLocalDays, isWeekend, localDateKey, weekdayOf } from './local-date.js';
import type { CalendarSettings, DispatchWindow } from './types.js';
import { toZonedParts } from './zoned-time.js';

function closedText(reason: ClosedReason): string {
  return reason.kind === 'public-holiday' ? `public holiday: ${reason.name}` : `closed day: ${reason.date}`;
}

/**
 * Why a dispatch planned at `from` was moved to `to` by the window, for the simulator's timeline:
 * 'weekend', 'public holiday: Tweede kerstdag', 'closed day: 2026-12-24' (an extra closed date) or
 * 'outside dispatch window (Mon–Fri 09:00–17:00 Europe/Amsterdam)'. Public holidays and closed days
 * skipped on the way to `to` are appended ('…; then public holiday: Kerstmis'). Undefined when nothing
 * moved or `from` was already inside the window (then the move has another cause, such as spread).
 */
export function explainDeferral(
  from: Date,
  to: Date,
  w: DispatchWindow,
  cal: CalendarSettings,
): string | undefined {
  if (to.getTime() <= from.getTime()) return undefined;
  if (isInsideWindow(from, w, cal)) return undefined;
  const local = toZonedParts(from, cal.timezone);
  const closed = w.skipHolidays ? closedReasonOn(local, cal) : undefined;
  let reason = `outside dispatch window (${describeWindow(w, cal.timezone)})`;
  if (!w.days.includes(local.weekday)) {
    if (isWeekend(local)) reason = 'weekend';
  } else if (closed) {
    reason = closedText(closed);
  }

  const skipped: string[] = [];
  if (w.skipHolidays) {
    const lastKey = localDateKey(toZonedParts(to, cal.timezone));
    let date = addLocalDays(local, 1);
    for (let i = 0; i < MAX_DAYS_SCANNED && localDateKey(date) < lastKey; i++, date = addLocalDays(date, 1)) {
      const closedOn = w.days.includes(weekdayOf(date)) ? closedReasonOn(date, cal) : undefined;
      if (closedOn) skipped.push(closedText(closedOn));
    }
  }
  return skipped.length > 0 ? `${reason}; then ${skipped.join(', ')}` : reason;
}
