// Pending timers at national scale: N steps scheduled in the future sit in the steps table (each with its
// receivable and case, as intake leaves them), and the street must not slow down or grow for it.
//   claim rate: a slice of steps is made due; how fast a scheduler-only runtime claims them and queues
//               them on JetStream, with nothing else in the table and again with N future steps beside it;
//   memory:     the RSS of a whole runtime (every worker) with no steps and with N pending.
// It runs in a database of its own on the bench's Postgres, so the earlier phases' steps do not count.
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { createDatabase, runMigrations } from '../platform/db/index.js';
import { FIXTURE_CORPORATION } from '../tests/support/durability-street.js';
import type { RuntimeProcess } from '../tests/support/runtime-process.js';
import { counterTotal, type StreetUnderTest, startRuntime } from './ours.js';
import { type Rate, rate } from './rate.js';

export interface TimerFigures {
  /** Steps scheduled in the future. */
  pending: number;
  /** Steps made due and claimed in each claim measurement. */
  slice: number;
  /** The set-based INSERT of the pending steps (with their receivables and cases). */
  insert: Rate;
  claimWithNone: Rate;
  claimWithPending: Rate;
  /** Resident memory of a runtime (every worker), in MiB: at the end of its window and its peak. */
  memoryWithNone: { rssMiB: number; peakMiB: number };
  memoryWithPending: { rssMiB: number; peakMiB: number };
}

const DATABASE = 'bench_timers';
const INSERT_CHUNK = 100_000;
/** How long a runtime runs before its memory is read; its gauges sample every 2 s meanwhile. */
const MEMORY_WINDOW_MS = 10_000;

/** Steps made due for a claim measurement: a tenth of the pending ones, at most 10 000. */
export const timerSlice = (pending: number) => Math.max(1, Math.min(10_000, Math.floor(pending / 10)));

/** A real send step as intake left it in the bench's main database: what the pending ones copy. */
interface StepTemplate {
  flow: string;
  flow_revision: string;
  bundle_revision: string;
  classification: string | null;
  rule: string | null;
  state: unknown;
  step_id: string;
  payload: unknown;
}

async function stepTemplate(street: StreetUnderTest): Promise<StepTemplate> {
  const { rows } = await street.sql.query(`
    SELECT c.flow, c.flow_revision, c.bundle_revision, c.classification, c.rule, c.state, s.step_id, s.payload
    FROM steps s JOIN cases c ON c.id = s.case_id WHERE s.kind = 'send' LIMIT 1`);
  if (!rows[0]) throw new Error('the timers phase copies a send step of the intake phase, and there is none');
  return rows[0] as StepTemplate;
}

/**
 * `count` receivables, cases and send steps due between one hour and 60 days from now, in set-based
 * statements of INSERT_CHUNK rows (receivable numbers from `first`).
 */
async function insertPending(sql: pg.Pool, t: StepTemplate, first: number, count: number): Promise<void> {
  for (let from = first; from < first + count; from += INSERT_CHUNK) {
    const to = Math.min(first + count, from + INSERT_CHUNK) - 1;
    await sql.query(
      `WITH g AS (
         SELECT i, 'TMR-' || lpad(i::text, 8, '0') AS external_id, 10000 + i % 5000 AS amount,
           jsonb_build_object('id', 'D-' || i, 'name', 'Huurder ' || i,
             'email', 'huurder-' || i || '@example.org', 'locale', 'nl') AS debtor
         FROM generate_series($1::int, $2::int) AS i),
       r AS (
         INSERT INTO receivables (corporation, external_id, kind, amount_minor, balance_minor, due_date,
           payment_reference, debtor, payload, source)
         SELECT $3, external_id, 'rent', amount, amount, DATE '2026-11-01', 'REF' || i, debtor,
           jsonb_build_object('externalId', external_id, 'kind', 'rent', 'amount', amount, 'currency', 'EUR',
             'dueDate', '2026-11-01', 'paymentReference', 'REF' || i, 'source', 'production', 'debtor', debtor),
           'production'
         FROM g RETURNING id),
       c AS (
         INSERT INTO cases (receivable_id, corporation, flow, flow_revision, bundle_revision, classification,
           rule, state)
         SELECT id, $3, $4, $5, $6, $7, $8, $9::jsonb FROM r RETURNING id)
       INSERT INTO steps (case_id, corporation, flow, step_id, kind, due_at, dedupe_key, payload)
       SELECT id, $3, $4, $10, 'send', now() + interval '1 hour' + random() * interval '60 days',
         'bench-timer:' || id, $11::jsonb
       FROM c`,
      [
        from,
        to,
        FIXTURE_CORPORATION,
        t.flow,
        t.flow_revision,
        t.bundle_revision,
        t.classification,
        t.rule,
        JSON.stringify(t.state),
        t.step_id,
        JSON.stringify(t.payload),
      ],
    );
  }
}

