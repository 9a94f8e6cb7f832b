// A Flow's `spec.experiment` as the runtime uses it: percentages as fractions, defaults filled in.
import type { FlowSpec } from '../resources/types.generated.js';
import type { ExperimentSettings } from './report.js';

export type FlowExperimentSpec = NonNullable<FlowSpec['experiment']>;

export interface BundleExperiment extends ExperimentSettings {
  /** Each variant's flow (the declaring flow's name when the variant sets none). */
  variants: readonly { name: string; weight: number; flow: string }[];
}

/** '12.5%' → 0.125. */
export function percent(text: string): number {
  return Number(text.slice(0, -1)) / 100;
}

export function experimentSettings(flowName: string, spec: FlowExperimentSpec): BundleExperiment {
  return {
    name: spec.name,
    variants: spec.variants.map((v) => ({ name: v.name, weight: v.weight ?? 1, flow: v.flow ?? flowName })),
    holdout: percent(spec.holdout ?? '10%'),
    paidWithinDays: spec.outcome.paidWithinDays,
    minimumSample: spec.minimumSample ?? 500,
    confidence: percent(spec.stopRule?.confidence ?? '95%'),
    ...(spec.stopRule?.maxSample !== undefined ? { maxSample: spec.stopRule.maxSample } : {}),
    mode: spec.mode ?? 'fixed',
    guardrails: {
      ...(spec.guardrails?.complaintRate ? { complaintRate: percent(spec.guardrails.complaintRate) } : {}),
      ...(spec.guardrails?.optOutRate ? { optOutRate: percent(spec.guardrails.optOutRate) } : {}),
    },
  };
}
