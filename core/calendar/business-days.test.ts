import { describe, expect, it } from 'vitest';
import { addDuration, type CalendarSettings, isBusinessDay, isPublicHoliday } from './index.js';

const nl: CalendarSettings = { timezone: 'Europe/Amsterdam' };
/** Local 10:00 Amsterdam on a winter (CET) or summer (CEST) date, as an instant. */
const tenAm = (date: string): Date => {
  const month = Number(date.slice(5, 7));
  const summer = month > 3 && month < 11;
  return new Date(`${date}T10:00:00${summer ? '+02:00' : '+01:00'}`);
};
const plusBusinessDays = (date: string, n: number, cal: CalendarSettings = nl): string =>
  addDuration(tenAm(date), { businessDays: n }, cal).toISOString();

describe('business days (NL)', () => {
  it('3 business days from a Friday skip the weekend and land on Wednesday', () => {
    expect(plusBusinessDays('2026-03-06', 3)).toBe(tenAm('2026-03-11').toISOString());
  });

  it('1 business day from Friday is Monday, and from Saturday also Monday', () => {
    expect(plusBusinessDays('2026-03-06', 1)).toBe(tenAm('2026-03-09').toISOString());
    expect(plusBusinessDays('2026-03-07', 1)).toBe(tenAm('2026-03-09').toISOString());
  });

  it('skip Koningsdag on 27 April', () => {
    // Mon 27 Apr 2026 is Koningsdag: Fri 24 Apr + 1bd = Tue 28 Apr
    expect(plusBusinessDays('2026-04-24', 1)).toBe(tenAm('2026-04-28').toISOString());
    expect(isBusinessDay(tenAm('2026-04-27'), nl)).toBe(false);
  });

  it('move Koningsdag to Saturday 26 April when the 27th is a Sunday', () => {
    expect(isPublicHoliday(tenAm('2025-04-26'), nl)).toEqual({ holiday: true, name: 'Koningsdag' });
    expect(isPublicHoliday(tenAm('2025-04-27'), nl)).toEqual({ holiday: false });
    expect(isPublicHoliday(tenAm('2031-04-26'), nl)).toEqual({ holiday: true, name: 'Koningsdag' });
    // Fri 25 Apr 2025 + 1bd = Mon 28 Apr (a normal working Monday that year)
    expect(plusBusinessDays('2025-04-25', 1)).toBe(tenAm('2025-04-28').toISOString());
  });

  it('skip both Christmas days', () => {
    // Wed 24 Dec 2025 + 1bd: Thu 25 and Fri 26 are holidays -> Mon 29 Dec
    expect(plusBusinessDays('2025-12-24', 1)).toBe(tenAm('2025-12-29').toISOString());
    expect(isPublicHoliday(tenAm('2025-12-25'), nl)).toEqual({ holiday: true, name: 'Kerstmis' });
    expect(isPublicHoliday(tenAm('2025-12-26'), nl)).toEqual({ holiday: true, name: 'Tweede kerstdag' });
  });

  it('skip Easter Monday but not Good Friday (not a public holiday in NL)', () => {
    expect(plusBusinessDays('2026-04-02', 1)).toBe(tenAm('2026-04-03').toISOString());
    expect(plusBusinessDays('2026-04-03', 1)).toBe(tenAm('2026-04-07').toISOString());
    expect(isPublicHoliday(tenAm('2026-04-06'), nl)).toEqual({ holiday: true, name: 'Tweede paasdag' });
  });

  it('skip Ascension Day and Pentecost Monday', () => {
    expect(plusBusinessDays('2026-05-13', 1)).toBe(tenAm('2026-05-15').toISOString());
    expect(plusBusinessDays('2026-05-22', 1)).toBe(tenAm('2026-05-26').toISOString());
    expect(isPublicHoliday(tenAm('2026-05-25'), nl)).toEqual({ holiday: true, name: 'Tweede pinksterdag' });
  });

  it("skip New Year's Day but not New Year's Eve", () => {
    expect(plusBusinessDays('2025-12-30', 1)).toBe(tenAm('2025-12-31').toISOString());
    expect(plusBusinessDays('2025-12-31', 1)).toBe(tenAm('2026-01-02').toISOString());
    expect(isPublicHoliday(tenAm('2026-01-01'), nl)).toEqual({ holiday: true, name: 'Nieuwjaar' });
  });

  it('skip extra closed dates of the corporation', () => {
    const closed: CalendarSettings = { ...nl, extraClosedDates: ['2026-03-09'] };
    expect(plusBusinessDays('2026-03-06', 1, closed)).toBe(tenAm('2026-03-10').toISOString());
    expect(isBusinessDay(tenAm('2026-03-09'), closed)).toBe(false);
    expect(isPublicHoliday(tenAm('2026-03-09'), closed)).toEqual({ holiday: false });
  });

  it('judge the holiday by the local date in the calendar time zone', () => {
    // 23:30 UTC on 24 Dec is already Christmas Day in Amsterdam, but not in UTC
    const lateEve = new Date('2026-12-24T23:30:00Z');
    expect(isPublicHoliday(lateEve, nl)).toEqual({ holiday: true, name: 'Kerstmis' });
    expect(isPublicHoliday(lateEve, { timezone: 'UTC' })).toEqual({ holiday: false });
    expect(isBusinessDay(lateEve, { timezone: 'UTC' })).toBe(true);
  });

  it('reject an unknown holiday country or a malformed closed date instead of silently having no holidays', () => {
    expect(() => isBusinessDay(tenAm('2026-03-02'), { ...nl, holidayCountry: 'XX' })).toThrow(/'XX'/);
    expect(() => isBusinessDay(tenAm('2026-03-02'), { ...nl, extraClosedDates: ['2026-02-30'] })).toThrow(
      /2026-02-30/,
    );
  });

  it('use another country when asked', () => {
    // 3 Oct is German Unity Day, a normal day in NL
    expect(isBusinessDay(tenAm('2025-10-03'), { timezone: 'Europe/Berlin', holidayCountry: 'DE' })).toBe(
      false,
    );
    expect(isBusinessDay(tenAm('2025-10-03'), nl)).toBe(true);
  });
});
