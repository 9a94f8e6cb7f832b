// The Algemene termijnenwet (Atw, BWBR0002448) on the end of a term set by law (it applies to terms in a
// wet, such as art. 6:96 lid 6 BW, and by art. 5 to those in an AMvB):
// - art. 1 lid 1: a term that ends on a Saturday, Sunday or generally recognised holiday runs until
//   the next day that is none of those;
// - art. 2: a term of at least three days is extended so far that it holds at least two days that are
//   no Saturday, Sunday or holiday;
// - art. 4: the Atw does not apply to terms of more than 90 days (among others).
// Which days are holidays (art. 3) is a calendar question: core/calendar/general-holidays.ts.
import {
  addLocalDays,
  compareLocalDates,
  firstDateFrom,
  generalHolidayOn,
  isGeneralRestDay,
  type LocalDate,
  weekdayOf,
} from '../calendar/index.js';
import { createError } from '../errors/index.js';

/** Longest term in days the Atw applies to (art. 4 sub a). */
export const ATW_MAX_TERM_DAYS = 90;

/** A day the end of a term was moved past, and why. */
export interface SkippedDay {
  date: LocalDate;
  /** 'Saturday', 'Sunday' or the holiday's name. */
  reason: string;
}

export interface StatutoryTermEnd {
  /** The last day the term would have without the Atw. */
  nominalLastDay: LocalDate;
  /** The last day of the term, inclusive, after Atw art. 1 and 2. */
  lastDay: LocalDate;
  /** The days the end moved past, in order; empty when it did not move. */
  skipped: SkippedDay[];
}

function restReason(date: LocalDate, equatedDates: readonly string[]): string {
  const weekday = weekdayOf(date);
  if (weekday === 'sat') return 'Saturday';
  if (weekday === 'sun') return 'Sunday';
  return generalHolidayOn(date, equatedDates) ?? 'holiday';
}

/**
 * The last day of a term of `termDays` days whose first day is `firstDay`, extended under Atw art. 1 and
 * art. 2. `equatedDates` are days equated with holidays by decree (Atw art. 3 lid 3), 'YYYY-MM-DD'.
 */
export function statutoryTermEnd(
  firstDay: LocalDate,
  termDays: number,
  equatedDates: readonly string[] = [],
): StatutoryTermEnd {
  if (!Number.isSafeInteger(termDays) || termDays < 1 || termDays > ATW_MAX_TERM_DAYS) {
    throw createError('OST_ERR_LAW_INPUT', [
      'termDays',
      `a statutory term must be 1 to ${ATW_MAX_TERM_DAYS} whole days for the Algemene termijnenwet to apply, got ${String(termDays)}`,
      'use a term of at most 90 days (Atw art. 4)',
    ]);
  }
  const isRest = (d: LocalDate) => isGeneralRestDay(d, equatedDates);
  const nominalLastDay = addLocalDays(firstDay, termDays - 1);
  // Art. 1: move the end to the first day on or after it that is no rest day.
  let lastDay = firstDateFrom(nominalLastDay, (d) => !isRest(d));
  // Art. 2: a term of three days or more must hold two days that are no rest day.
  if (termDays >= 3) {
    const countOpen = () => {
      let open = 0;
      for (let d = firstDay; compareLocalDates(d, lastDay) <= 0; d = addLocalDays(d, 1))
        if (!isRest(d)) open++;
      return open;
    };
    while (countOpen() < 2) lastDay = firstDateFrom(addLocalDays(lastDay, 1), (d) => !isRest(d));
  }
  const skipped: SkippedDay[] = [];
  for (let d = nominalLastDay; compareLocalDates(d, lastDay) < 0; d = addLocalDays(d, 1)) {
    if (isRest(d)) skipped.push({ date: d, reason: restReason(d, equatedDates) });
  }
  return { nominalLastDay, lastDay, skipped };
}
