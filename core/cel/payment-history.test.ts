import { describe, expect, it } from 'vitest';
import { EMPTY_PAYMENT_HISTORY, type PaymentHistoryEntry, summarizePaymentHistory } from './index.js';

// Monthly rent of €850 (€875 from June), due on the 1st, seen on 15 July 2025.
const rent: PaymentHistoryEntry[] = [
  { dueDate: '2024-11-01', paidDate: '2024-12-20', amount: 85_000 }, // older than six months: ignored
  { dueDate: '2024-12-01', amount: 85_000 }, // older than six months and unpaid: ignored
  { dueDate: '2025-01-01', paidDate: '2025-03-01', amount: 85_000 }, // before 15 January: ignored
  { dueDate: '2025-02-01', paidDate: '2025-02-01', amount: 85_000 }, // on the day: on time
  { dueDate: '2025-03-01', paidDate: '2025-04-05', amount: 85_000 }, // 35 days late
  { dueDate: '2025-04-01', paidDate: '2025-03-28', amount: 85_000 }, // early: on time
  { dueDate: '2025-05-01', paidDate: '2025-05-11', amount: 85_000 }, // 10 days late
  { dueDate: '2025-06-01', amount: 87_500 }, // unpaid: 44 days late by 15 July
  { dueDate: '2025-07-01', paidDate: '2025-07-01', amount: 87_500 }, // on time
  { dueDate: '2025-08-01', amount: 87_500 }, // not due yet: ignored
];

describe('summarizePaymentHistory', () => {
  it('summarizes a realistic six-month rent history: late, on time, unpaid, older entries ignored', () => {
    expect(summarizePaymentHistory(rent, '2025-07-15')).toEqual({
      periods: 6,
      timesLate: 3,
      maxDaysLate: 44,
      avgDaysLate: 29.67,
      unpaidCount: 1,
      totalLateAmount: 85_000 + 85_000 + 87_500,
      onTimeStreak: 1,
    });
  });

  it('takes the calendar date of a Date asOf in Europe/Amsterdam by default', () => {
    // 22:30 UTC on 14 July is already 15 July in Amsterdam.
    expect(summarizePaymentHistory(rent, new Date('2025-07-14T22:30:00Z'))).toEqual(
      summarizePaymentHistory(rent, '2025-07-15'),
    );
    expect(
      summarizePaymentHistory(rent, new Date('2025-07-14T22:30:00Z'), 6, { timeZone: 'UTC' }).maxDaysLate,
    ).toBe(43);
  });

  it('gives six monthly periods also when asOf is the due day itself', () => {
    const summary = summarizePaymentHistory(rent, '2025-07-01');
    expect(summary.periods).toBe(6); // February up to and including July
    expect(summary.unpaidCount).toBe(1);
    expect(summary.maxDaysLate).toBe(35);
  });

  it('treats a payment due today and not yet paid as neither late nor on time', () => {
    const summary = summarizePaymentHistory(
      [
        { dueDate: '2025-06-01', paidDate: '2025-05-30', amount: 100 },
        { dueDate: '2025-07-01', amount: 100 },
      ],
      '2025-07-01',
    );
    expect(summary).toMatchObject({ periods: 2, timesLate: 0, unpaidCount: 0, onTimeStreak: 1 });
  });

  it('counts a payment made after asOf as unpaid on asOf', () => {
    const summary = summarizePaymentHistory(
      [{ dueDate: '2025-06-01', paidDate: '2025-07-20', amount: 100 }],
      '2025-07-01',
    );
    expect(summary).toMatchObject({ timesLate: 1, unpaidCount: 1, maxDaysLate: 30 });
  });

  it('counts the on-time streak from the most recent period backwards, in any input order', () => {
    const summary = summarizePaymentHistory(
      [
        { dueDate: '2025-06-01', paidDate: '2025-06-01', amount: 1 },
        { dueDate: '2025-03-01', paidDate: '2025-03-20', amount: 1 },
        { dueDate: '2025-05-01', paidDate: '2025-04-30', amount: 1 },
        { dueDate: '2025-04-01', paidDate: '2025-04-01', amount: 1 },
      ],
      '2025-06-15',
    );
    expect(summary.onTimeStreak).toBe(3);
  });

  it('honours a shorter window', () => {
    expect(summarizePaymentHistory(rent, '2025-07-15', 3)).toMatchObject({
      periods: 3,
      timesLate: 2,
      maxDaysLate: 44,
    });
  });

  it('returns zeros for an empty history', () => {
    expect(summarizePaymentHistory([], '2025-07-15')).toEqual(EMPTY_PAYMENT_HISTORY);
  });

  it('rejects dates that are not YYYY-MM-DD, naming the entry', () => {
    expect(() => summarizePaymentHistory([{ dueDate: '01-06-2025', amount: 1 }], '2025-07-15')).toThrow(
      'payment history entry 0 dueDate must be a date written YYYY-MM-DD, got "01-06-2025"',
    );
    expect(() => summarizePaymentHistory([{ dueDate: '2025-02-30', amount: 1 }], '2025-07-15')).toThrow(
      RangeError,
    );
    expect(() => summarizePaymentHistory([], '2025-07-15', 0)).toThrow(
      'months must be a positive whole number',
    );
  });
});
