// What templates see of a dossier's payment arrangement (docs/collections-law.md § 3).
import { describe, expect, it } from 'vitest';
import type { CaseArrangement } from '../engine/index.js';
import { arrangementContext } from './arrangement-context.js';

const plan = (payments: CaseArrangement['payments'] = []): CaseArrangement => ({
  kind: 'plan',
  source: 'console',
  madeOn: '2026-12-01',
  graceDays: 7,
  terms: [
    { dueOn: '2026-12-15', amountCents: 15_000 },
    { dueOn: '2027-01-15', amountCents: 15_000 },
    { dueOn: '2027-02-15', amountCents: 12_079 },
  ],
  totalCents: 42_079,
  payments,
});

const at = (iso: string, locale: 'nl' | 'en' = 'nl') => ({
  now: new Date(iso),
  locale,
  timezone: 'Europe/Amsterdam',
  currency: 'EUR',
});

describe('arrangementContext', () => {
  it('names the next instalment not yet paid, its amount and due date, in Dutch and in English', () => {
    expect(arrangementContext(plan(), at('2026-12-12T08:00:00Z'))).toEqual({
      kind: 'plan',
      terms: 3,
      total: '€ 420,79',
      remaining: '€ 420,79',
      next: { number: 1, amount: '€ 150,00', dueOn: '15 december 2026' },
    });
    expect(arrangementContext(plan(), at('2026-12-12T08:00:00Z', 'en'))?.next).toEqual({
      number: 1,
      amount: '€150.00',
      dueOn: '15 December 2026',
    });
  });

  it('counts payments: a partly paid instalment shows what is still open of it; a paid one moves on', () => {
    const partly = arrangementContext(
      plan([{ paidOn: '2026-12-10', amountCents: 5_000 }]),
      at('2026-12-12T08:00:00Z'),
    );
    expect(partly).toMatchObject({
      remaining: '€ 370,79',
      next: { number: 1, amount: '€ 100,00', dueOn: '15 december 2026' },
    });
    const paid = arrangementContext(
      plan([{ paidOn: '2026-12-14', amountCents: 15_000 }]),
      at('2027-01-12T08:00:00Z'),
    );
    expect(paid?.next).toEqual({ number: 2, amount: '€ 150,00', dueOn: '15 januari 2027' });
  });

  it('within the grace period the late instalment is still the next; after it and when paid in full there is none', () => {
    expect(arrangementContext(plan(), at('2026-12-20T08:00:00Z'))?.next?.number).toBe(1);
    const broken = arrangementContext(plan(), at('2026-12-23T08:00:00Z'));
    expect(broken).toMatchObject({ kind: 'plan', remaining: '€ 420,79' });
    expect(broken?.next).toBeUndefined();
    const done = arrangementContext(
      plan([{ paidOn: '2026-12-14', amountCents: 42_079 }]),
      at('2026-12-20T08:00:00Z'),
    );
    expect(done).toMatchObject({ remaining: '€ 0,00' });
    expect(done?.next).toBeUndefined();
  });

  it('reads the day in the corporation’s zone: 23:30 UTC on the 14th is already the 15th in Amsterdam', () => {
    const promise: CaseArrangement = {
      ...plan(),
      kind: 'promise',
      terms: [{ dueOn: '2026-12-15', amountCents: 42_079 }],
    };
    expect(arrangementContext(promise, at('2026-12-14T23:30:00Z'))).toEqual({
      kind: 'promise',
      terms: 1,
      total: '€ 420,79',
      remaining: '€ 420,79',
      next: { number: 1, amount: '€ 420,79', dueOn: '15 december 2026' },
    });
  });

  it('is absent without an arrangement, with dates that do not read or terms short of the total', () => {
    expect(arrangementContext(undefined, at('2026-12-12T08:00:00Z'))).toBeUndefined();
    const bad = { ...plan(), terms: [{ dueOn: '15-12-2026', amountCents: 42_079 }] };
    expect(arrangementContext(bad, at('2026-12-12T08:00:00Z'))).toBeUndefined();
    expect(
      arrangementContext({ kind: 'plan' } as CaseArrangement, at('2026-12-12T08:00:00Z')),
    ).toBeUndefined();
    const noPayments = { ...plan(), payments: undefined } as unknown as CaseArrangement;
    expect(arrangementContext(noPayments, at('2026-12-12T08:00:00Z'))?.next?.number).toBe(1);
    // Every term paid, the total (wrongly stored) not reached: the rule refuses the plan.
    const short = { ...plan([{ paidOn: '2026-12-10', amountCents: 42_079 }]), totalCents: 99_999 };
    expect(arrangementContext(short, at('2026-12-12T08:00:00Z'))).toBeUndefined();
  });
});
