import { describe, expect, it } from 'vitest';
import { type LocalDate, localDateKey, parseLocalDate } from '../calendar/index.js';
import { type Payment, type PaymentPromise, promiseStatus, validatePromise } from './index.js';

const d = (text: string): LocalDate => parseLocalDate(text)!;
const pay = (paidOn: string, amountCents: number): Payment => ({ paidOn: d(paidOn), amountCents });
const promise: PaymentPromise = { madeOn: d('2026-12-02'), promisedOn: d('2026-12-15'), amountCents: 65_000 };

describe('promise to pay: the chosen date and amount', () => {
  const limits = { maxDaysAhead: 21, minAmountCents: 65_000 };

  it('accepts a date within the limit', () => {
    expect(validatePromise(promise, limits)).toEqual({ valid: true, violations: [] });
    // exactly 21 days ahead is still allowed
    expect(validatePromise({ ...promise, promisedOn: d('2026-12-23') }, limits).valid).toBe(true);
  });

  it('refuses a date too far ahead or in the past, and too small an amount, naming the field', () => {
    expect(validatePromise({ ...promise, promisedOn: d('2026-12-24') }, limits).violations).toEqual([
      {
        field: 'promisedOn',
        code: 'date-too-far',
        message: '2026-12-24 is 22 days ahead; at most 21 are allowed (2026-12-23)',
      },
    ]);
    expect(validatePromise({ ...promise, promisedOn: d('2026-12-01') }, limits).violations[0]!.code).toBe(
      'date-in-the-past',
    );
    expect(validatePromise({ ...promise, amountCents: 30_000 }, limits).violations).toEqual([
      {
        field: 'amountCents',
        code: 'amount-too-small',
        message: '€ 300,00 is less than the minimum € 650,00',
      },
    ]);
  });
});

describe('promise to pay: kept or broken', () => {
  const status = (payments: Payment[], on: string) => promiseStatus(promise, payments, d(on), 3);

  it('is pending before the promised day, and in grace after it', () => {
    expect(status([], '2026-12-10')).toMatchObject({
      kind: 'pending',
      inGrace: false,
      outstandingCents: 65_000,
    });
    const s = status([pay('2026-12-15', 20_000)], '2026-12-16');
    expect(s).toMatchObject({ kind: 'pending', inGrace: true, paidCents: 20_000, outstandingCents: 45_000 });
    expect(s.kind === 'pending' && localDateKey(s.graceEndsOn)).toBe('2026-12-18');
  });

  it('is kept by payments that add up to the amount by the end of grace', () => {
    const s = status([pay('2026-12-10', 40_000), pay('2026-12-18', 25_000)], '2027-01-05');
    expect(s).toMatchObject({ kind: 'kept', paidCents: 65_000 });
    expect(s.kind === 'kept' && localDateKey(s.keptOn)).toBe('2026-12-18');
  });

  it('is broken the day after grace without full payment, and a later payment does not mend it', () => {
    const s = status([pay('2026-12-15', 60_000), pay('2026-12-19', 5_000)], '2026-12-19');
    expect(s).toMatchObject({ kind: 'broken', paidCents: 60_000, outstandingCents: 5_000 });
    expect(s.kind === 'broken' && localDateKey(s.brokenOn)).toBe('2026-12-19');
  });

  it('does not count payments made before the promise', () => {
    expect(status([pay('2026-12-01', 65_000)], '2026-12-20').kind).toBe('broken');
  });
});
