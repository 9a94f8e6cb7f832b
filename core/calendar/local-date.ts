import type { Weekday } from './types.js';

/** A calendar date without a time zone (month 1-12). */
export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

const MS_PER_DAY = 86_400_000;
const WEEKDAYS_FROM_SUNDAY: readonly Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** Weekdays in calendar order, Monday first. */
export const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

function utcDate(d: LocalDate): Date {
  const date = new Date(0);
  date.setUTCFullYear(d.year, d.month - 1, d.day);
  return date;
}

export function addLocalDays(d: LocalDate, days: number): LocalDate {
  const date = new Date(utcDate(d).getTime() + days * MS_PER_DAY);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

export function weekdayOf(d: LocalDate): Weekday {
  return WEEKDAYS_FROM_SUNDAY[utcDate(d).getUTCDay()]!;
}

export function isWeekend(d: LocalDate): boolean {
  const w = weekdayOf(d);
  return w === 'sat' || w === 'sun';
}

/** 'YYYY-MM-DD' */
export function localDateKey(d: LocalDate): string {
  return `${String(d.year).padStart(4, '0')}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}

/** Parses a strict 'YYYY-MM-DD' that names a real calendar date; undefined otherwise. */
export function parseLocalDate(text: string): LocalDate | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return undefined;
  const d = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  const round = utcDate(d);
  if (round.getUTCMonth() + 1 !== d.month || round.getUTCDate() !== d.day) return undefined;
  return d;
}
