import { describe, expect, it } from 'vitest';
import { addLocalMonths, type LocalDate, localDateKey, parseLocalDate } from '../calendar/index.js';
import {
  type ArrangementLimits,
  type ArrangementPlan,
  allocateToTerms,
  arrangementStatus,
  equalInstalments,
  type Payment,
  termAwaited,
  validateArrangement,
} from './index.js';

const d = (text: string): LocalDate => parseLocalDate(text)!;
const limits: ArrangementLimits = {
  maxTerms: 12,
  minTermCents: 2_500,
  maxTotalCents: 500_000,
  firstTermWithinDays: 14,
};
const tenant = { id: 'T1', brokenArrangementsThisYear: 0 };
const context = {
  today: d('2026-12-02'),
  debtor: tenant,
  qualifies: (t: typeof tenant) => t.brokenArrangementsThisYear < 2 || 'two arrangements broke this year',
};
const plan = (totalCents: number, ...terms: [string, number][]): ArrangementPlan => ({
  totalCents,
  terms: terms.map(([dueOn, amountCents]) => ({ dueOn: d(dueOn), amountCents })),
});

describe('validating a proposed arrangement', () => {
  it('accepts a plan within every limit', () => {
    const result = validateArrangement(
      plan(60_000, ['2026-12-10', 30_000], ['2027-01-10', 30_000]),
      limits,
      context,
    );
    expect(result).toEqual({ valid: true, violations: [] });
  });

  it('names each field that breaks a limit', () => {
    // 13 instalments of € 20 from 1 Jan 2027, then one of € 5.740: 13 × 2000 + 574000 = 600000
    const terms: [string, number][] = Array.from({ length: 13 }, (_, i) => [
      localDateKey(addLocalMonths(d('2027-01-01'), i)),
      2_000,
    ]);
    terms.push(['2028-02-01', 574_000]);
    const result = validateArrangement(plan(600_000, ...terms), limits, context);
    expect(result.valid).toBe(false);
    expect(result.violations.map((v) => [v.field, v.code])).toEqual([
      ['totalCents', 'total-too-large'],
      ['terms', 'too-many-terms'],
      ...Array.from({ length: 13 }, (_, i) => [`terms[${i}].amountCents`, 'term-too-small']),
      ['terms[0].dueOn', 'first-term-too-late'],
    ]);
    expect(result.violations[0]!.message).toBe('the total € 6.000,00 is more than the maximum € 5.000,00');
    expect(result.violations.at(-1)!.message).toBe(
      'the first instalment is due 2027-01-01, later than 2026-12-16 (14 days from today)',
    );
  });

  it('finds instalments that do not add up, lie in the past or are out of order', () => {
    const result = validateArrangement(
      plan(60_000, ['2026-12-01', 30_000], ['2026-12-20', 20_000], ['2026-12-20', 5_000]),
      limits,
      context,
    );
    expect(result.violations.map((v) => [v.field, v.code])).toEqual([
      ['terms[0].dueOn', 'term-in-the-past'],
      ['terms[2].dueOn', 'terms-out-of-order'],
      ['terms', 'terms-do-not-add-up'],
    ]);
  });

  it('reports a due date that is no calendar date instead of failing', () => {
    const bad = {
      totalCents: 30_000,
      terms: [{ dueOn: { year: 2027, month: 2, day: 30 }, amountCents: 30_000 }],
    };
    expect(validateArrangement(bad, limits, context).violations).toEqual([
      {
        field: 'terms[0].dueOn',
        code: 'invalid-date',
        message: 'is not a calendar date: {"year":2027,"month":2,"day":30}',
      },
    ]);
  });

  it('uses the eligibility rule the caller supplies, with its reason', () => {
    const result = validateArrangement(plan(30_000, ['2026-12-10', 30_000]), limits, {
      ...context,
      debtor: { id: 'T2', brokenArrangementsThisYear: 2 },
    });
    expect(result.violations).toEqual([
      { field: 'debtor', code: 'not-eligible', message: 'two arrangements broke this year' },
    ]);
  });

  it('refuses limits that make no sense, naming the setting', () => {
    expect(() =>
      validateArrangement(plan(1, ['2026-12-10', 1]), { ...limits, maxTerms: 0 }, context),
    ).toThrow(/^limits\.maxTerms: must be a whole number of at least 1, got 0/);
  });
});

