// `npx tsx bench/intake-wal.ts [--receivables 20000]`: what taking receivables in costs Postgres in WAL,
// counted rather than timed, so a change to intake can be compared on a noisy machine. The fixture street
// (its own nats-server, the bench's bigger email) with one runtime doing intake only, on a scratch database of
// TEST_DATABASE_URL's server: 5,000 receivables first (the tables and the runtime warm), then N more posted as
// NDJSON; printed per receivable of those N: the WAL bytes, and the records by type from pg_walinspect's
// pg_get_wal_stats (a B-tree leaf insert is an index entry; Heap/INSERT a row of a multi-row INSERT,
// Heap2/MULTI_INSERT a page of a COPY; Heap/HEAP_CONFIRM the end of an ON CONFLICT insert), then the same
// records by the table or index they write to.
import { parseArgs } from 'node:util';
import { startDurabilityStreet, until } from '../tests/support/durability-street.js';
import { wholeNumber } from './options.js';
import { postAll } from './ours.js';

const { values } = parseArgs({ options: { receivables: { type: 'string', default: '20000' } } });
const N = wholeNumber('receivables', values.receivables, 1);
const WARM = 5_000;

const street = await startDurabilityStreet({ overlays: ['bench/fixtures/street'] });
try {
  const runtime = await street.startRuntime('wal-intake', { OST_WORKERS: 'intake' });
  const one = async (text: string, values: unknown[] = []) =>
    (await street.sql.query(text, values)).rows[0] as Record<string, string>;
  const cases = async () => Number((await one('SELECT count(*) AS n FROM cases')).n);
  await postAll(runtime.url, 0, WARM);
  await until(async () => (await cases()) >= WARM, 120_000, 'the warm-up receivables');
  await street.sql.query('CREATE EXTENSION IF NOT EXISTS pg_walinspect');
  const from = (await one('SELECT pg_current_wal_lsn()::text AS lsn')).lsn;
  await postAll(runtime.url, WARM, WARM + N);
  await until(async () => (await cases()) >= WARM + N, 600_000, 'the receivables');
  const to = (await one('SELECT pg_current_wal_lsn()::text AS lsn')).lsn;
  const bytes = Number((await one('SELECT pg_wal_lsn_diff($1::pg_lsn, $2::pg_lsn) AS b', [to, from])).b);
  console.log(`${N} receivables: ${(bytes / N).toFixed(0)} WAL bytes a receivable`);
  const { rows } = await street.sql.query(
    `SELECT "resource_manager/record_type" AS record, count, combined_size
     FROM pg_get_wal_stats($1::pg_lsn, $2::pg_lsn, true) WHERE count > 0 ORDER BY combined_size DESC`,
    [from, to],
  );
  for (const r of rows.slice(0, 10)) {
    const perReceivable = (Number(r.count) / N).toFixed(2).padStart(6);
    console.log(
      `  ${String(r.record).padEnd(26)} ${perReceivable} a receivable, ${(Number(r.combined_size) / N).toFixed(0).padStart(5)} bytes`,
    );
  }
  // The same records by the table or index their first block belongs to: rows and index entries a receivable.
  const byRelation = await street.sql.query(
    `SELECT coalesce(pg_filenode_relation(0, substring(block_ref FROM 'rel \\d+/\\d+/(\\d+)')::oid)::text, '?') AS relation,
       count(*) AS count, sum(record_length) AS bytes
     FROM pg_get_wal_records_info($1::pg_lsn, $2::pg_lsn)
     WHERE block_ref LIKE 'blkref #0: rel %'
     GROUP BY 1 ORDER BY 3 DESC`,
    [from, to],
  );
  console.log('by table and index (records and bytes a receivable):');
  for (const r of byRelation.rows.slice(0, 30)) {
    console.log(
      `  ${String(r.relation).padEnd(40)} ${(Number(r.count) / N).toFixed(2).padStart(6)} ${(Number(r.bytes) / N).toFixed(0).padStart(6)} bytes`,
    );
  }
} finally {
  await street.stop();
}
