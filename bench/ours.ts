// Our own rates, with runtimes as child processes on the bench's servers. Each phase runs only the
// workers it measures (OST_WORKERS), so one figure is not slowed by the next stage competing for CPU.
import { Readable } from 'node:stream';
import { createDatabase, runMigrations } from '../platform/db/index.js';
import { SETTING_DEFAULTS } from '../platform/settings/runtime-settings.js';
import {
  type DurabilityStreet,
  FIXTURE_KEY,
  fixtureReceivable,
  startDurabilityStreet,
} from '../tests/support/durability-street.js';
import { cpuPerItem, cpuSnapshot } from './cpu.js';
import { type Rate, rate } from './rate.js';

export type StreetUnderTest = DurabilityStreet;

/** `--profile DIR`: every runtime writes a V8 CPU profile there when it stops (open in Chrome DevTools). */
let runtimeNodeArgs: string[] | undefined;
export function profileRuntimesInto(dir: string): void {
  runtimeNodeArgs = ['--cpu-prof', `--cpu-prof-dir=${dir}`];
}

/**
 * Runtimes sample their Postgres gauges at the production interval, not the tests' quick one; an OST_*
 * variable set for the bench itself (e.g. OST_INTAKE_CONCURRENCY=4 npm run bench) reaches them too. The
 * bench posts everything with one API key and measures the ingress, not that key's line budget
 * (OST_RATE_LIMIT_LINES_PER_SECOND, 20 000 by default), so it lifts the budget unless told otherwise.
 */
const benchSettings = Object.fromEntries(
  Object.entries(process.env).filter(
    (e): e is [string, string] => e[0].startsWith('OST_') && e[1] !== undefined,
  ),
);
export const startRuntime = (street: StreetUnderTest, name: string, env: Record<string, string>) =>
  street.startRuntime(
    name,
    {
      OST_METRICS_SAMPLE_MS: String(SETTING_DEFAULTS.metricsSampleMs),
      OST_RATE_LIMIT_LINES_PER_SECOND: '100000000',
      ...benchSettings,
      ...env,
    },
    runtimeNodeArgs,
  );

/**
 * What docs/operations.md recommends for a street's Postgres on rent day (scaled to this machine): room
 * for the day's indexes in shared buffers, and WAL sized so a run of millions of rows does not checkpoint
 * every minute (each checkpoint makes the next change to every page write the whole page again).
 * Durability is untouched: fsync and synchronous_commit stay on.
 */
export const RENT_DAY_POSTGRES: Readonly<Record<string, string>> = {
  shared_buffers: '4GB',
  wal_buffers: '64MB',
  max_wal_size: '32GB',
  checkpoint_timeout: '30min',
};

/** The bench's email: the fixture street with a layout the size of a real one (about 5 KB of HTML). */
export const BENCH_OVERLAY = 'bench/fixtures/street';

/**
 * The bench's street on a private Postgres, its schema migrated so the floor can copy the receivables table;
 * `overlays`: more resource directories (the fairness run's second corporation).
 */
export async function startStreetUnderTest(
  extraPostgresSettings: Readonly<Record<string, string>> = {},
  overlays: readonly string[] = [],
): Promise<StreetUnderTest> {
  const street = await startDurabilityStreet({
    privatePostgres: true,
    postgresSettings: { ...RENT_DAY_POSTGRES, ...extraPostgresSettings },
    overlays: [BENCH_OVERLAY, ...overlays],
  });
  const db = await createDatabase(street.databaseUrl);
  try {
    await runMigrations(db);
  } finally {
    await db.end();
  }
  return street;
}

/** Lines per request: an ERP sends a large run as a few big NDJSON posts. */
const LINES_PER_REQUEST = 100_000;

/** Receivables [from, to) as NDJSON, in pieces of 1 000 lines (made as they are read). */
function* ndjsonPieces(from: number, to: number): Generator<Uint8Array> {
  const encoder = new TextEncoder();
  for (let i = from; i < to; ) {
    const lines: string[] = [];
    for (const end = Math.min(to, i + 1_000); i < end; i++) lines.push(JSON.stringify(fixtureReceivable(i)));
    yield encoder.encode(`${lines.join('\n')}\n`);
  }
}

