import { describe, expect, it } from 'vitest';
import { formatMoney } from './money.js';

describe('formatMoney', () => {
  it('formats euros the Dutch way with a plain space after the sign', () => {
    expect(formatMoney(62079, 'EUR', 'nl')).toBe('€ 620,79');
    expect(formatMoney(62079, 'EUR', 'nl')).not.toMatch(/[\u00a0\u202f]/);
  });

  it('uses dots for thousands in nl-NL', () => {
    expect(formatMoney(123456, 'EUR', 'nl')).toBe('€ 1.234,56');
    expect(formatMoney(123456700, 'EUR', 'nl')).toBe('€ 1.234.567,00');
  });

  it('puts the minus before the euro sign', () => {
    expect(formatMoney(-500, 'EUR', 'nl')).toBe('-€ 5,00');
    expect(formatMoney(-500, 'EUR', 'en')).toBe('-€5.00');
  });

  it('formats English without a space and with a decimal point', () => {
    expect(formatMoney(62079, 'EUR', 'en')).toBe('€620.79');
    expect(formatMoney(123456700, 'EUR', 'en')).toBe('€1,234,567.00');
  });

  it('formats small and zero amounts with leading zeros', () => {
    expect(formatMoney(5, 'EUR', 'nl')).toBe('€ 0,05');
    expect(formatMoney(0, 'EUR', 'nl')).toBe('€ 0,00');
  });

  it('is exact for amounts beyond floating-point cent precision', () => {
    expect(formatMoney(9007199254740991, 'EUR', 'nl')).toBe('€ 90.071.992.547.409,91');
  });

  it('honours currencies without minor units', () => {
    expect(formatMoney(1500, 'JPY', 'nl')).toBe('JP¥ 1.500');
  });

  it('rejects fractional amounts and unknown currencies', () => {
    expect(() => formatMoney(620.79, 'EUR', 'nl')).toThrow(/integer number of minor units/);
    expect(() => formatMoney(100, 'euro', 'nl')).toThrow(/ISO 4217/);
  });
});
