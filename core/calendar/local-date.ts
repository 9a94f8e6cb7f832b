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

/** The same day of the month `months` months later (negative: earlier), clamped to that month's length. */
export function addLocalMonths(d: LocalDate, months: number): LocalDate {
  const first = new Date(0);
  first.setUTCFullYear(d.year, d.month - 1 + months, 1);
  const year = first.getUTCFullYear();
  const month = first.getUTCMonth() + 1;
  const last = new Date(0);
  last.setUTCFullYear(year, month, 0);
  return { year, month, day: Math.min(d.day, last.getUTCDate()) };
}

/** Whole calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: LocalDate, to: LocalDate): number {
  return Math.round((utcDate(to).getTime() - utcDate(from).getTime()) / MS_PER_DAY);
}

/** Negative when `a` is earlier than `b`, 0 on the same date, positive when later (a sort comparator). */
export function compareLocalDates(a: LocalDate, b: LocalDate): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
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
