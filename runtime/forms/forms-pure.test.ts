import { describe, expect, it } from 'vitest';
import { TEXTS } from '../web/index.js';
import { normaliseEmail, normaliseMobile, validateContact } from './contact-validation.js';
import { csvCell, toCsv } from './csv.js';
import { validateMeterFields } from './meter-input.js';
import { checkReading, yearlyUseFrom } from './meter-plausibility.js';

describe('contact data', () => {
  it('normalises Dutch mobile numbers as people type them to E.164', () => {
    for (const typed of [
      '06 12345678',
      '06-1234 5678',
      '+31 6 12345678',
      '0031612345678',
      '(06) 12.34.56.78',
    ]) {
      expect(normaliseMobile(typed), typed).toBe('+31612345678');
    }
    expect(normaliseMobile('+32 470 12 34 56')).toBe('+32470123456');
  });

  it('refuses landlines and junk', () => {
    for (const typed of ['020 1234567', '+31201234567', '12345', 'zes', ''])
      expect(normaliseMobile(typed)).toBeUndefined();
  });

  it('checks email addresses and lower-cases the domain only', () => {
    expect(normaliseEmail(' K.Balogun@Example.ORG ')).toBe('K.Balogun@example.org');
    for (const bad of ['a@', '@b.nl', 'a@b', 'a b@c.nl', 'a@b..nl'])
      expect(normaliseEmail(bad), bad).toBeUndefined();
  });

  it('needs one of the two and names the field of each error', () => {
    const t = TEXTS.nl;
    expect(validateContact({}, t)).toEqual({ ok: false, errors: { mobile: t.contactNeedOne } });
    expect(validateContact({ mobile: '123', email: 'x@' }, t)).toEqual({
      ok: false,
      errors: { mobile: t.mobileInvalid, email: t.emailInvalid },
    });
    expect(validateContact({ email: 'a@b.nl' }, t)).toEqual({ ok: true, values: { email: 'a@b.nl' } });
  });
});

describe('meter plausibility', () => {
  const baseline = { reading: 1200, readOn: '2025-05-01', yearlyUse: 100 };

  it('a reading lower than the last one is implausible', () => {
    expect(checkReading(1199, '2026-05-01', baseline)).toEqual({ ok: false, reason: 'lower', last: 1200 });
  });

  it('more than three times the yearly use (per year since, at least one) is implausible', () => {
    expect(checkReading(1500, '2026-05-01', baseline)).toEqual({ ok: true });
    expect(checkReading(1501, '2026-05-01', baseline)).toMatchObject({
      ok: false,
      reason: 'too-high',
      limit: 300,
    });
    expect(checkReading(1700, '2027-05-01', baseline)).toEqual({ ok: true });
  });

  it('without a baseline or yearly use there is nothing to compare with', () => {
    expect(checkReading(5, '2026-01-01', undefined)).toEqual({ ok: true });
    expect(checkReading(99_999, '2026-01-01', { reading: 1, readOn: '2025-01-01' })).toEqual({ ok: true });
  });

  it('derives the yearly use from readings at least half a year apart', () => {
    expect(
      yearlyUseFrom([
        { reading: 100, readOn: '2024-01-01' },
        { reading: 300, readOn: '2026-01-01' },
      ]),
    ).toBeCloseTo(100, 0);
    expect(
      yearlyUseFrom([
        { reading: 100, readOn: '2025-12-01' },
        { reading: 300, readOn: '2026-01-01' },
      ]),
    ).toBeUndefined();
  });
});

describe('meter fields (the tenant form and the console alike)', () => {
  const t = TEXTS.nl;
  it('takes a meter number, a whole reading and a date not in the future', () => {
    expect(
      validateMeterFields({ meterNumber: ' WM-12 ', reading: '04512', readOn: '2026-01-02' }, undefined, t),
    ).toEqual({
      ok: true,
      values: { meterNumber: 'WM-12', reading: 4512, readOn: '2026-01-02' },
    });
  });
  it('names every bad field; a meter number the ERP fixed is not asked', () => {
    expect(
      validateMeterFields({ meterNumber: '=1', reading: '12,5', readOn: '2999-01-01' }, undefined, t),
    ).toEqual({
      ok: false,
      errors: { meterNumber: t.meterNumberRequired, reading: t.readingRequired, readOn: t.readOnInvalid },
    });
    expect(
      validateMeterFields({ meterNumber: '', reading: '7', readOn: '2026-01-02' }, 'WM-9', t),
    ).toMatchObject({
      ok: true,
      values: { meterNumber: 'WM-9' },
    });
  });
});

describe('csv', () => {
  it('quotes, and defuses formulas without touching phone numbers', () => {
    expect(csvCell('a,"b"')).toBe('"a,""b"""');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('+31612345678')).toBe('+31612345678');
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(toCsv(['a', 'b'], [[1, null]])).toBe('a,b\r\n1,\r\n');
  });
});
