// Days on which letter post is delivered in the Netherlands. PostNL, which runs the universal postal
// service, delivers letters Tuesday to Saturday (no letter rounds on Monday since 1 January 2014; see
// docs/collections-law.md for the sources) and not on public holidays.
import { publicHolidayOn } from './holidays.js';
import { type LocalDate, weekdayOf } from './local-date.js';
import type { CalendarSettings, Weekday } from './types.js';

/** PostNL's letter delivery days. */
export const POSTNL_DELIVERY_WEEKDAYS: readonly Weekday[] = ['tue', 'wed', 'thu', 'fri', 'sat'];

export interface PostalDeliverySettings {
  /** Weekdays with letter delivery; POSTNL_DELIVERY_WEEKDAYS by default. */
  deliveryWeekdays?: readonly Weekday[];
  /** Country whose public holidays have no delivery; 'NL' by default. */
  holidayCountry?: string;
}

/** Whether letters are delivered on a local date: a delivery weekday that is not a public holiday. */
export function isPostalDeliveryDate(date: LocalDate, settings: PostalDeliverySettings = {}): boolean {
  const weekdays = settings.deliveryWeekdays ?? POSTNL_DELIVERY_WEEKDAYS;
  if (!weekdays.includes(weekdayOf(date))) return false;
  const cal: CalendarSettings = { timezone: 'UTC', holidayCountry: settings.holidayCountry ?? 'NL' };
  return publicHolidayOn(date, cal) === undefined;
}
