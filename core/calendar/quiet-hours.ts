// A channel's quiet hours (e.g. no SMS or calls 21:00–08:00 local): when an instant falls inside them,
// the instant they end. The period may wrap midnight.
import { addLocalDays } from './local-date.js';
import { fromZonedParts, toZonedParts } from './zoned-time.js';

export interface QuietHours {
  from: string;
  to: string;
}

const minutesOf = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};

/** The end of the quiet period `t` is in, or undefined when `t` is not in one. */
export function quietHoursEnd(t: Date, quiet: QuietHours, timeZone: string): Date | undefined {
  const from = minutesOf(quiet.from);
  const to = minutesOf(quiet.to);
  if (from === to) return undefined;
  const local = toZonedParts(t, timeZone);
  const now = local.hour * 60 + local.minute;
  const wraps = from > to;
  const inside = wraps ? now >= from || now < to : now >= from && now < to;
  if (!inside) return undefined;
  const day = { year: local.year, month: local.month, day: local.day };
  const endDay = wraps && now >= from ? addLocalDays(day, 1) : day;
  return fromZonedParts(
    { ...endDay, hour: Math.floor(to / 60), minute: to % 60, second: 0, millisecond: 0 },
    timeZone,
    { gap: 'shift' },
  );
}
