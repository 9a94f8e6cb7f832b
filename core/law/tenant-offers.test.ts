import { describe, expect, it } from 'vitest';
import { parseLocalDate } from '../calendar/index.js';
import { validateArrangement } from './arrangement-plan.js';
import { tenantLimits, tenantPlanOffers } from './tenant-offers.js';

const today = parseLocalDate('2026-01-31')!;
const policy = { maxTerms: 6, minTermCents: 5_000, allowedClassifications: ['orange', 'red'] };

describe('the plans a tenant may choose on the payment page', () => {
  it('offers two terms up to the most allowed while every term is at least the minimum', () => {
    const offers = tenantPlanOffers(policy, 20_001, 'orange', today);
    expect(offers.eligible).toBe(true);
    if (!offers.eligible) return;
    expect(offers.plans.map((p) => p.terms.length)).toEqual([2, 3, 4]);
    // Monthly from today, clamped to the month's end; the remainder cent goes to the first term.
    expect(offers.plans[1]!.terms.map((t) => [t.dueOn, t.amountCents])).toEqual([
      [{ year: 2026, month: 1, day: 31 }, 6_667],
      [{ year: 2026, month: 2, day: 28 }, 6_667],
      [{ year: 2026, month: 3, day: 31 }, 6_667],
    ]);
    for (const plan of offers.plans) {
      const v = validateArrangement(plan, tenantLimits(policy, 20_001), {
        today,
        debtor: null,
        qualifies: () => true,
      });
      expect(v.violations).toEqual([]);
    }
  });

  it('offers nothing to a classification the corporation does not list, above its maximum, or below two terms', () => {
    expect(tenantPlanOffers(policy, 20_000, 'green', today)).toEqual({
      eligible: false,
      reason: 'classification',
    });
    expect(tenantPlanOffers({ ...policy, maxTotalCents: 10_000 }, 10_001, 'red', today)).toEqual({
      eligible: false,
      reason: 'too-large',
    });
    expect(tenantPlanOffers(policy, 9_999, 'red', today)).toEqual({ eligible: false, reason: 'too-small' });
    expect(tenantPlanOffers({ ...policy, allowedClassifications: [] }, 10_000, 'green', today).eligible).toBe(
      true,
    );
  });
});
