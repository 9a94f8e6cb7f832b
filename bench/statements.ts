// `--statements DIR`: where Postgres spends its time in each of our phases. The bench's Postgres loads
// pg_stat_statements; before a phase its counters are reset, after it the statements that took the most
// execution time are written to DIR/<phase>.txt (calls, total and mean milliseconds, rows, the query's
// first line), so a change to a hot path can be checked against the statements it was meant to remove.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StreetUnderTest } from './ours.js';

/** The Postgres settings that make the counters available (added to the bench's own). */
export const STATEMENTS_SETTINGS: Readonly<Record<string, string>> = {
  shared_preload_libraries: 'pg_stat_statements',
  'pg_stat_statements.track': 'all',
};

const TOP = 30;

export async function resetStatements(street: StreetUnderTest): Promise<void> {
  await street.sql.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  await street.sql.query('SELECT pg_stat_statements_reset()');
}

/** Writes the phase's top statements by total execution time; returns the file's path. */
export async function writeStatements(street: StreetUnderTest, dir: string, phase: string): Promise<string> {
  const { rows } = await street.sql.query(`
    SELECT calls, round(total_exec_time::numeric, 1) AS total_ms, round(mean_exec_time::numeric, 3) AS mean_ms,
      rows, regexp_replace(left(query, 400), '\\s+', ' ', 'g') AS query
    FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT ${TOP}`);
  const { rows: sum } = await street.sql.query(
    'SELECT sum(calls)::bigint AS calls, round(sum(total_exec_time)::numeric, 1) AS total_ms FROM pg_stat_statements',
  );
  const lines = [
    `# ${phase}: ${sum[0].calls} statements, ${sum[0].total_ms} ms executing in all`,
    ...rows.map((r) => `${r.calls}\t${r.total_ms} ms\t${r.mean_ms} ms/call\t${r.rows} rows\t${r.query}`),
  ];
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${phase}.txt`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}
