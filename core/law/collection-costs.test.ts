import { describe, expect, it } from 'vitest';
import { isOutputstraatError } from '../errors/index.js';
import { collectionCosts, letterCollectionCosts } from './index.js';

const withVat = { vatReclaimable: false } as const;

/** [costs without VAT, VAT, total with VAT] as the scale gives them, in cents. */
function figures(principalCents: number) {
  const plain = collectionCosts(principalCents);
  const vat = collectionCosts(principalCents, withVat);
  expect(plain.vatCents).toBe(0);
  expect(plain.totalCents).toBe(plain.costsCents);
  expect(vat.costsCents).toBe(plain.costsCents);
  return [plain.costsCents, vat.vatCents, vat.totalCents];
}

describe('statutory collection costs (BIK art. 2) on the edges of the scale', () => {
  it('€ 0,01: 15 % is € 0,0015, below the € 40 minimum', () => {
    // costs € 40,00; VAT 21 % of 4000 = 840 -> € 48,40
    expect(figures(1)).toEqual([4_000, 840, 4_840]);
    expect(collectionCosts(1).minimumApplied).toBe(true);
  });

  it('€ 266,66: 15 % is € 39,999, still the minimum', () => {
    // 26666 × 15 % = 3999,9 cents < 4000 -> € 40,00; with VAT € 48,40
    expect(figures(26_666)).toEqual([4_000, 840, 4_840]);
    expect(collectionCosts(26_666).minimumApplied).toBe(true);
  });

  it('€ 266,67: 15 % is € 40,0005, rounded down to € 40,00, the minimum no longer applies', () => {
    // 26667 × 15 % = 4000,05 cents -> 4000; VAT 840 -> 4840
    expect(figures(26_667)).toEqual([4_000, 840, 4_840]);
    expect(collectionCosts(26_667).minimumApplied).toBe(false);
  });

  it('€ 2.500: all of the first band, 15 % = € 375', () => {
    // 250000 × 15 % = 37500; VAT 37500 × 21 % = 7875 -> 45375
    expect(figures(250_000)).toEqual([37_500, 7_875, 45_375]);
  });

  it('€ 2.500,01: one cent in the 10 % band adds € 0,001, rounded down to nothing', () => {
    // 37500 + 1 × 10 % = 37500,1 -> 37500; VAT 7875 -> 45375
    const b = collectionCosts(250_001);
    expect(b.bands.map((x) => [x.baseCents, x.amountCents])).toEqual([
      [250_000, 37_500],
      [1, 0],
    ]);
    expect(figures(250_001)).toEqual([37_500, 7_875, 45_375]);
  });

  it('€ 5.000: € 375 + 10 % of € 2.500 = € 625', () => {
    // 37500 + 25000 = 62500; VAT 62500 × 21 % = 13125 -> 75625
    expect(figures(500_000)).toEqual([62_500, 13_125, 75_625]);
  });

  it('€ 10.000: € 625 + 5 % of € 5.000 = € 875', () => {
    // 62500 + 25000 = 87500; VAT 87500 × 21 % = 18375 -> 105875
    expect(figures(1_000_000)).toEqual([87_500, 18_375, 105_875]);
  });

  it('€ 200.000: € 875 + 1 % of € 190.000 = € 2.775', () => {
    // 87500 + 190000 = 277500; VAT 277500 × 21 % = 58275 -> 335775
    expect(figures(20_000_000)).toEqual([277_500, 58_275, 335_775]);
  });

  it('€ 1.000.000: € 2.775 + 0,5 % of € 800.000 = € 6.775, exactly the maximum', () => {
    // 277500 + 400000 = 677500; VAT 677500 × 21 % = 142275 -> 819775
    expect(figures(100_000_000)).toEqual([677_500, 142_275, 819_775]);
    expect(collectionCosts(100_000_000).maximumApplied).toBe(false);
  });

  it('above € 1.000.000 the maximum of € 6.775 applies', () => {
    // € 2.000.000: scale 277500 + 0,5 % of 180000000 = 277500 + 900000 = 1177500 -> capped at 677500
    const b = collectionCosts(200_000_000, withVat);
    expect(b.scaleCents).toBe(1_177_500);
    expect(b.maximumApplied).toBe(true);
    expect([b.costsCents, b.vatCents, b.totalCents]).toEqual([677_500, 142_275, 819_775]);
  });

  it('rounds a fraction of a cent down, VAT included', () => {
    // € 2.345,67: 234567 × 15 % = 35185,05 -> 35185; VAT 35185 × 21 % = 7388,85 -> 7388
    const b = collectionCosts(234_567, withVat);
    expect([b.costsCents, b.vatCents, b.totalCents]).toEqual([35_185, 7_388, 42_573]);
  });

  it('rejects a principal that is not a positive whole number of cents, naming the field', () => {
    for (const bad of [0, -5, 12.5, Number.NaN]) {
      try {
        collectionCosts(bad);
        expect.unreachable();
      } catch (err) {
        expect(isOutputstraatError(err, 'OST_ERR_LAW_INPUT')).toBe(true);
        expect((err as Error).message).toMatch(/^principalCents: /);
      }
    }
  });
});