describe('building equal instalments', () => {
  it('splits the total so the sum is exact and the remainder goes to the earliest instalments', () => {
    // € 1.000,00 over 3: 33333 × 3 = 99999, remainder 1 cent -> first instalment 33334
    const p = equalInstalments(100_000, 3, d('2027-01-31'));
    expect(p.terms.map((t) => [localDateKey(t.dueOn), t.amountCents])).toEqual([
      ['2027-01-31', 33_334],
      ['2027-02-28', 33_333],
      ['2027-03-31', 33_333],
    ]);
    expect(p.terms.reduce((s, t) => s + t.amountCents, 0)).toBe(100_000);
  });

  it('gives the remainder one cent at a time: € 100,05 over 4 is 2502, 2501, 2501, 2501', () => {
    // 10005 / 4 = 2501 rest 1
    expect(equalInstalments(10_005, 4, d('2027-01-01')).terms.map((t) => t.amountCents)).toEqual([
      2_502, 2_501, 2_501, 2_501,
    ]);
    // 10007 / 4 = 2501 rest 3
    expect(equalInstalments(10_007, 4, d('2027-01-01')).terms.map((t) => t.amountCents)).toEqual([
      2_502, 2_502, 2_502, 2_501,
    ]);
  });

  it('can space instalments in days, and a built plan passes validation', () => {
    const p = equalInstalments(60_000, 4, d('2026-12-10'), { days: 14 });
    expect(p.terms.map((t) => localDateKey(t.dueOn))).toEqual([
      '2026-12-10',
      '2026-12-24',
      '2027-01-07',
      '2027-01-21',
    ]);
    expect(validateArrangement(p, limits, context).valid).toBe(true);
  });

  it('refuses more instalments than cents', () => {
    expect(() => equalInstalments(2, 3, d('2027-01-01'))).toThrow(/^termCount: /);
  });
});

describe('matching payments to an arrangement', () => {
  // three instalments of € 100 on 1 Jan, 1 Feb and 1 Mar 2027, 5 days' grace
  const p = equalInstalments(30_000, 3, d('2027-01-01'));
  const pay = (paidOn: string, amountCents: number): Payment => ({ paidOn: d(paidOn), amountCents });
  const status = (payments: Payment[], on: string) => arrangementStatus(p, payments, d(on), 5);

  it('is on track before the first due date, pointing at the first instalment', () => {
    expect(status([], '2026-12-20')).toMatchObject({
      kind: 'on-track',
      nextTerm: { index: 0, outstandingCents: 10_000 },
      paidCents: 0,
      remainingCents: 30_000,
    });
  });

  it('is on track after an instalment paid on its due date', () => {
    expect(status([pay('2027-01-01', 10_000)], '2027-01-15')).toMatchObject({
      kind: 'on-track',
      nextTerm: { index: 1, dueOn: d('2027-02-01') },
      remainingCents: 20_000,
    });
  });

  it('is in grace the day after a missed due date, with the day grace ends', () => {
    const s = status([pay('2027-01-01', 10_000), pay('2027-02-01', 4_000)], '2027-02-02');
    expect(s).toMatchObject({ kind: 'term-missed-in-grace', term: { index: 1, outstandingCents: 6_000 } });
    expect(s.kind === 'term-missed-in-grace' && localDateKey(s.graceEndsOn)).toBe('2027-02-06');
  });

  it('awaits the next instalment, or the late one within its grace, and none once broken or paid', () => {
    expect(termAwaited(status([], '2026-12-20'))).toMatchObject({ index: 0 });
    expect(termAwaited(status([pay('2027-01-01', 10_000)], '2027-02-03'))).toMatchObject({
      index: 1,
      outstandingCents: 10_000,
    });
    expect(termAwaited(status([pay('2027-01-01', 10_000)], '2027-02-07'))).toBeUndefined();
    expect(termAwaited(status([pay('2027-01-01', 30_000)], '2027-01-02'))).toBeUndefined();
  });

  it('a payment on the last day of grace keeps the plan going', () => {
    expect(status([pay('2027-01-06', 10_000)], '2027-01-20').kind).toBe('on-track');
  });

  it('breaks on the first instalment still unpaid after its grace', () => {
    const s = status([pay('2027-01-01', 10_000)], '2027-02-07');
    expect(s).toMatchObject({ kind: 'broken', term: { index: 1, outstandingCents: 10_000 } });
    expect(s.kind === 'broken' && localDateKey(s.graceEndedOn)).toBe('2027-02-06');
  });

  it('stays broken when the missed instalment is paid after its grace', () => {
    expect(status([pay('2027-01-10', 10_000)], '2027-01-20')).toMatchObject({
      kind: 'broken',
      term: { index: 0 },
    });
  });

  it('a surplus flows into the next instalments, in order', () => {
    // € 250 on 1 Jan covers instalment 1, 2 and half of 3
    expect(status([pay('2027-01-01', 25_000)], '2027-02-20')).toMatchObject({
      kind: 'on-track',
      nextTerm: { index: 2, outstandingCents: 5_000 },
      paidCents: 25_000,
    });
  });

  it('is completed once everything is paid, on the day the last cent came', () => {
    const s = status([pay('2027-01-01', 10_000), pay('2027-01-25', 20_000)], '2027-06-01');
    expect(s).toMatchObject({ kind: 'completed', paidCents: 30_000, remainingCents: 0 });
    expect(s.kind === 'completed' && localDateKey(s.completedOn)).toBe('2027-01-25');
  });

  it('ignores payments after the day asked about', () => {
    expect(status([pay('2027-01-01', 30_000)], '2026-12-31').kind).toBe('on-track');
  });
});

describe('how much of each instalment is paid', () => {
  it('fills the earliest instalment first and carries the surplus into the next', () => {
    expect(allocateToTerms([10_000, 10_000, 10_000], 0)).toEqual([0, 0, 0]);
    expect(allocateToTerms([10_000, 10_000, 10_000], 15_000)).toEqual([10_000, 5_000, 0]);
    expect(allocateToTerms([10_000, 10_000, 10_001], 40_000)).toEqual([10_000, 10_000, 10_001]);
  });
});
