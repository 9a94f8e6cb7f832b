// Our own rates, with runtimes as child processes on the bench's servers. Each phase runs only the
// workers it measures (OST_WORKERS), so one figure is not slowed by the next stage competing for CPU.
import { Readable } from 'node:stream';
import { createDatabase, runMigrations } from '../runtime/db/index.js';
import {
  type DurabilityStreet,
  FIXTURE_KEY,
  fixtureReceivable,
  startDurabilityStreet,
} from '../tests/support/durability-street.js';
import { type Rate, rate } from './floors.js';

export type StreetUnderTest = DurabilityStreet;

/** The bench's street, its schema migrated so the Postgres floor can copy the receivables table. */
export async function startStreetUnderTest(): Promise<StreetUnderTest> {
  const street = await startDurabilityStreet();
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

function ndjsonStream(from: number, to: number): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let i = from;
  return Readable.toWeb(
    Readable.from(
      (function* () {
        while (i < to) {
          const lines: string[] = [];
          for (const end = Math.min(to, i + 1_000); i < end; i++)
            lines.push(JSON.stringify(fixtureReceivable(i)));
          yield encoder.encode(`${lines.join('\n')}\n`);
        }
      })(),
    ),
  ) as ReadableStream<Uint8Array>;
}

async function post(url: string, from: number, to: number): Promise<number> {
  const res = await fetch(`${url}/v1/receivables`, {
    method: 'POST',
    headers: { authorization: `Bearer ${FIXTURE_KEY}`, 'content-type': 'application/x-ndjson' },
    body: ndjsonStream(from, to),
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

async function waitForCount(street: StreetUnderTest, target: number, progress: (n: number) => void) {
  let last = 0;
  for (;;) {
    const n = await count(street, 'cases');
    if (n !== last) progress(n);
    last = n;
    if (n >= target) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Accepted (HTTP 202 = durably on JetStream), with no intake running. */
export async function measureIngest(street: StreetUnderTest, receivables: number): Promise<Rate> {
  const ingress = await street.startRuntime('bench-ingress', { OST_WORKERS: 'none' });
  const started = performance.now();
  let accepted = 0;
  for (let from = 0; from < receivables; from += LINES_PER_REQUEST) {
    accepted += await post(ingress.url, from, Math.min(receivables, from + LINES_PER_REQUEST));
  }
  const ms = performance.now() - started;
  await ingress.stop();
  if (accepted !== receivables) throw new Error(`accepted ${accepted} of ${receivables}`);
  return rate(receivables, ms);
}

/** From a full intake stream: receivable, case, payment link, events and the first send step stored. */
export async function measureIntake(street: StreetUnderTest, receivables: number): Promise<Rate> {
  const worker = await street.startRuntime('bench-intake', { OST_WORKERS: 'intake' });
  const started = performance.now();
  await waitForCount(street, receivables, (n) => process.stderr.write(`\rbench: intake ${n}/${receivables}`));
  process.stderr.write('\n');
  const ms = performance.now() - started;
  await worker.stop();
  return rate(receivables, ms);
}

/** Due sends claimed, queued on JetStream, rendered, recorded and handed to the SMTP sink. */
export async function measureDispatch(street: StreetUnderTest, mails: number): Promise<Rate> {
  const before = street.sink.mails.length;
  const worker = await street.startRuntime('bench-dispatch', { OST_WORKERS: 'scheduler,dispatch' });
  const started = performance.now();
  await street.sink.waitFor(before + mails, 30 * 60_000);
  const ms = performance.now() - started;
  await worker.kill();
  return rate(mails, ms);
}
