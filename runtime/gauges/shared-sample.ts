// One replica per interval runs an expensive count (whoever claims the `gauge_samples` row `name`
// first) and stores it; the others take what it stored. Every replica then exports the same values.
// A count that took d waits at least COST_FACTOR × d before the next: with millions of steps waiting on
// a rent day a count takes seconds, and the gauges then go stale for longer instead of taking more than
// a twentieth of one Postgres core.
import { type Database, sql } from '../../platform/db/index.js';

/** The next count waits at least this many times as long as the last one took. */
export const COST_FACTOR = 20;

export async function sharedSample<T>(
  db: Database,
  name: string,
  instanceId: string,
  intervalMs: number,
  count: () => Promise<T>,
  isSample: (body: unknown) => body is T,
): Promise<T | undefined> {
  // Claimed a little before a full interval has passed, so timer drift does not skip a round.
  const claimed = await db.maybeOne(sql.unsafe`
    INSERT INTO gauge_samples AS g (name, sampled_at, sampled_by) VALUES (${name}, now(), ${instanceId})
    ON CONFLICT (name) DO UPDATE SET sampled_at = now(), sampled_by = EXCLUDED.sampled_by
      WHERE g.sampled_at < now() - make_interval(secs => greatest(${(intervalMs * 0.8) / 1000},
        g.took_ms * ${COST_FACTOR} / 1000.0))
    RETURNING name`);
  if (claimed) {
    const started = performance.now();
    const counts = await count();
    const took = Math.round(performance.now() - started);
    await db.query(sql.unsafe`
      UPDATE gauge_samples SET body = ${sql.jsonb(counts as never)}, took_ms = ${took} WHERE name = ${name}`);
    return counts;
  }
  const body = await db.maybeOneFirst(sql.unsafe`SELECT body FROM gauge_samples WHERE name = ${name}`);
  return isSample(body) ? body : undefined; // the first count may still be running elsewhere
}
