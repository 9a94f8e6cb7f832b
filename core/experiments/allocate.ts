// The allocation new cases should get now, from the counts so far: guardrail-stopped variants get none;
// mode fixed keeps the declared weights among the rest, mode bandit lets Thompson sampling divide the
// non-holdout share. The PRNG is seeded from the experiment and its counts, so every replica computing
// the same counts arrives at the same allocation.
import { createHash } from 'node:crypto';
import { type Allocation, fixedAllocation } from './assignment.js';
import { banditAllocation } from './bandit.js';
import { seededRandom } from './random.js';
import { type ArmCounts, stoppedVariants } from './report.js';
import type { BundleExperiment } from './settings.js';

export function allocationSeed(
  corporation: string,
  experiment: string,
  counts: Readonly<Record<string, ArmCounts>>,
) {
  const text = JSON.stringify([
    corporation,
    experiment,
    Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)),
  ]);
  return createHash('sha256').update(text).digest().readUInt32BE(0);
}

export function nextAllocation(
  corporation: string,
  experiment: BundleExperiment,
  counts: Readonly<Record<string, ArmCounts>>,
): { allocation: Allocation; stopped: string[] } {
  const stopped = stoppedVariants(experiment, counts);
  const allocation =
    experiment.mode === 'bandit'
      ? banditAllocation({
          holdout: experiment.holdout,
          variants: experiment.variants,
          observed: counts,
          stopped,
          random: seededRandom(allocationSeed(corporation, experiment.name, counts)),
        })
      : fixedAllocation(experiment.holdout, experiment.variants, stopped);
  return { allocation, stopped: [...stopped] };
}