describe('several claims and repeated letters', () => {
  const rent = (id: string, cents = 65_000) => ({ id, principalCents: cents });

  it('by default adds up the claims of one letter and applies the scale once', () => {
    // 3 × € 650 = € 1.950; 15 % = € 292,50 (per claim it would be 3 × € 97,50 = € 292,50 too)
    const costs = letterCollectionCosts({ claims: [rent('2026-10'), rent('2026-11'), rent('2026-12')] });
    expect(costs.charges).toHaveLength(1);
    expect(costs.charges[0]!.claimIds).toEqual(['2026-10', '2026-11', '2026-12']);
    expect(costs.totalCents).toBe(29_250);
  });

  it('the sum crosses into a lower band, so one scale is cheaper than one per claim', () => {
    // 5 × € 650 = € 3.250: € 375 + 10 % of € 750 = € 450; per claim 5 × € 97,50 = € 487,50
    const claims = ['a', 'b', 'c', 'd', 'e'].map((id) => rent(id));
    expect(letterCollectionCosts({ claims }).totalCents).toBe(45_000);
    expect(letterCollectionCosts({ claims }, { grouping: 'per-claim' }).totalCents).toBe(48_750);
  });

  it('small claims summed meet the € 40 minimum once; per claim each meets it', () => {
    // 2 × € 100: summed 15 % of € 200 = € 30 -> € 40; per claim 2 × € 40 = € 80
    const claims = [rent('x', 10_000), rent('y', 10_000)];
    expect(letterCollectionCosts({ claims }).totalCents).toBe(4_000);
    expect(letterCollectionCosts({ claims }, { grouping: 'per-claim' }).totalCents).toBe(8_000);
  });

  it('charges a claim once: a later letter about the same claim adds no costs', () => {
    const later = letterCollectionCosts({ claims: [rent('2026-10')], alreadyChargedClaimIds: ['2026-10'] });
    expect(later.charges).toEqual([]);
    expect(later.skippedClaimIds).toEqual(['2026-10']);
    expect(later.totalCents).toBe(0);
  });

  it('a later letter with an old and a new claim charges the new claim only', () => {
    // only 2026-11 (€ 650) is new: 15 % = € 97,50, with VAT 21 % = € 117,97 (9750 + 2047,5 -> 2047)
    const later = letterCollectionCosts(
      { claims: [rent('2026-10'), rent('2026-11')], alreadyChargedClaimIds: ['2026-10'] },
      { vatReclaimable: false },
    );
    expect(later.charges.map((c) => c.claimIds)).toEqual([['2026-11']]);
    expect(later.totalCents).toBe(11_797);
  });

  it('rejects a claim listed twice and an unknown grouping', () => {
    expect(() => letterCollectionCosts({ claims: [rent('a'), rent('a')] })).toThrow(/claims\[1\]\.id/);
    expect(() =>
      letterCollectionCosts({ claims: [rent('a')] }, { grouping: 'per-debtor' as 'per-claim' }),
    ).toThrow(/^grouping: /);
  });
});
