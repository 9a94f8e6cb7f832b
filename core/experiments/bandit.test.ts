import { describe, expect, it } from 'vitest';
import { armAt, assignmentPoint, fixedAllocation, HOLDOUT } from './assignment.js';
import { banditAllocation } from './bandit.js';
import { guardrailState } from './guardrails.js';
import { seededRandom } from './random.js';
import { type ExperimentSettings, experimentReport, stoppedVariants } from './report.js';

const variants = [
  { name: 'A', weight: 1 },
  { name: 'B', weight: 1 },
  { name: 'C', weight: 1 },
];
const truth: Record<string, number> = { holdout: 0.25, A: 0.3, B: 0.38, C: 0.28 };

/** Debtors arrive in batches; after each batch the outcomes are known and the bandit re-allocates. */
function simulate(seed: number, horizon = 6000, batch = 200) {
  const random = seededRandom(seed);
  const outcomes = seededRandom(seed + 1_000_000);
  const observed: Record<string, { n: number; successes: number }> = {};
  const assigned: Record<string, number> = {};
  const holdoutShares: number[] = [];
  const holdoutDebtors: string[] = [];
  let allocation = fixedAllocation(0.1, variants);
  for (let i = 0; i < horizon; i++) {
    if (i > 0 && i % batch === 0) {
      allocation = banditAllocation({ holdout: 0.1, variants, observed, random });
      holdoutShares.push(allocation.holdout);
    }
    const debtor = `D-${seed}-${i}`;
    const arm = armAt(allocation, assignmentPoint('woonstad-noord', 'bandit', debtor))!;
    if (arm === HOLDOUT) holdoutDebtors.push(debtor);
    assigned[arm] = (assigned[arm] ?? 0) + 1;
    const o = observed[arm] ?? { n: 0, successes: 0 };
    observed[arm] = o;
    o.n++;
    if (outcomes() < truth[arm]!) o.successes++;
  }
  return { allocation, assigned, holdoutShares, holdoutDebtors };
}

describe('Thompson sampling bandit', () => {
  it('moves most traffic to the better variant within the horizon and keeps the holdout share exact', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const { allocation, assigned, holdoutShares, holdoutDebtors } = simulate(seed);
      expect(holdoutShares.every((h) => h === 0.1)).toBe(true);
      expect(allocation.holdout).toBe(0.1);
      const variantsTotal = (assigned.A ?? 0) + (assigned.B ?? 0) + (assigned.C ?? 0);
      expect((assigned.B ?? 0) / variantsTotal, `seed ${seed}`).toBeGreaterThan(0.6);
      const b = allocation.variants.find((v) => v.name === 'B')!.share;
      expect(b, `seed ${seed}`).toBeGreaterThan(0.85);
      // Exactly the debtors a fixed split puts in the holdout: the bandit never moves one in or out.
      const fixed = fixedAllocation(0.1, variants);
      const expected = Array.from({ length: 6000 }, (_, i) => `D-${seed}-${i}`).filter(
        (d) => armAt(fixed, assignmentPoint('woonstad-noord', 'bandit', d)) === HOLDOUT,
      );
      expect(holdoutDebtors).toEqual(expected);
    }
  });

  it('the same seed and data give the same allocation', () => {
    const observed = { A: { n: 300, successes: 90 }, B: { n: 310, successes: 110 } };
    const one = banditAllocation({ holdout: 0.2, variants, observed, random: seededRandom(7) });
    const two = banditAllocation({ holdout: 0.2, variants, observed, random: seededRandom(7) });
    expect(one).toEqual(two);
    expect(one.variants.reduce((s, v) => s + v.share, 0)).toBeCloseTo(1, 12);
    expect(Math.min(...one.variants.map((v) => v.share))).toBeGreaterThanOrEqual(0.05);
  });

  it('a stopped variant gets no traffic from the bandit', () => {
    const observed = {
      A: { n: 300, successes: 90 },
      B: { n: 300, successes: 150 },
      C: { n: 300, successes: 80 },
    };
    const allocation = banditAllocation({
      holdout: 0.1,
      variants,
      observed,
      stopped: new Set(['B']),
      random: seededRandom(3),
    });
    expect(allocation.variants.map((v) => v.name)).toEqual(['A', 'C']);
    expect(allocation.holdout).toBe(0.1);
  });
});

describe('guardrails', () => {
  it('a variant whose complaint rate crosses the threshold is stopped; one complaint early is not enough', () => {
    expect(guardrailState({ n: 20, complaints: 1, optOuts: 0 }, { complaintRate: 0.01 }).stopped).toBe(false);
    expect(guardrailState({ n: 400, complaints: 3, optOuts: 0 }, { complaintRate: 0.01 }).stopped).toBe(
      false,
    );
    expect(guardrailState({ n: 400, complaints: 20, optOuts: 0 }, { complaintRate: 0.01 })).toMatchObject({
      stopped: true,
      reason: 'complaintRate',
      complaintRate: 0.05,
    });
    expect(guardrailState({ n: 400, complaints: 0, optOuts: 40 }, { optOutRate: 0.05 })).toMatchObject({
      stopped: true,
      reason: 'optOutRate',
    });
    expect(guardrailState({ n: 400, complaints: 400, optOuts: 400 }, {}).stopped).toBe(false);
  });

  it('a simulated variant complaining at 5% against a 1% guardrail is stopped, and the bandit drops it', () => {
    const random = seededRandom(11);
    const settings: ExperimentSettings = {
      name: 'harm',
      variants: variants.slice(0, 2),
      holdout: 0.1,
      paidWithinDays: 14,
      minimumSample: 100,
      confidence: 0.95,
      mode: 'bandit',
      guardrails: { complaintRate: 0.01 },
    };
    const counts = {
      A: { n: 0, successes: 0, complaints: 0, optOuts: 0 },
      B: { n: 0, successes: 0, complaints: 0, optOuts: 0 },
    };
    let stoppedAt: number | undefined;
    for (let i = 1; i <= 2000 && stoppedAt === undefined; i++) {
      for (const [arm, rate] of [
        ['A', 0.002],
        ['B', 0.05],
      ] as const) {
        counts[arm].n++;
        if (random() < rate) counts[arm].complaints++;
      }
      if (stoppedVariants(settings, counts).has('B')) stoppedAt = i;
    }
    expect(stoppedAt).toBeDefined();
    expect(stoppedAt!).toBeLessThan(600);
    const stopped = stoppedVariants(settings, counts);
    expect(stopped.has('A')).toBe(false);
    const allocation = banditAllocation({
      holdout: 0.1,
      variants: settings.variants,
      observed: counts,
      stopped,
      random,
    });
    expect(allocation.variants).toEqual([{ name: 'A', share: 1 }]);
    const report = experimentReport(settings, counts, allocation);
    expect(report.arms.find((a) => a.arm === 'B')).toMatchObject({ share: 0, guardrail: { stopped: true } });
  });
});
