// The "algemeen erkende feestdagen" of the Dutch Algemene termijnenwet (Atw, BWBR0002448), art. 3:
// lid 1 names New Year's Day, Easter Monday, Whit Monday, both Christmas days, Ascension Day, the day
// the King's birthday is celebrated and 5 May (every year, not only in lustrum years); lid 2 adds Good
// Friday; lid 3 lets the Crown equate further days by a decree published in the Staatscourant. These
// differ from the public holidays the calendar uses for business days (date-holidays type 'public'),
// which leave out Good Friday and 5 May. The dates themselves come from date-holidays (Easter and the
// Koningsdag rule: 27 April, or 26 April when the 27th is a Sunday); only the selection is made here.
import { holidaysOn } from './holidays.js';
import { isWeekend, type LocalDate, localDateKey, parseLocalDate } from './local-date.js';

/** date-holidays' Dutch names of the days Atw art. 3 lid 1 and lid 2 list. */
const ATW_HOLIDAY_NAMES: ReadonlySet<string> = new Set([
  'Nieuwjaar',
  'Goede Vrijdag',
  'Tweede paasdag',
  'Koningsdag',
  'Bevrijdingsdag',
  'Hemelvaartsdag',
  'Tweede pinksterdag',
  'Kerstmis',
  'Tweede kerstdag',
]);

const equatedSets = new WeakMap<readonly string[], Set<string>>();

function equatedSet(equatedDates: readonly string[]): Set<string> {
  let set = equatedSets.get(equatedDates);
  if (!set) {
    for (const text of equatedDates) {
      if (!parseLocalDate(text)) {
        throw new RangeError(`Invalid equated day '${text}': expected a local date 'YYYY-MM-DD'`);
      }
    }
    set = new Set(equatedDates);
    equatedSets.set(equatedDates, set);
  }
  return set;
}

/**
 * The name of the generally recognised holiday (Atw art. 3) on a local date, or undefined. `equatedDates`
 * are the days equated by decree under art. 3 lid 3 ('YYYY-MM-DD'); they are named 'gelijkgestelde dag'.
 */
export function generalHolidayOn(date: LocalDate, equatedDates: readonly string[] = []): string | undefined {
  const names = holidaysOn(date, 'NL')
    .map((h) => h.name)
    .filter((name) => ATW_HOLIDAY_NAMES.has(name));
  if (names.length > 0) return names.join(' / ');
  if (equatedDates.length > 0 && equatedSet(equatedDates).has(localDateKey(date)))
    return 'gelijkgestelde dag';
  return undefined;
}

/** Whether a term may not end on this date under Atw art. 1: a Saturday, Sunday or general holiday. */
export function isGeneralRestDay(date: LocalDate, equatedDates: readonly string[] = []): boolean {
  return isWeekend(date) || generalHolidayOn(date, equatedDates) !== undefined;
}
