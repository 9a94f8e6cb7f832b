import { describe, expect, it } from 'vitest';
import type { ReceivableInput } from '../receivable/index.js';
import { type DossierItem, disputedExternalIds, dossierReceivable, dossierView } from './dossier.js';

const item = (externalId: string, dueDate: string, balance: number, status: DossierItem['status'] = 'open') =>
  ({
    input: {
      externalId,
      dueDate,
      amount: 62079,
      description: `Huur ${externalId}`,
      currency: 'EUR',
    } as unknown as ReceivableInput,
    balance,
    status,
  }) satisfies DossierItem;

describe('dossier items and total', () => {
  const items = [
    item('r-3', '2026-12-01', 62079),
    item('r-1', '2026-10-01', 62079),
    item('r-2', '2026-11-01', 62079),
  ];

  it('sums the open balances and lists the items oldest first', () => {
    const view = dossierView(items);
    expect(view.total).toBe(186237);
    expect(view.count).toBe(3);
    expect(view.items.map((i) => i.externalId)).toEqual(['r-1', 'r-2', 'r-3']);
  });

  it('stands for its oldest open item with balance = the total', () => {
    const r = dossierReceivable(items);
    expect(r.input.externalId).toBe('r-1');
    expect(r.balance).toBe(186237);
    expect(r.status).toBe('open');
  });

  it('leaves paid and disputed items out of the total', () => {
    const mixed = [
      item('r-1', '2026-10-01', 0, 'paid'),
      ...items.slice(0, 1),
      item('r-2', '2026-11-01', 62079),
    ];
    const disputed = disputedExternalIds({ dispute: { externalIds: ['r-2'], note: 'x' } });
    expect(dossierView(mixed, disputed)).toMatchObject({ total: 62079, count: 1 });
    expect(dossierReceivable(mixed, disputed).input.externalId).toBe('r-3');
  });

  it('is paid with balance 0 when nothing is open', () => {
    const r = dossierReceivable([item('r-1', '2026-10-01', 0, 'paid'), item('r-2', '2026-11-01', 0, 'paid')]);
    expect(r).toMatchObject({ balance: 0, status: 'paid' });
    expect(dossierView([item('r-1', '2026-10-01', 0, 'paid')])).toMatchObject({
      total: 0,
      count: 0,
      items: [],
    });
  });

  it('reads no disputed items from statuses without a dispute or with hostile shapes', () => {
    expect(disputedExternalIds({}).size).toBe(0);
    expect(disputedExternalIds(null).size).toBe(0);
    expect([...disputedExternalIds({ dispute: { externalIds: ['a', 7, null] } })]).toEqual(['a']);
  });
});
