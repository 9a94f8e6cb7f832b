// A guardrail that stops a variant is news for the corporation: the sweep that stores the new allocation
// puts one `experiment.variant-stopped` event on the ERP feed per variant it newly stopped (the experiment,
// its flow, the variant, which guardrail and the counts it was judged on). Storing and telling happen in
// one transaction under a lock per experiment, so replicas sweeping at once tell it once.
import type { ArmCounts, BundleExperiment } from '../../core/experiments/index.js';
import { guardrailState } from '../../core/experiments/index.js';
import { type Database, sql } from '../../platform/db/index.js';
import { insertEvents } from './case-repository.js';

export const VARIANT_STOPPED = 'experiment.variant-stopped';

export async function storeAllocation(
  db: Database,
  corporation: string,
  flow: string,
  experiment: BundleExperiment,
  next: { allocation: unknown; stopped: readonly string[] },
  counts: Readonly<Record<string, ArmCounts>>,
): Promise<string[]> {
  return db.transaction(async (tx) => {
    const key = `experiment|${corporation}|${experiment.name}`;
    await tx.query(sql.unsafe`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`);
    const before = await tx.maybeOneFirst(sql.unsafe`
      SELECT stopped FROM experiment_allocations
      WHERE corporation = ${corporation} AND experiment = ${experiment.name}`);
    const known = new Set((before as string[] | null) ?? []);
    await tx.query(sql.unsafe`
      INSERT INTO experiment_allocations (corporation, experiment, allocation, stopped)
      VALUES (${corporation}, ${experiment.name}, ${sql.jsonb(next.allocation as never)},
        ${sql.array([...next.stopped], 'text')})
      ON CONFLICT (corporation, experiment) DO UPDATE
        SET allocation = EXCLUDED.allocation, stopped = EXCLUDED.stopped, updated_at = now()`);
    const fresh = next.stopped.filter((v) => !known.has(v));
    await insertEvents(
      tx,
      fresh.map((variant) => {
        const arm = counts[variant] ?? { n: 0, successes: 0, complaints: 0, optOuts: 0 };
        const state = guardrailState(arm, experiment.guardrails, experiment.confidence);
        return {
          corporation,
          type: VARIANT_STOPPED,
          data: {
            experiment: experiment.name,
            flow,
            variant,
            reason: state.reason ?? null,
            n: arm.n,
            complaints: arm.complaints,
            optOuts: arm.optOuts,
            complaintRate: state.complaintRate,
            optOutRate: state.optOutRate,
          },
        };
      }),
    );
    return fresh;
  });
}