/** Makes the `slice` earliest scheduled steps due and times a scheduler-only runtime claiming and queuing them. */
async function measureClaims(
  street: StreetUnderTest,
  env: Record<string, string>,
  sql: pg.Pool,
  slice: number,
) {
  const scheduler = await startRuntime(street, 'bench-timers-scheduler', {
    ...env,
    OST_WORKERS: 'scheduler',
    // No dispatchers here: room on OST_DISPATCH for the whole slice, and no bound on how many may wait
    // for a dispatcher, so only claiming is measured.
    OST_DISPATCH_MAX_QUEUED: String(slice),
    OST_DISPATCH_MAX_WAITING: String(slice),
  });
  try {
    await sql.query(
      `UPDATE steps SET due_at = now() - interval '1 second' WHERE id IN (
         SELECT id FROM steps WHERE status = 'scheduled' ORDER BY due_at LIMIT $1)`,
      [slice],
    );
    const started = performance.now();
    const deadline = Date.now() + 10 * 60_000;
    while ((await counterTotal(scheduler.metricsUrl, 'outputstraat_steps_queued_total')) < slice) {
      if (Date.now() > deadline) throw new Error(`the scheduler did not queue ${slice} due steps in 10 min`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const ms = performance.now() - started;
    const { rows } = await sql.query(`SELECT count(*)::int AS n FROM steps WHERE status = 'queued'`);
    if (rows[0].n !== slice) throw new Error(`${rows[0].n} steps queued, ${slice} were made due`);
    return rate(slice, ms);
  } finally {
    await scheduler.stop(60_000);
  }
}

/** VmRSS and VmHWM (peak) of a process, from /proc (Linux). */
function memoryOf(runtime: RuntimeProcess): { rssMiB: number; peakMiB: number } {
  const status = readFileSync(`/proc/${runtime.pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMiB: kb('VmRSS') / 1024, peakMiB: kb('VmHWM') / 1024 };
}

async function measureMemory(street: StreetUnderTest, env: Record<string, string>, name: string) {
  const runtime = await startRuntime(street, name, { ...env, OST_METRICS_SAMPLE_MS: '2000' });
  try {
    await new Promise((resolve) => setTimeout(resolve, MEMORY_WINDOW_MS));
    return memoryOf(runtime);
  } finally {
    await runtime.stop(60_000);
  }
}

export async function measureTimers(
  street: StreetUnderTest,
  pending: number,
  say: (text: string) => void,
): Promise<TimerFigures> {
  const template = await stepTemplate(street);
  await street.sql.query(`CREATE DATABASE ${DATABASE}`);
  const url = new URL(street.databaseUrl);
  url.pathname = `/${DATABASE}`;
  const db = await createDatabase(url.href);
  try {
    await runMigrations(db);
  } finally {
    await db.end();
  }
  const env = { DATABASE_URL: url.href };
  const sql = new pg.Pool({ connectionString: url.href, max: 2 });
  try {
    const slice = timerSlice(pending);
    say(`timers: runtime memory with no steps (${MEMORY_WINDOW_MS / 1000} s)`);
    const memoryWithNone = await measureMemory(street, env, 'bench-timers-empty');
    say(`timers: ${slice} steps made due, no other step in the table`);
    await insertPending(sql, template, 1, slice);
    const claimWithNone = await measureClaims(street, env, sql, slice);
    await sql.query(`DELETE FROM steps; DELETE FROM cases; DELETE FROM receivables`);
    say(`timers: ${pending} steps scheduled in the future (set-based INSERT)`);
    const started = performance.now();
    await insertPending(sql, template, 1, pending);
    const insert = rate(pending, performance.now() - started);
    await sql.query('ANALYZE receivables, cases, steps');
    say(`timers: runtime memory with ${pending} pending (${MEMORY_WINDOW_MS / 1000} s)`);
    const memoryWithPending = await measureMemory(street, env, 'bench-timers-pending');
    say(`timers: ${slice} of them made due, the rest still pending`);
    const claimWithPending = await measureClaims(street, env, sql, slice);
    return { pending, slice, insert, claimWithNone, claimWithPending, memoryWithNone, memoryWithPending };
  } finally {
    await sql.end();
  }
}