const streamOf = (pieces: Iterable<Uint8Array>) =>
  Readable.toWeb(Readable.from(pieces)) as ReadableStream<Uint8Array>;

async function post(url: string, pieces: Iterable<Uint8Array>): Promise<number> {
  const res = await fetch(`${url}/v1/receivables`, {
    method: 'POST',
    headers: { authorization: `Bearer ${FIXTURE_KEY}`, 'content-type': 'application/x-ndjson' },
    body: streamOf(pieces),
    duplex: 'half',
  } as RequestInit);
  const body = (await res.json()) as { accepted: number; rejected: number };
  if (res.status !== 202 || body.rejected > 0)
    throw new Error(`ingest answered ${res.status}: ${JSON.stringify(body).slice(0, 300)}`);
  return body.accepted;
}

async function count(street: StreetUnderTest, table: 'cases'): Promise<number> {
  return (await street.sql.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n as number;
}

/** A counter of a runtime (its /metrics on the internal port), summed over its labels: cheap to poll, unlike count(*) over millions. */
export async function counterTotal(metricsUrl: string, name: string): Promise<number> {
  const text = await (await fetch(`${metricsUrl}/metrics`)).text();
  let n = 0;
  for (const m of text.matchAll(new RegExp(`^${name}\\{[^}]*\\} (\\d+)`, 'gm'))) n += Number(m[1]);
  return n;
}

/** Cases the intake runtime reports started. */
const casesStarted = (metricsUrl: string) => counterTotal(metricsUrl, 'outputstraat_cases_started_total');

/** Waits until the intake runtime started `target` cases, then checks the database agrees. */
async function waitForCases(
  street: StreetUnderTest,
  intake: { metricsUrl: string; casesBefore: number },
  target: number,
  progress: (n: number) => void,
) {
  for (;;) {
    const n = await casesStarted(intake.metricsUrl);
    progress(n);
    if (n >= target) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const stored = (await count(street, 'cases')) - intake.casesBefore;
  if (stored < target) throw new Error(`intake reported ${target} cases but the database holds ${stored}`);
}

/**
 * Posts receivables [from, to) as NDJSON requests of LINES_PER_REQUEST lines, one after the other.
 * `prepared`: the bodies are made before the clock starts (the floor's messages are prepared too).
 */
export async function postAll(
  url: string,
  from: number,
  to: number,
  prepared?: Uint8Array[][],
): Promise<void> {
  let accepted = 0;
  for (let i = from, r = 0; i < to; i += LINES_PER_REQUEST, r++) {
    accepted += await post(url, prepared?.[r] ?? ndjsonPieces(i, Math.min(to, i + LINES_PER_REQUEST)));
  }
  if (accepted !== to - from) throw new Error(`accepted ${accepted} of ${to - from}`);
}

/**
 * Posts receivables [from, to) one by one as JSON, `inFlight` at a time: an ERP that sends its rent day
 * as single posts.
 */
export async function postSingles(url: string, from: number, to: number, inFlight = 32): Promise<void> {
  let next = from;
  const worker = async () => {
    for (let i = next++; i < to; i = next++) {
      const res = await fetch(`${url}/v1/receivables`, {
        method: 'POST',
        headers: { authorization: `Bearer ${FIXTURE_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify(fixtureReceivable(i)),
      });
      const text = await res.text();
      if (res.status !== 202) throw new Error(`a single post answered ${res.status}: ${text.slice(0, 200)}`);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
}

/** Accepted (HTTP 202 = durably on JetStream), with no intake running; the NDJSON is made beforehand. */
export async function measureIngest(street: StreetUnderTest, receivables: number): Promise<Rate> {
  const ingress = await startRuntime(street, 'bench-ingress', { OST_WORKERS: 'none' });
  const bodies: Uint8Array[][] = [];
  for (let i = 0; i < receivables; i += LINES_PER_REQUEST)
    bodies.push([...ndjsonPieces(i, Math.min(receivables, i + LINES_PER_REQUEST))]);
  const started = performance.now();
  await postAll(ingress.url, 0, receivables, bodies);
  const ms = performance.now() - started;
  await ingress.stop();
  return rate(receivables, ms);
}

/** Where the pipeline's receivables start, past any the separate phases used. */
export const PIPELINE_FIRST_ID = 10_000_000;

/**
 * The whole front of the street at once, as on rent day: an ingress pod taking the ERP's NDJSON and an
 * intake pod storing, classifying and scheduling, sharing the machine. From the first byte posted until
 * the last case is stored.
 */
export async function measurePipeline(street: StreetUnderTest, receivables: number): Promise<Rate> {
  const casesBefore = await count(street, 'cases');
  const ingress = await startRuntime(street, 'bench-pipeline-ingress', { OST_WORKERS: 'none' });
  const worker = await startRuntime(street, 'bench-pipeline-intake', { OST_WORKERS: 'intake' });
  const cpuBefore = cpuSnapshot();
  const started = performance.now();
  const posting = postAll(ingress.url, PIPELINE_FIRST_ID, PIPELINE_FIRST_ID + receivables);
  let failed: unknown;
  posting.catch((err: unknown) => {
    failed = err;
  });
  await waitForCases(street, { metricsUrl: worker.metricsUrl, casesBefore }, receivables, (n) => {
    if (failed) throw failed;
    process.stderr.write(`\rbench: pipeline ${n}/${receivables}`);
  });
  await posting;
  process.stderr.write('\n');
  const ms = performance.now() - started;
  const cpu = cpuPerItem(cpuBefore, cpuSnapshot(), receivables);
  await Promise.all([ingress.stop(), worker.stop()]);
  return { ...rate(receivables, ms), cpu };
}

/** From a full intake stream: receivable, case, payment link, events and the first send step stored. */
export async function measureIntake(street: StreetUnderTest, receivables: number): Promise<Rate> {
  const casesBefore = await count(street, 'cases');
  const worker = await startRuntime(street, 'bench-intake', { OST_WORKERS: 'intake' });
  const cpuBefore = cpuSnapshot();
  const started = performance.now();
  await waitForCases(street, { metricsUrl: worker.metricsUrl, casesBefore }, receivables, (n) =>
    process.stderr.write(`\rbench: intake ${n}/${receivables}`),
  );
  process.stderr.write('\n');
  const ms = performance.now() - started;
  const cpu = cpuPerItem(cpuBefore, cpuSnapshot(), receivables);
  await worker.stop();
  return { ...rate(receivables, ms), cpu };
}

/**
 * Due sends claimed, queued on JetStream, rendered, recorded and handed to the SMTP sink by `pods`
 * runtimes. A runtime starts sending before it answers /readyz; the mails that reached the sink before
 * the clock started are not counted (the peers are timed the same way: from ready to the last mail).
 */
export async function measureDispatch(street: StreetUnderTest, mails: number, pods = 1): Promise<Rate> {
  const before = street.sink.mails.length;
  const workers = await Promise.all(
    Array.from({ length: pods }, (_, i) =>
      startRuntime(street, `bench-dispatch-${i + 1}`, { OST_WORKERS: 'scheduler,dispatch' }),
    ),
  );
  const cpuBefore = cpuSnapshot();
  const started = performance.now();
  const early = street.sink.mails.length - before;
  await street.sink.waitFor(before + mails, 30 * 60_000);
  const ms = performance.now() - started;
  const cpu = cpuPerItem(cpuBefore, cpuSnapshot(), mails - early);
  // Stopped, not killed, so a --profile run gets the dispatchers' profiles; what they hold goes back.
  await Promise.all(workers.map((w) => w.stop(60_000)));
  return { ...rate(mails - early, ms), cpu };
}
