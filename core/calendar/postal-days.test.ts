import { describe, expect, it } from 'vitest';
import {
  addLocalMonths,
  compareLocalDates,
  daysBetween,
  firstDateFrom,
  isPostalDeliveryDate,
  type LocalDate,
  nthDateAfter,
  parseLocalDate,
} from './index.js';

const d = (text: string): LocalDate => parseLocalDate(text)!;

describe('postal delivery days (PostNL: Tuesday to Saturday)', () => {
  it('delivers on Saturday but not on Sunday or Monday', () => {
    expect(isPostalDeliveryDate(d('2026-12-05'))).toBe(true); // Saturday
    expect(isPostalDeliveryDate(d('2026-12-06'))).toBe(false); // Sunday
    expect(isPostalDeliveryDate(d('2026-12-07'))).toBe(false); // Monday
    expect(isPostalDeliveryDate(d('2026-12-08'))).toBe(true); // Tuesday
  });

  it('does not deliver on a public holiday, but does on Good Friday', () => {
    expect(isPostalDeliveryDate(d('2026-12-25'))).toBe(false); // Friday, Kerstmis
    expect(isPostalDeliveryDate(d('2026-12-26'))).toBe(false); // Saturday, Tweede kerstdag
    expect(isPostalDeliveryDate(d('2026-04-03'))).toBe(true); // Goede Vrijdag is no public holiday
  });

  it('takes other delivery weekdays when told', () => {
    expect(isPostalDeliveryDate(d('2026-12-07'), { deliveryWeekdays: ['mon'] })).toBe(true);
  });
});

describe('local date scans and arithmetic', () => {
  const weekday = (x: LocalDate) => isPostalDeliveryDate(x);

  it('finds the n-th matching date after a start, not counting the start', () => {
    expect(nthDateAfter(d('2026-12-04'), 2, weekday)).toEqual(d('2026-12-08')); // Fri -> Sat, Tue
    expect(nthDateAfter(d('2026-12-04'), 0, weekday)).toEqual(d('2026-12-04'));
    expect(() => nthDateAfter(d('2026-12-04'), 1, () => false)).toThrow(/No matching day/);
  });

  it('finds the first matching date on or after a start', () => {
    expect(firstDateFrom(d('2026-12-06'), weekday)).toEqual(d('2026-12-08'));
    expect(firstDateFrom(d('2026-12-08'), weekday)).toEqual(d('2026-12-08'));
  });

  it('adds months clamped to the month length, counts days and compares', () => {
    expect(addLocalMonths(d('2026-01-31'), 1)).toEqual(d('2026-02-28'));
    expect(addLocalMonths(d('2028-01-31'), 1)).toEqual(d('2028-02-29'));
    expect(addLocalMonths(d('2026-11-15'), 3)).toEqual(d('2027-02-15'));
    expect(addLocalMonths(d('2026-03-31'), -1)).toEqual(d('2026-02-28'));
    expect(daysBetween(d('2026-03-28'), d('2026-03-30'))).toBe(2); // across the DST change
    expect(daysBetween(d('2026-12-31'), d('2026-12-01'))).toBe(-30);
    expect(compareLocalDates(d('2026-01-02'), d('2026-01-10'))).toBeLessThan(0);
    expect(compareLocalDates(d('2026-01-02'), d('2026-01-02'))).toBe(0);
  });
});
