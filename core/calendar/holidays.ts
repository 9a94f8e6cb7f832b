import Holidays from 'date-holidays';
import { type LocalDate, localDateKey, parseLocalDate } from './local-date.js';
import type { CalendarSettings } from './types.js';
import { assertTimeZone, localDateOf } from './zoned-time.js';

export const DEFAULT_HOLIDAY_COUNTRY = 'NL';

/** A day date-holidays knows for a country, with its type ('public', 'bank', 'school', 'observance', ...). */
export interface HolidayEntry {
  name: string;
  type: string;
}

interface YearHolidays {
  /** local date 'YYYY-MM-DD' -> holiday name (public holidays only; names of one day joined by ' / ') */
  public: Map<string, string>;
  /** local date 'YYYY-MM-DD' -> every holiday of any type on it */
  all: Map<string, HolidayEntry[]>;
}

interface CountryHolidays {
  source: Holidays;
  years: Map<number, YearHolidays>;
}

// Constructing a date-holidays instance parses the country's rules, which is slow: one per country.
const byCountry = new Map<string, CountryHolidays>();
let knownCountries: Set<string> | undefined;

function countryHolidays(code: string): CountryHolidays {
  const key = code.toUpperCase();
  let entry = byCountry.get(key);
  if (!entry) {
    const [country = '', state] = key.split('-');
    const source = new Holidays();
    knownCountries ??= new Set(Object.keys(source.getCountries()));
    if (!knownCountries.has(country)) {
      throw new RangeError(`Unknown holiday country '${code}': expected an ISO 3166-1 code such as 'NL'`);
    }
    if (state !== undefined) {
      if (!Object.keys(source.getStates(country) ?? {}).includes(state)) {
        throw new RangeError(`Unknown holiday region '${code}': '${state}' is not a state of ${country}`);
      }
      source.init(country, state);
    } else {
      source.init(country);
    }
    entry = { source, years: new Map() };
    byCountry.set(key, entry);
  }
  return entry;
}

function holidaysOfYear(code: string, year: number): YearHolidays {
  const entry = countryHolidays(code);
  let days = entry.years.get(year);
  if (!days) {
    days = { public: new Map(), all: new Map() };
    // Rules can place a holiday (e.g. a substitute day) in a neighbouring year: read three, keep this year.
    const prefix = `${String(year).padStart(4, '0')}-`;
    for (const h of [year - 1, year, year + 1].flatMap((y) => entry.source.getHolidays(y))) {
      // `date` is the holiday's local date in the country ('YYYY-MM-DD hh:mm:ss'), independent of process TZ.
      const day = h.date.slice(0, 10);
      if (!day.startsWith(prefix)) continue;
      const all = days.all.get(day) ?? [];
      if (!all.some((e) => e.name === h.name)) all.push({ name: h.name, type: h.type });
      days.all.set(day, all);
      if (h.type !== 'public') continue;
      const existing = days.public.get(day);
      if (existing === undefined) days.public.set(day, h.name);
      else if (!existing.split(' / ').includes(h.name)) days.public.set(day, `${existing} / ${h.name}`);
    }
    entry.years.set(year, days);
  }
  return days;
}

/**
 * Every holiday date-holidays lists for `country` on a local date, whatever its type (public, bank,
 * school, observance, optional), in the country's first language. Empty when there is none.
 */
export function holidaysOn(
  date: LocalDate,
  country: string = DEFAULT_HOLIDAY_COUNTRY,
): readonly HolidayEntry[] {
  return holidaysOfYear(country, date.year).all.get(localDateKey(date)) ?? [];
}

/** The name of the public holiday on a local date, or undefined. */
export function publicHolidayOn(date: LocalDate, cal: CalendarSettings): string | undefined {
  return holidaysOfYear(cal.holidayCountry ?? DEFAULT_HOLIDAY_COUNTRY, date.year).public.get(
    localDateKey(date),
  );
}

const closedDateSets = new WeakMap<readonly string[], Set<string>>();

function extraClosedDates(cal: CalendarSettings): Set<string> {
  const list = cal.extraClosedDates;
  if (!list || list.length === 0) return new Set();
  let set = closedDateSets.get(list);
  if (!set) {
    for (const text of list) {
      if (!parseLocalDate(text)) {
        throw new RangeError(`Invalid extra closed date '${text}': expected a local date 'YYYY-MM-DD'`);
      }
    }
    set = new Set(list);
    closedDateSets.set(list, set);
  }
  return set;
}

/** Why a local date is closed for holiday purposes (public holiday or extra closed date), or undefined. */
export type ClosedReason = { kind: 'public-holiday'; name: string } | { kind: 'closed-date'; date: string };

export function closedReasonOn(date: LocalDate, cal: CalendarSettings): ClosedReason | undefined {
  const name = publicHolidayOn(date, cal);
  if (name !== undefined) return { kind: 'public-holiday', name };
  const key = localDateKey(date);
  if (extraClosedDates(cal).has(key)) return { kind: 'closed-date', date: key };
  return undefined;
}

/** Checks the settings once, so that a typo fails loudly instead of silently meaning "no holidays". */
export function assertCalendar(cal: CalendarSettings): void {
  assertTimeZone(cal.timezone);
  countryHolidays(cal.holidayCountry ?? DEFAULT_HOLIDAY_COUNTRY);
  extraClosedDates(cal);
}

/**
 * Whether the local date of `t` (in `cal.timezone`) is a public holiday of `cal.holidayCountry` ('NL' by
 * default). Only date-holidays' type 'public' counts (so not Goede Vrijdag or Bevrijdingsdag in NL);
 * names are in the country's first language (Dutch for NL). Extra closed dates are not public holidays.
 */
export function isPublicHoliday(t: Date, cal: CalendarSettings): { holiday: boolean; name?: string } {
  const name = publicHolidayOn(localDateOf(t, cal.timezone), cal);
  return name === undefined ? { holiday: false } : { holiday: true, name };
}
