import { describe, expect, it } from 'vitest';
import type { ReceivableInput } from '../receivable/index.js';
import type { DossierItem } from './dossier.js';
import { spreadPayment } from './payment-spread.js';

const item = (externalId: string, dueDate: string, balance: number, status: DossierItem['status'] = 'open') =>
  ({
    input: { externalId, dueDate, amount: balance, currency: 'EUR' } as ReceivableInput,
    balance,
    status,
  }) as DossierItem;

// Three months of rent, posted out of order: € 620,79 + € 620,79 + € 620,79 = € 1.862,37.
const months = [
  item('RENT-03', '2026-03-01', 62079),
  item('RENT-01', '2026-01-01', 62079),
  item('RENT-02', '2026-02-01', 62079),
];

describe('spreading a dossier payment over its items', () => {
  it('the total pays every item, oldest first, to zero', () => {
    expect(spreadPayment(months, 186237)).toEqual([
      { externalId: 'RENT-01', amount: 62079, balanceAfter: 0 },
      { externalId: 'RENT-02', amount: 62079, balanceAfter: 0 },
      { externalId: 'RENT-03', amount: 62079, balanceAfter: 0 },
    ]);
  });

  it('a partial payment pays the oldest items first; the item where it runs out keeps the rest open', () => {
    expect(spreadPayment(months, 100000)).toEqual([
      { externalId: 'RENT-01', amount: 62079, balanceAfter: 0 },
      { externalId: 'RENT-02', amount: 37921, balanceAfter: 24158 },
    ]);
    expect(spreadPayment(months, 1)).toEqual([{ externalId: 'RENT-01', amount: 1, balanceAfter: 62078 }]);
  });

  it('skips paid, cancelled, zero and disputed items, and an item paid in part counts with its balance', () => {
    const items = [
      item('A', '2026-01-01', 0),
      item('B', '2026-02-01', 5000, 'cancelled'),
      item('C', '2026-03-01', 12000),
      item('D', '2026-04-01', 30000),
      item('E', '2026-05-01', 20000),
    ];
    expect(spreadPayment(items, 40000, new Set(['D']))).toEqual([
      { externalId: 'C', amount: 12000, balanceAfter: 0 },
      { externalId: 'E', amount: 28000, balanceAfter: -8000 },
    ]);
  });

  it('an amount above the total is not lost: the newest item takes the excess', () => {
    expect(spreadPayment(months, 190000).at(-1)).toEqual({
      externalId: 'RENT-03',
      amount: 65842,
      balanceAfter: -3763,
    });
    const shares = spreadPayment(months, 190000);
    expect(shares.reduce((s, x) => s + x.amount, 0)).toBe(190000);
  });

  it('no open item: no shares; a payment is a positive whole number of cents', () => {
    expect(spreadPayment([item('A', '2026-01-01', 0, 'paid')], 500)).toEqual([]);
    expect(() => spreadPayment(months, 0)).toThrow(RangeError);
    expect(() => spreadPayment(months, 10.5)).toThrow(RangeError);
  });
});
