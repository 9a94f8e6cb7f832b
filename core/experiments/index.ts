// Experiments on flows: deterministic assignment with a fixed holdout, two-proportion statistics, a
// Thompson-sampling bandit and guardrails. Pure: randomness comes in as a `Random`. docs/experiments.md.

export { allocationSeed, nextAllocation } from './allocate.js';
export { type Allocation, armAt, assignmentPoint, fixedAllocation, HOLDOUT } from './assignment.js';
export { type BanditOptions, banditAllocation } from './bandit.js';
export { type ArmHarm, type GuardrailState, type GuardrailThresholds, guardrailState } from './guardrails.js';
export { type Random, seededRandom } from './random.js';
export {
  type ArmCounts,
  type ArmReport,
  type ExperimentReport,
  type ExperimentSettings,
  type ExperimentStatus,
  experimentReport,
  stoppedVariants,
} from './report.js';
export { type BundleExperiment, experimentSettings, type FlowExperimentSpec, percent } from './settings.js';
export {
  type Comparison,
  compareProportions,
  type Interval,
  newcombeInterval,
  normalQuantile,
  type Proportion,
  type Verdict,
  wilsonInterval,
  zFor,
} from './statistics.js';
