// What an experiment's cases came to, counted in Postgres (docs/experiments.md):
// - n: cases whose outcome is known — paid within the window, or the window (paidWithinDays after the
//   case started) has passed. Cases still inside their window and unpaid are not counted yet, so a
//   young experiment is never read as failing.
// - successes: paid in full within the window: the payment that brought the balance to 0 or below
//   (a payment.received event; its paidAt when the ERP gave one, else when it was recorded) falls at or
//   before started_at + paidWithinDays.
// - complaints: cases with a message the provider reported a complaint about (email feedback loop), or
//   whose debtor replied after the case started with a reply classified as a complaint (stop, dispute:
//   core/outcomes COMPLAINT_REPLY_CLASSES).
// - optOuts: cases whose debtor opted out of a channel and changed after the case started.
// The arm allocation the intake reads lives here too (experiment_allocations).
import type { ConfigBundle } from '../../core/bundle/types.js';
import {
  type Allocation,
  type ArmCounts,
  type BundleExperiment,
  nextAllocation,
} from '../../core/experiments/index.js';
import { COMPLAINT_REPLY_CLASSES } from '../../core/outcomes/index.js';
import { type Database, sql } from '../../platform/db/index.js';
import { storeAllocation } from './experiment-stops.js';

export async function experimentCounts(
  db: Database,
  corporation: string,
  experiment: BundleExperiment,
  now: Date,
): Promise<Record<string, ArmCounts>> {
  const days = experiment.paidWithinDays;
  const rows = await db.any(sql.unsafe`
    WITH c AS (
      SELECT c.experiment_arm AS arm, c.started_at, c.started_at + make_interval(days => ${days}) AS window_end,
        (SELECT min(coalesce((e.data->>'paidAt')::timestamptz, e.at)) FROM events e
          WHERE e.receivable_id = c.receivable_id AND e.type = 'payment.received'
            AND (e.data->>'balance')::bigint <= 0) AS paid_at,
        (EXISTS (SELECT 1 FROM messages m JOIN message_status_history h ON h.message_id = m.id
          WHERE m.case_id = c.id AND h.status = 'complaint')
         OR EXISTS (SELECT 1 FROM replies r WHERE r.debtor_ref = c.debtor_ref AND r.received_at >= c.started_at
          AND r.class = ANY(${sql.array([...COMPLAINT_REPLY_CLASSES], 'text')}))) AS complained,
        EXISTS (SELECT 1 FROM debtors d WHERE d.id = c.debtor_ref AND cardinality(d.opt_outs) > 0
          AND d.updated_at >= c.started_at) AS opted_out
      FROM cases c
      WHERE c.corporation = ${corporation} AND c.experiment = ${experiment.name}
    ), known AS (
      SELECT * FROM c WHERE paid_at <= window_end OR window_end <= ${now.toISOString()}::timestamptz
    )
    SELECT arm, count(*)::int AS n,
      count(*) FILTER (WHERE paid_at <= window_end)::int AS successes,
      count(*) FILTER (WHERE complained)::int AS complaints,
      count(*) FILTER (WHERE opted_out)::int AS opt_outs
    FROM known GROUP BY arm`);
  const counts: Record<string, ArmCounts> = {};
  for (const r of rows as unknown as {
    arm: string;
    n: number;
    successes: number;
    complaints: number;
    opt_outs: number;
  }[]) {
    counts[r.arm] = { n: r.n, successes: r.successes, complaints: r.complaints, optOuts: r.opt_outs };
  }
  return counts;
}

export interface StoredAllocation {
  allocation: Allocation;
  stopped: string[];
  updatedAt: Date;
}

export async function findAllocation(
  db: Database,
  corporation: string,
  experiment: string,
): Promise<StoredAllocation | undefined> {
  const row = await db.maybeOne(sql.unsafe`
    SELECT allocation, stopped, updated_at FROM experiment_allocations
    WHERE corporation = ${corporation} AND experiment = ${experiment}`);
  if (!row) return undefined;
  const r = row as { allocation: Allocation; stopped: string[]; updated_at: Date };
  return { allocation: r.allocation, stopped: r.stopped, updatedAt: r.updated_at };
}

export async function saveAllocation(
  db: Database,
  corporation: string,
  experiment: string,
  allocation: Allocation,
  stopped: readonly string[],
): Promise<void> {
  await db.query(sql.unsafe`
    INSERT INTO experiment_allocations (corporation, experiment, allocation, stopped)
    VALUES (${corporation}, ${experiment}, ${sql.jsonb(allocation as never)}, ${sql.array([...stopped], 'text')})
    ON CONFLICT (corporation, experiment) DO UPDATE
      SET allocation = EXCLUDED.allocation, stopped = EXCLUDED.stopped, updated_at = now()`);
}

/** The flow of a corporation's bundle that declares the experiment `name`, if any. */
export function findExperiment(
  bundle: ConfigBundle,
  name: string,
): { flow: string; experiment: BundleExperiment } | undefined {
  for (const flow of Object.values(bundle.flows)) {
    if (flow.experiment?.name === name) return { flow: flow.name, experiment: flow.experiment };
  }
  return undefined;
}

/**
 * One pass: each running experiment's allocation recomputed from its counts and stored for intake; a
 * variant its guardrail newly stopped is told on the ERP feed (experiment-stops.ts).
 */
export async function refreshAllocations(
  db: Database,
  bundles: readonly ConfigBundle[],
  now: Date,
): Promise<number> {
  let refreshed = 0;
  for (const bundle of bundles) {
    for (const flow of Object.values(bundle.flows)) {
      if (!flow.experiment) continue;
      const counts = await experimentCounts(db, bundle.corporation.id, flow.experiment, now);
      const next = nextAllocation(bundle.corporation.id, flow.experiment, counts);
      // Stored with an experiment.variant-stopped event on the feed for a variant newly stopped.
      await storeAllocation(db, bundle.corporation.id, flow.name, flow.experiment, next, counts);
      refreshed++;
    }
  }
  return refreshed;
}
