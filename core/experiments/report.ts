// The experiment report from per-arm counts: n, outcome rate with its Wilson interval, each variant's
// difference from the control (the first variant) and from the holdout with a Newcombe interval, whether
// that is conclusive, and each variant's guardrail state. With more than one variant against the control
// the confidence of each comparison is raised (Bonferroni), so the chance of any false "better" stays at
// the declared level. The stop rule: stop when a comparison is conclusive once every arm has the minimum
// sample, or, without one, when every arm has reached `maxSample`.
import { type Allocation, HOLDOUT } from './assignment.js';
import { type ArmHarm, type GuardrailState, type GuardrailThresholds, guardrailState } from './guardrails.js';
import { type Comparison, compareProportions, type Interval, wilsonInterval } from './statistics.js';

export interface ExperimentSettings {
  name: string;
  /** The first variant is the control. */
  variants: readonly { name: string; weight: number }[];
  /** Share of new cases kept on the unchanged flow, 0 ≤ holdout < 1. */
  holdout: number;
  paidWithinDays: number;
  /** Cases per arm before any verdict. */
  minimumSample: number;
  /** Two-sided confidence of the stop rule (0.95). */
  confidence: number;
  /** Per-arm size at which an experiment without a verdict stops as inconclusive. */
  maxSample?: number;
  mode: 'fixed' | 'bandit';
  guardrails: GuardrailThresholds;
}

export interface ArmCounts extends ArmHarm {
  /** Cases that reached the outcome (paid in full within the window). */
  successes: number;
}

export interface ArmReport {
  arm: string;
  n: number;
  successes: number;
  rate: number;
  rateInterval: Interval;
  /** Share of new cases this arm gets now. */
  share: number;
  vsControl?: Comparison;
  vsHoldout?: Comparison;
  guardrail?: GuardrailState;
}

export type ExperimentStatus = 'collecting' | 'conclusive' | 'inconclusive';

export interface ExperimentReport {
  experiment: string;
  mode: 'fixed' | 'bandit';
  outcome: { paidWithinDays: number };
  /** Confidence used for each comparison after the multiple-comparison correction. */
  comparisonConfidence: number;
  status: ExperimentStatus;
  /** The stop rule says: stop and decide. */
  stop: boolean;
  /** The variant called better than the control, when one is. */
  winner?: string;
  arms: ArmReport[];
}

const EMPTY: ArmCounts = { n: 0, successes: 0, complaints: 0, optOuts: 0 };

/** Variants stopped by their guardrails (the control included: it is a variant like the others). */
export function stoppedVariants(settings: ExperimentSettings, counts: Readonly<Record<string, ArmCounts>>) {
  return new Set(
    settings.variants
      .filter(
        (v) => guardrailState(counts[v.name] ?? EMPTY, settings.guardrails, settings.confidence).stopped,
      )
      .map((v) => v.name),
  );
}

export function experimentReport(
  settings: ExperimentSettings,
  counts: Readonly<Record<string, ArmCounts>>,
  allocation: Allocation,
): ExperimentReport {
  const [control] = settings.variants;
  const comparisons = Math.max(1, settings.variants.length - 1);
  const confidence = 1 - (1 - settings.confidence) / comparisons;
  const options = { confidence, minimumSample: settings.minimumSample };
  const of = (arm: string) => counts[arm] ?? EMPTY;
  const shareOf = (arm: string) =>
    arm === HOLDOUT
      ? allocation.holdout
      : (1 - allocation.holdout) * (allocation.variants.find((v) => v.name === arm)?.share ?? 0);
  const arms: ArmReport[] = [];
  const names = [...(settings.holdout > 0 ? [HOLDOUT] : []), ...settings.variants.map((v) => v.name)];
  for (const arm of names) {
    const c = of(arm);
    const report: ArmReport = {
      arm,
      n: c.n,
      successes: c.successes,
      rate: c.n === 0 ? 0 : c.successes / c.n,
      rateInterval: wilsonInterval(c, settings.confidence),
      share: shareOf(arm),
    };
    if (arm !== HOLDOUT) {
      if (control && arm !== control.name)
        report.vsControl = compareProportions(of(control.name), c, options);
      if (settings.holdout > 0) report.vsHoldout = compareProportions(of(HOLDOUT), c, options);
      report.guardrail = guardrailState(c, settings.guardrails, settings.confidence);
    }
    arms.push(report);
  }
  const versus = arms.flatMap((a) => (a.vsControl ? [{ arm: a.arm, c: a.vsControl }] : []));
  const collecting = arms.some((a) => a.n < settings.minimumSample);
  const decided = versus.filter((v) => v.c.conclusive);
  const winner = versus
    .filter((v) => v.c.verdict === 'better')
    .sort((x, y) => y.c.difference - x.c.difference)[0]?.arm;
  const status: ExperimentStatus = collecting
    ? 'collecting'
    : decided.length > 0
      ? 'conclusive'
      : 'inconclusive';
  const exhausted = settings.maxSample !== undefined && arms.every((a) => a.n >= settings.maxSample!);
  return {
    experiment: settings.name,
    mode: settings.mode,
    outcome: { paidWithinDays: settings.paidWithinDays },
    comparisonConfidence: confidence,
    status,
    stop: status === 'conclusive' || exhausted,
    ...(winner ? { winner } : {}),
    arms,
  };
}
