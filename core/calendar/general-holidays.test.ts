import { describe, expect, it } from 'vitest';
import { generalHolidayOn, isGeneralRestDay, type LocalDate, parseLocalDate } from './index.js';

const d = (text: string): LocalDate => parseLocalDate(text)!;

/** Every date of a year on which generalHolidayOn names a holiday. */
function generalHolidays(year: number): string[] {
  const out: string[] = [];
  for (let t = Date.UTC(year, 0, 1); t < Date.UTC(year + 1, 0, 1); t += 86_400_000) {
    const key = new Date(t).toISOString().slice(0, 10);
    if (generalHolidayOn(d(key)) !== undefined) out.push(key);
  }
  return out;
}

describe('generally recognised holidays (Algemene termijnenwet art. 3)', () => {
  it('lists exactly the days of art. 3 lid 1 and Good Friday (lid 2) in 2026', () => {
    expect(generalHolidays(2026)).toEqual([
      '2026-01-01', // Nieuwjaarsdag
      '2026-04-03', // Goede Vrijdag (lid 2)
      '2026-04-06', // tweede Paasdag
      '2026-04-27', // Koningsdag
      '2026-05-05', // 5 mei
      '2026-05-14', // Hemelvaartsdag
      '2026-05-25', // tweede Pinksterdag
      '2026-12-25', // eerste Kerstdag
      '2026-12-26', // tweede Kerstdag
    ]);
  });

  it('counts 5 May every year, not only in lustrum years', () => {
    for (const year of [2026, 2027, 2028, 2029, 2030]) {
      expect(generalHolidayOn(d(`${year}-05-05`))).toBe('Bevrijdingsdag');
    }
  });

  it('moves Koningsdag to 26 April when the 27th is a Sunday', () => {
    expect(generalHolidayOn(d('2025-04-26'))).toBe('Koningsdag');
    expect(generalHolidayOn(d('2025-04-27'))).toBeUndefined();
  });

  it('treats days equated by decree (art. 3 lid 3) as holidays when the caller lists them', () => {
    expect(generalHolidayOn(d('2026-05-15'))).toBeUndefined();
    expect(generalHolidayOn(d('2026-05-15'), ['2026-05-15'])).toBe('gelijkgestelde dag');
    expect(() => generalHolidayOn(d('2026-05-15'), ['15-05-2026'])).toThrow(
      /Invalid equated day '15-05-2026'/,
    );
  });

  it('a Saturday, a Sunday and a holiday are rest days; an ordinary Monday is not', () => {
    expect(isGeneralRestDay(d('2026-12-05'))).toBe(true);
    expect(isGeneralRestDay(d('2026-12-06'))).toBe(true);
    expect(isGeneralRestDay(d('2026-04-03'))).toBe(true);
    expect(isGeneralRestDay(d('2026-12-07'))).toBe(false);
  });
});
