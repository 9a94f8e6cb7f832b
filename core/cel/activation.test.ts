import { describe, expect, it } from 'vitest';
import { buildActivation, summarizePaymentHistory } from './index.js';

const receivable = {
  externalId: 'INV-7',
  kind: 'invoice',
  amount: 12_345,
  dueDate: '2025-07-01',
  source: 'test' as const,
};

describe('buildActivation', () => {
  it('assembles the declared variables with their defaults', () => {
    const activation = buildActivation({
      receivable,
      debtor: { id: 'D-1' },
      now: new Date('2025-07-15T08:00:00Z'),
    });
    expect(activation).toEqual({
      receivable: {
        externalId: 'INV-7',
        kind: 'invoice',
        amount: 12_345,
        balance: 12_345,
        currency: 'EUR',
        dueDate: '2025-07-01',
        stornoReasonCode: '',
        source: 'test',
        paid: false,
        classification: '',
      },
      debtor: {
        id: 'D-1',
        locale: '',
        preferredChannel: '',
        hasEmail: false,
        hasPhone: false,
        hasAddress: false,
        tenancyStartDate: '',
      },
      history: {
        periods: 0,
        timesLate: 0,
        maxDaysLate: 0,
        avgDaysLate: 0,
        unpaidCount: 0,
        totalLateAmount: 0,
        onTimeStreak: 0,
      },
      now: new Date('2025-07-15T08:00:00Z'),
      daysOverdue: 14,
    });
  });

  it('derives contact flags from present, non-blank contact data', () => {
    const activation = buildActivation({
      receivable,
      debtor: { id: 'D-1', email: ' ', phone: '+31612345678', postalAddress: { street: 'Kerkplein 2' } },
      now: new Date('2025-07-15T08:00:00Z'),
    });
    expect(activation.debtor).toMatchObject({ hasEmail: false, hasPhone: true, hasAddress: true });
    const emptyAddress = buildActivation({
      receivable,
      debtor: { id: 'D-1', address: { street: '', city: '' } },
      now: new Date('2025-07-15T08:00:00Z'),
    });
    expect(emptyAddress.debtor.hasAddress).toBe(false);
  });

  it('counts overdue days on the Amsterdam calendar and never below zero', () => {
    const justAfterMidnight = new Date('2025-07-14T22:30:00Z'); // 15 July 00:30 in Amsterdam
    expect(buildActivation({ receivable, debtor: { id: 'D-1' }, now: justAfterMidnight }).daysOverdue).toBe(
      14,
    );
    expect(
      buildActivation({ receivable, debtor: { id: 'D-1' }, now: justAfterMidnight, timeZone: 'UTC' })
        .daysOverdue,
    ).toBe(13);
    const notDue = buildActivation({
      receivable,
      debtor: { id: 'D-1' },
      now: new Date('2025-06-20T08:00:00Z'),
    });
    expect(notDue.daysOverdue).toBe(0);
  });

  it('summarizes raw history over the six months before now, or takes a given summary', () => {
    const entries = [
      { dueDate: '2024-12-01', amount: 100 },
      { dueDate: '2025-06-01', paidDate: '2025-06-11', amount: 100 },
    ];
    const now = new Date('2025-07-15T08:00:00Z');
    const activation = buildActivation({ receivable, debtor: { id: 'D-1' }, history: entries, now });
    expect(activation.history).toEqual(summarizePaymentHistory(entries, '2025-07-15'));
    expect(activation.history.timesLate).toBe(1);

    const given = { ...activation.history, timesLate: 5 };
    expect(buildActivation({ receivable, debtor: { id: 'D-1' }, history: given, now }).history).toEqual(
      given,
    );
  });

  it('fills the running case and keeps the classification', () => {
    const activation = buildActivation({
      receivable,
      debtor: { id: 'D-1' },
      now: new Date('2025-07-15T08:00:00Z'),
      classification: 'first-invoice',
      case: { bounced: true, channelsTried: ['email'] },
    });
    expect(activation.classification).toBe('first-invoice');
    expect(activation.case).toEqual({
      stepsSent: 0,
      opened: false,
      clicked: false,
      bounced: true,
      channelsTried: ['email'],
      costsAdded: 0,
    });
  });

  it('rejects a due date that is not YYYY-MM-DD', () => {
    expect(() =>
      buildActivation({
        receivable: { ...receivable, dueDate: '1-7-2025' },
        debtor: { id: 'D-1' },
        now: new Date(),
      }),
    ).toThrow('receivable INV-7 dueDate must be a date written YYYY-MM-DD, got "1-7-2025"');
  });
});
