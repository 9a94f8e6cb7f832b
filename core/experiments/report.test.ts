import { describe, expect, it } from 'vitest';
import { fixedAllocation } from './assignment.js';
import { type ExperimentSettings, experimentReport } from './report.js';

const settings: ExperimentSettings = {
  name: 'storno-sms-first',
  variants: [
    { name: 'A', weight: 1 },
    { name: 'B', weight: 1 },
  ],
  holdout: 0.1,
  paidWithinDays: 14,
  minimumSample: 50,
  confidence: 0.95,
  mode: 'fixed',
  guardrails: { complaintRate: 0.02 },
};
const arm = (n: number, successes: number) => ({ n, successes, complaints: 0, optOuts: 0 });

describe('experiment report', () => {
  it('B better than the control with the published interval; the holdout gives the uplift', () => {
    const report = experimentReport(
      settings,
      { holdout: arm(60, 18), A: arm(80, 48), B: arm(70, 56) },
      fixedAllocation(0.1, settings.variants),
    );
    expect(report).toMatchObject({
      status: 'conclusive',
      stop: true,
      winner: 'B',
      comparisonConfidence: 0.95,
    });
    const b = report.arms.find((a) => a.arm === 'B')!;
    expect(b.rate).toBeCloseTo(0.8, 12);
    expect(b.share).toBeCloseTo(0.45, 12);
    expect(b.vsControl!.interval.lower).toBeCloseTo(0.0524, 4);
    expect(b.vsControl!.interval.upper).toBeCloseTo(0.3339, 4);
    expect(b.vsHoldout!.verdict).toBe('better');
    expect(report.arms.map((a) => a.arm)).toEqual(['holdout', 'A', 'B']);
    expect(report.arms[0]!.vsControl).toBeUndefined();
  });

  it('collecting until every arm has the minimum sample; inconclusive after; max sample stops it', () => {
    const few = experimentReport(
      settings,
      { holdout: arm(10, 3), A: arm(80, 48), B: arm(70, 56) },
      fixedAllocation(0.1, settings.variants),
    );
    expect(few).toMatchObject({ status: 'collecting', stop: false });
    const same = { holdout: arm(500, 150), A: arm(2000, 600), B: arm(2000, 610) };
    expect(experimentReport(settings, same, fixedAllocation(0.1, settings.variants))).toMatchObject({
      status: 'inconclusive',
      stop: false,
    });
    expect(
      experimentReport({ ...settings, maxSample: 500 }, same, fixedAllocation(0.1, settings.variants)),
    ).toMatchObject({ status: 'inconclusive', stop: true });
  });

  it('three variants: each comparison is made at the Bonferroni-raised confidence', () => {
    const three = { ...settings, variants: [...settings.variants, { name: 'C', weight: 1 }] };
    const report = experimentReport(three, {}, fixedAllocation(0.1, three.variants));
    expect(report.comparisonConfidence).toBeCloseTo(0.975, 12);
    expect(report.status).toBe('collecting');
  });
});
