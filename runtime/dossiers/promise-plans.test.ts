import { describe, expect, it } from 'vitest';
import { checkPromise } from './promise-plans.js';

const corporation = { timezone: 'Europe/Amsterdam', promises: { maxDaysAhead: 14, graceDays: 2 } };
// 23:30 UTC on 2 December is already 3 December in Amsterdam: "today" is the corporation's day.
const now = new Date('2026-12-02T23:30:00Z');
const ask = (date: string, amountCents = 30_100, openCents = 30_100) =>
  checkPromise(corporation, now, { source: 'console', reference: 'r1', date, amountCents, openCents });

describe('a promise to pay, as the tenant page and the console check it', () => {
  it("accepts today up to maxDaysAhead in the corporation's time zone, with its grace days", () => {
    expect(ask('2026-12-03')).toEqual({
      ok: true,
      plan: {
        kind: 'promise',
        source: 'console',
        reference: 'r1',
        madeOn: '2026-12-03',
        graceDays: 2,
        terms: [{ dueOn: '2026-12-03', amountCents: 30_100 }],
      },
    });
    expect(ask('2026-12-17').ok).toBe(true);
  });

  it('names the form field of each problem: the date and the amount', () => {
    const fields = (r: ReturnType<typeof ask>) => (r.ok ? [] : r.errors.map((e) => e.field));
    expect(fields(ask('2026-12-18'))).toEqual(['date']);
    expect(fields(ask('2026-12-02'))).toEqual(['date']);
    expect(fields(ask('18-12-2026'))).toEqual(['date']);
    expect(fields(ask('2026-12-10', 0))).toEqual(['amount']);
    expect(fields(ask('2026-12-10', 30_101))).toEqual(['amount']);
    expect(fields(ask('', 0))).toEqual(['date', 'amount']);
  });

  it('takes the CRD defaults when the corporation has no promises section', () => {
    const bare = checkPromise({ timezone: 'Europe/Amsterdam' }, now, {
      source: 'tenant',
      date: '2026-12-17',
      amountCents: 100,
      openCents: 100,
    });
    expect(bare.ok && bare.plan.graceDays).toBe(3);
  });
});
