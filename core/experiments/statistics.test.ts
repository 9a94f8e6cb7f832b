import { describe, expect, it } from 'vitest';
import { binomialDraw, seededRandom } from './random.js';
import { compareProportions, newcombeInterval, normalQuantile, wilsonInterval, zFor } from './statistics.js';

describe('experiment statistics against published values', () => {
  it('the normal quantile', () => {
    expect(zFor(0.95)).toBeCloseTo(1.959964, 6);
    expect(zFor(0.99)).toBeCloseTo(2.575829, 6);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 12);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232, 6);
    expect(() => normalQuantile(1)).toThrow(RangeError);
  });

  it('Wilson score intervals (Newcombe 1998, Stat Med 17:857, examples)', () => {
    const w = (successes: number, n: number) => wilsonInterval({ n, successes });
    expect(w(81, 263).lower).toBeCloseTo(0.2553, 4);
    expect(w(81, 263).upper).toBeCloseTo(0.3662, 4);
    expect(w(1, 29).lower).toBeCloseTo(0.0061, 4);
    expect(w(1, 29).upper).toBeCloseTo(0.1718, 4);
    expect(w(0, 10)).toEqual({ lower: 0, upper: expect.closeTo(0.2775, 4) });
    expect(w(0, 0)).toEqual({ lower: 0, upper: 1 });
  });

  it('Newcombe hybrid score interval for a difference (Newcombe 1998, Stat Med 17:873, method 10)', () => {
    // (a) 56/70 − 48/80 = 0.2000: 0.0524 to 0.3339; (b) 9/10 − 3/10 = 0.6: 0.1705 to 0.8090.
    const a = newcombeInterval({ n: 80, successes: 48 }, { n: 70, successes: 56 });
    expect(a.lower).toBeCloseTo(0.0524, 4);
    expect(a.upper).toBeCloseTo(0.3339, 4);
    const b = newcombeInterval({ n: 10, successes: 3 }, { n: 10, successes: 9 });
    expect(b.lower).toBeCloseTo(0.1705, 4);
    expect(b.upper).toBeCloseTo(0.809, 4);
    // Swapping the arms mirrors the interval.
    const swapped = newcombeInterval({ n: 70, successes: 56 }, { n: 80, successes: 48 });
    expect(swapped.lower).toBeCloseTo(-a.upper, 12);
    expect(swapped.upper).toBeCloseTo(-a.lower, 12);
  });

  it('a verdict needs the minimum sample and an interval that excludes 0', () => {
    const opts = { confidence: 0.95, minimumSample: 50 };
    expect(compareProportions({ n: 80, successes: 48 }, { n: 70, successes: 56 }, opts)).toMatchObject({
      verdict: 'better',
      conclusive: true,
      difference: expect.closeTo(0.2, 10),
    });
    expect(compareProportions({ n: 70, successes: 56 }, { n: 80, successes: 48 }, opts).verdict).toBe(
      'worse',
    );
    expect(compareProportions({ n: 10, successes: 3 }, { n: 10, successes: 9 }, opts).verdict).toBe(
      'too-few',
    );
    expect(compareProportions({ n: 100, successes: 30 }, { n: 100, successes: 33 }, opts)).toMatchObject({
      verdict: 'inconclusive',
      conclusive: false,
    });
  });

  it('with no true difference, "B better" comes up at about the nominal one-sided rate over many seeds', () => {
    // 2,000 experiments of 1,000 + 1,000 debtors paying at 30% in both arms; a 95% two-sided interval
    // says "better" wrongly in 2.5% of them. Binomial spread of that count: ±0.7 points at 2 s.d.
    const runs = 2000;
    let better = 0;
    let worse = 0;
    for (let seed = 1; seed <= runs; seed++) {
      const random = seededRandom(seed);
      const a = { n: 1000, successes: binomialDraw(random, 1000, 0.3) };
      const b = { n: 1000, successes: binomialDraw(random, 1000, 0.3) };
      const verdict = compareProportions(a, b, { confidence: 0.95, minimumSample: 100 }).verdict;
      if (verdict === 'better') better++;
      if (verdict === 'worse') worse++;
    }
    expect(better / runs).toBeGreaterThan(0.015);
    expect(better / runs).toBeLessThan(0.035);
    expect((better + worse) / runs).toBeGreaterThan(0.035);
    expect((better + worse) / runs).toBeLessThan(0.065);
  });

  it('with a true 8-point difference at 2,000 per arm, "B better" nearly always', () => {
    let better = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const random = seededRandom(seed);
      const a = { n: 2000, successes: binomialDraw(random, 2000, 0.3) };
      const b = { n: 2000, successes: binomialDraw(random, 2000, 0.38) };
      if (compareProportions(a, b, { confidence: 0.95, minimumSample: 100 }).verdict === 'better') better++;
    }
    expect(better).toBeGreaterThanOrEqual(198);
  });
});
