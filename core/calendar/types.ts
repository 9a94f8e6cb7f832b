/** A day of the week, lower-case English abbreviation. */
export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

/**
 * A delay. The parts are applied in this order: calendar `days` (same local wall-clock time), then
 * `businessDays` (same local wall-clock time, skipping weekends, public holidays and closed dates),
 * then `hours` and `minutes` as absolute elapsed time. Every part is a non-negative integer.
 */
export interface Duration {
  days?: number;
  businessDays?: number;
  hours?: number;
  minutes?: number;
}

export interface CalendarSettings {
  /** IANA time zone, e.g. 'Europe/Amsterdam'. All local days and hours are taken in this zone. */
  timezone: string;
  /** Country (ISO 3166-1 alpha-2, optionally '-STATE', e.g. 'DE-BY') whose public holidays apply; 'NL' by default. */
  holidayCountry?: string;
  /** Extra local dates ('YYYY-MM-DD') that count as closed, like public holidays (e.g. an office closure). */
  extraClosedDates?: string[];
}

export interface DispatchWindow {
  /** Local days of the week on which the window opens; must not be empty. */
  days: Weekday[];
  /** Local opening time 'HH:MM' (inclusive). */
  from: string;
  /** Local closing time 'HH:MM' (exclusive, later than `from`); '24:00' means the end of the day. */
  to: string;
  /** When true the window stays shut on public holidays and on the calendar's extra closed dates. */
  skipHolidays: boolean;
}
