import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateReceivable } from './index.js';

const example = () =>
  JSON.parse(
    readFileSync(
      new URL('../../examples/01-woonstad-noord/receivables/storno.json', import.meta.url),
      'utf8',
    ),
  );

describe('receivable contract', () => {
  it('accepts the example receivable and fills the currency default', () => {
    const r = example();
    delete r.currency;
    const result = validateReceivable(r);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.value.currency).toBe('EUR');
  });

  it('names the field of a bad email and of a missing debtor name', () => {
    const r = example();
    r.debtor.email = 'not-an-email';
    delete r.debtor.name;
    const result = validateReceivable(r);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors).toContainEqual({ field: 'debtor.email', message: 'must be a valid email' });
      expect(result.errors).toContainEqual({ field: 'debtor.name', message: 'is required' });
    }
  });

  it('takes an optional complex, never one a spreadsheet would run as a formula', () => {
    const r = example();
    r.complex = 'C-0412 / blok B';
    expect(validateReceivable(r).ok).toBe(true);
    for (const bad of ['=HYPERLINK("x")', '', 'x'.repeat(41)]) {
      r.complex = bad;
      const result = validateReceivable(r);
      expect(result.ok, bad).toBe(false);
      if (!result.ok) expect(result.errors[0]?.field).toBe('complex');
    }
  });

  it('rejects amounts in euros with decimals: amounts are cents', () => {
    const r = example();
    r.amount = 620.79;
    const result = validateReceivable(r);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]?.field).toBe('amount');
  });

  it('rejects unknown fields so a typo is not silently ignored', () => {
    const r = { ...example(), dueDat: '2026-01-01' };
    const result = validateReceivable(r);
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.errors).toContainEqual({ field: 'dueDat', message: 'is not a known field' });
  });

  it('rejects a balance above the amount', () => {
    const result = validateReceivable({ ...example(), balance: 99999999 });
    expect(result.ok).toBe(false);
  });
});
