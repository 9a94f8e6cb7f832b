// How fast the console's overviews answer for a large corporation: a fresh database on the test server
// (TEST_DATABASE_URL, default 127.0.0.1:5432), migrated, `--dossiers` receivables in dossiers of three
// flows (default 100,000; 40% paid, their settling payment 1 to 40 days after the dossier started) and
// a tenth of that as meter-reading requests over 200 complexes (30% answered through the form, 10% on
// paper), plus a second corporation of a tenth the size; then the overview's own functions
// (flowOverview, campaignByComplex), `--rounds` times (default 20), printing median and p95.
//
//   npx tsx bench/console-overview.ts [--dossiers 100000] [--rounds 20] [--explain]
import { parseArgs } from 'node:util';
import { createDatabase, runMigrations, sql } from '../platform/db/index.js';
import { campaignByComplex, flowOverview, sqlFlowOverview } from '../runtime/console/overviews.js';
import { createTestDatabase } from '../tests/support/postgres.js';
import { wholeNumber } from './options.js';
import { quantile } from './rate.js';

const { values } = parseArgs({
  options: {
    dossiers: { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '20' },
    explain: { type: 'boolean', default: false },
  },
});
const DOSSIERS = wholeNumber('dossiers', values.dossiers, 1);
const ROUNDS = wholeNumber('rounds', values.rounds, 1);
const CORP = 'bench-noord';
const NOW = new Date();

const testDb = await createTestDatabase();
const db = await createDatabase(testDb.url);
try {
  await runMigrations(db);
  const seedStart = performance.now();
  for (const [corporation, count] of [
    [CORP, DOSSIERS],
    ['bench-zuid', Math.ceil(DOSSIERS / 10)],
  ] as const) {
    // Receivables in dossiers: flow by i % 3, started i % 60 days ago; 40% paid after 1 + i % 40 days.
    await db.query(sql.unsafe`
      INSERT INTO receivables (id, corporation, external_id, kind, amount_minor, balance_minor, due_date, debtor,
        payload, status)
      SELECT gen_random_uuid(), ${corporation}, 'R-' || i, 'rent', 60000,
        CASE WHEN i % 5 < 2 THEN 0 ELSE 60000 END, '2026-11-01',
        jsonb_build_object('id', 'D-' || i, 'name', 'Huurder ' || i), '{}',
        CASE WHEN i % 5 < 2 THEN 'paid' ELSE 'open' END
      FROM generate_series(1, ${count}) AS i`);
    await db.query(sql.unsafe`
      INSERT INTO cases (receivable_id, corporation, flow, flow_revision, bundle_revision, classification, status,
        started_at, ended_at)
      SELECT r.id, r.corporation, (ARRAY['rent-arrears', 'storno', 'first-invoice'])[1 + n % 3], 'r', 'b',
        (ARRAY['rent', 'storno', 'first'])[1 + n % 3], CASE WHEN r.status = 'paid' THEN 'stopped' ELSE 'active' END,
        ${NOW.toISOString()}::timestamptz - (n % 60) * interval '1 day',
        CASE WHEN r.status = 'paid' THEN ${NOW.toISOString()}::timestamptz END
      FROM (SELECT *, substr(external_id, 3)::int AS n FROM receivables WHERE corporation = ${corporation}) r`);
    await db.query(sql.unsafe`
      INSERT INTO payments (corporation, receivable_id, payment_id, amount_minor, balance_after, received_at)
      SELECT c.corporation, c.receivable_id, 'P-' || c.receivable_id, 60000, 0,
        c.started_at + (1 + substr(r.external_id, 3)::int % 40) * interval '1 day'
      FROM cases c JOIN receivables r ON r.id = c.receivable_id
      WHERE c.corporation = ${corporation} AND r.status = 'paid'`);
    // Meter-reading requests over 200 complexes: 30% digital, 10% paper, the rest missing.
    await db.query(sql.unsafe`
      INSERT INTO receivables (id, corporation, external_id, kind, amount_minor, balance_minor, due_date, debtor, payload)
      SELECT gen_random_uuid(), ${corporation}, 'M-' || i, 'meter-reading', 0, 0, '2026-12-31',
        jsonb_build_object('id', 'D-' || i, 'name', 'Huurder ' || i), jsonb_build_object('complex', 'C-' || i % 200)
      FROM generate_series(1, ${Math.ceil(count / 10)}) AS i`);
    await db.query(sql.unsafe`
      INSERT INTO meter_readings (corporation, receivable_id, external_id, address, meter_number, reading, read_on, source)
      SELECT corporation, id, external_id, '-', 'WM-' || external_id, 100, '2026-11-01',
        CASE WHEN substr(external_id, 3)::int % 10 < 3 THEN 'tenant' ELSE 'paper' END
      FROM receivables WHERE corporation = ${corporation} AND kind = 'meter-reading'
        AND substr(external_id, 3)::int % 10 < 4`);
  }
  for (const table of ['receivables', 'cases', 'payments', 'meter_readings']) {
    await db.query(sql.unsafe`ANALYZE ${sql.identifier([table])}`);
  }
  console.log(
    `seeded ${DOSSIERS} + ${Math.ceil(DOSSIERS / 10)} dossiers and ${Math.ceil(DOSSIERS / 10)} + ${Math.ceil(DOSSIERS / 100)} meter requests in ${Math.round(performance.now() - seedStart)} ms`,
  );
  const runs: Record<string, () => Promise<unknown>> = {
    'flows and classifications': () => flowOverview(db, CORP, NOW),
    'meter campaign per complex': () => campaignByComplex(db, CORP, 'meter'),
  };
  console.log('overview                      median ms   p95 ms');
  for (const [name, run] of Object.entries(runs)) {
    const times: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const started = performance.now();
      await run();
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    console.log(
      `${name.padEnd(29)} ${quantile(times, 0.5).toFixed(1).padStart(9)} ${quantile(times, 0.95).toFixed(1).padStart(8)}`,
    );
  }
  if (values.explain) {
    const plan = await db.anyFirst(sql.unsafe`EXPLAIN (ANALYZE, BUFFERS) ${sqlFlowOverview(CORP, NOW)}`);
    console.log(plan.join('\n'));
  }
} finally {
  await db.end();
  await testDb.drop();
}
