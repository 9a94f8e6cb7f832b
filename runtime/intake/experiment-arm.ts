// The arm of a new case in a flow that runs an experiment (docs/experiments.md): the debtor's hashed
// point on the current allocation. The allocation is the row the experiment sweep keeps in
// experiment_allocations (the bandit's shares, guardrail-stopped variants left out), read once per
// batch; without one the declared weights apply. The holdout share always comes from the Flow itself.
import type { BundleFlow, ConfigBundle } from '../../core/bundle/types.js';
import {
  type Allocation,
  armAt,
  assignmentPoint,
  fixedAllocation,
  HOLDOUT,
} from '../../core/experiments/index.js';
import { sql } from '../../platform/db/index.js';
import type { Tx } from '../dossiers/index.js';

export interface CaseArm {
  experiment: string;
  arm: string;
  /** The flow the case runs: the variant's, or the declaring flow for the holdout. */
  flow: BundleFlow;
  /** The timeline's sentence. */
  text: string;
}

const allocationKey = (corporation: string, experiment: string) => `${corporation}\u0000${experiment}`;

/** The stored allocations of the experiments the batch's bundles run (one query, none without experiments). */
export async function loadAllocations(
  tx: Tx,
  bundles: readonly ConfigBundle[],
): Promise<Map<string, { allocation: Allocation; stopped: string[] }>> {
  const wanted = new Set<string>();
  for (const b of bundles) {
    for (const f of Object.values(b.flows)) {
      if (f.experiment) wanted.add(allocationKey(b.corporation.id, f.experiment.name));
    }
  }
  const found = new Map<string, { allocation: Allocation; stopped: string[] }>();
  if (wanted.size === 0) return found;
  const keys = [...wanted].map((k) => k.split('\u0000') as [string, string]);
  const rows = await tx.any(sql.unsafe`
    SELECT corporation, experiment, allocation, stopped FROM experiment_allocations
    WHERE corporation = ANY(${sql.array([...new Set(keys.map((k) => k[0]))], 'text')})
      AND experiment = ANY(${sql.array([...new Set(keys.map((k) => k[1]))], 'text')})`);
  for (const r of rows as unknown as {
    corporation: string;
    experiment: string;
    allocation: Allocation;
    stopped: string[];
  }[]) {
    found.set(allocationKey(r.corporation, r.experiment), { allocation: r.allocation, stopped: r.stopped });
  }
  return found;
}

export function caseArm(
  bundle: ConfigBundle,
  flow: BundleFlow,
  debtorId: string,
  stored: ReadonlyMap<string, { allocation: Allocation; stopped: string[] }>,
): CaseArm | undefined {
  const e = flow.experiment;
  if (!e) return undefined;
  const row = stored.get(allocationKey(bundle.corporation.id, e.name));
  const stopped = new Set(row?.stopped ?? []);
  let allocation = fixedAllocation(e.holdout, e.variants, stopped);
  // A stored allocation names the variants of its time; after a change to the Flow only current ones count.
  const declared = new Set(e.variants.map((v) => v.name));
  const live = (row?.allocation.variants ?? []).filter((v) => declared.has(v.name) && !stopped.has(v.name));
  if (live.length > 0) allocation = { holdout: e.holdout, variants: live };
  const arm = armAt(allocation, assignmentPoint(bundle.corporation.id, e.name, debtorId));
  if (arm === undefined) return undefined; // every variant stopped: the flow runs as declared, outside the experiment
  if (arm === HOLDOUT) {
    return {
      experiment: e.name,
      arm,
      flow,
      text: `Experiment "${e.name}": in the holdout, the flow runs unchanged`,
    };
  }
  const variant = e.variants.find((v) => v.name === arm)!;
  const runs = bundle.flows[variant.flow] ?? flow;
  return {
    experiment: e.name,
    arm,
    flow: runs,
    text: `Experiment "${e.name}": variant "${arm}", flow ${runs.name}`,
  };
}
