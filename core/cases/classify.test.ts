import { describe, expect, it } from 'vitest';
import type { ReceivableInput } from '../receivable/index.js';
import { activationFor } from './classify.js';
import { receivableState } from './receivable-state.js';

const NOW = new Date('2026-12-01T09:00:00Z');
const input = {
  externalId: 'HUUR-1',
  kind: 'rent',
  amount: 87_500,
  dueDate: '2026-11-01',
  source: 'production',
  debtor: { id: 'D-1', email: 'huurder@example.nl' },
} as ReceivableInput;

describe('activationFor', () => {
  it('builds one activation for classification and the first turn of one receivable at one instant', () => {
    const state = receivableState(input);
    const forRules = activationFor(state, NOW, 'Europe/Amsterdam');
    const forFlow = activationFor(state, NOW, 'Europe/Amsterdam', 'rent');
    expect(forRules.classification).toBeUndefined();
    expect(forFlow.classification).toBe('rent');
    expect(forFlow.receivable).toBe(forRules.receivable);
    expect(forFlow.debtor).toBe(forRules.debtor);
  });

  it('builds again when the balance, the status, the instant or the zone differ', () => {
    const state = receivableState(input);
    const first = activationFor(state, NOW, 'Europe/Amsterdam');
    const paid = activationFor({ ...state, balance: 0, status: 'paid' }, NOW, 'Europe/Amsterdam');
    expect(paid.receivable.balance).toBe(0);
    expect(paid.receivable.paid).toBe(true);
    const later = activationFor(state, new Date('2026-12-20T09:00:00Z'), 'Europe/Amsterdam');
    expect(later.daysOverdue).toBe(49);
    expect(activationFor(state, NOW, 'Europe/Amsterdam').daysOverdue).toBe(first.daysOverdue);
    expect(first.daysOverdue).toBe(30);
    const elsewhere = activationFor(state, new Date('2026-12-01T23:30:00Z'), 'Pacific/Kiritimati');
    expect(elsewhere.daysOverdue).toBe(31);
  });
});
