// Raw floors: how fast the parts underneath go on their own, with rows and messages like ours.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  type JetStreamManager,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
} from '@nats-io/jetstream';
import { connect, type NatsConnection, nanos } from '@nats-io/transport-node';
import nodemailer from 'nodemailer';
import type { ReceivableInput } from '../core/receivable/index.js';
import { DUPLICATE_WINDOW_MS } from '../platform/bus/index.js';
import { CHUNK_RECEIVABLES } from '../runtime/api/bulk-intake.js';
import { FIXTURE_CORPORATION, fixtureReceivable } from '../tests/support/durability-street.js';
import { startNatsServer } from '../tests/support/nats-server.js';
import { benchBundle } from './bench-bundle.js';
import { cpuPerItem, cpuSnapshot } from './cpu.js';
import type { StreetUnderTest } from './ours.js';
import { renderReminder } from './peers/email-job.js';
import { type Rate, rate } from './rate.js';

/** In flight for per-receivable messages (what a JSON-posting client can reach). */
const IN_FLIGHT = 512;
/** In flight for chunks, like the NDJSON ingress. */
const CHUNKS_IN_FLIGHT = 8;

async function windowed(count: number, inFlight: number, work: (i: number) => Promise<unknown>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(inFlight, count) }, async () => {
      while (next < count) await work(next++);
    }),
  );
}

/** Publish+ack of one envelope per receivable to a file stream configured like OST_INTAKE. */
export async function floorJetStream(street: StreetUnderTest, count: number): Promise<Rate> {
  return publishFloor(street.nc, count);
}

/**
 * Publish+ack of the same receivables in chunks of CHUNK_RECEIVABLES per message, as the NDJSON ingress
 * sends them: the raw rate of the bytes our ingest moves, in receivables per second.
 */
export async function floorJetStreamChunked(street: StreetUnderTest, count: number): Promise<Rate> {
  const { nc } = street;
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  await addFloorStream(jsm);
  // Chunks go fast: publish enough of them for a stable figure, cycling a few prepared bodies.
  const total = Math.max(count, 500_000);
  const chunks = Math.ceil(total / CHUNK_RECEIVABLES);
  const bodies = Array.from({ length: 16 }, (_, c) => {
    const receivables = Array.from({ length: CHUNK_RECEIVABLES }, (_, i) =>
      fixtureReceivable(c * CHUNK_RECEIVABLES + i),
    );
    return JSON.stringify({
      type: 'receivables',
      corporation: FIXTURE_CORPORATION,
      receivedAt: new Date().toISOString(),
      receivables,
    });
  });
  const started = performance.now();
  await windowed(chunks, CHUNKS_IN_FLIGHT, (c) =>
    js.publish(`bench.floor.${FIXTURE_CORPORATION}`, bodies[c % bodies.length]!, {
      msgID: `floor-chunk:${c}`,
    }),
  );
  const ms = performance.now() - started;
  await jsm.streams.delete('BENCH_FLOOR');
  return rate(chunks * CHUNK_RECEIVABLES, ms);
}

async function addFloorStream(jsm: JetStreamManager) {
  await jsm.streams.add({
    name: 'BENCH_FLOOR',
    subjects: ['bench.floor.>'],
    retention: RetentionPolicy.Workqueue,
    storage: StorageType.File,
    duplicate_window: nanos(DUPLICATE_WINDOW_MS),
    num_replicas: 1,
  });
}

/** The same floor on a second, scratch server with NATS's default fsync (every two minutes): the cost of `always`. */
export async function floorJetStreamLazyFsync(count: number): Promise<Rate> {
  const server = await startNatsServer({ syncInterval: '2m' });
  const nc = await connect({ servers: server.url });
  try {
    return await publishFloor(nc, count);
  } finally {
    await nc.close();
    await server.stop();
  }
}

async function publishFloor(nc: NatsConnection, count: number): Promise<Rate> {
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  await addFloorStream(jsm);
  const body = (i: number) =>
    JSON.stringify({
      type: 'receivable',
      corporation: FIXTURE_CORPORATION,
      receivedAt: new Date().toISOString(),
      receivable: fixtureReceivable(i),
    });
  const started = performance.now();
  await windowed(count, IN_FLIGHT, (i) =>
    js.publish(`bench.floor.${FIXTURE_CORPORATION}`, body(i), { msgID: `floor:${i}` }),
  );
  const ms = performance.now() - started;
  await jsm.streams.delete('BENCH_FLOOR');
  return rate(count, ms);
}

/**
 * Waits until the machine is done with what a phase before left behind, so that a floor is timed on as
 * quiet a machine as the run's first floor had: no autovacuum worker running (at most `maxMs`), and no dirty
 * pages waiting in the kernel to be written (`sync`; otherwise the floor's commits would wait for the
 * write-back of gigabytes a pipeline wrote). Returns the milliseconds waited.
 */
export async function quietDatabase(street: StreetUnderTest, maxMs = 120_000): Promise<number> {
  const started = performance.now();
  for (;;) {
    const { rows } = await street.sql.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'`,
    );
    if ((rows[0] as { n: number }).n === 0 || performance.now() - started >= maxMs) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  await promisify(execFile)('sync');
  return performance.now() - started;
}

/** Multi-row INSERT (unnest, 500 rows a statement) into a copy of `receivables` with its indexes. */
export async function floorPostgres(street: StreetUnderTest, count: number): Promise<Rate> {
  await street.sql.query('CREATE TABLE bench_floor (LIKE receivables INCLUDING ALL)');
  const batch = 500;
  const cpuBefore = cpuSnapshot();
  const started = performance.now();
  for (let from = 0; from < count; from += batch) {
    const cols: unknown[][] = Array.from({ length: 8 }, () => []);
    for (let i = from; i < Math.min(count, from + batch); i++) {
      const r = fixtureReceivable(i);
      const row = [
        r.externalId,
        r.kind,
        r.amount,
        r.dueDate,
        r.paymentReference,
        JSON.stringify(r.debtor),
        JSON.stringify(r),
        r.source,
      ];
      for (const [c, v] of row.entries()) cols[c]!.push(v);
    }
    await street.sql.query(
      `INSERT INTO bench_floor (corporation, external_id, kind, amount_minor, balance_minor, due_date,
         payment_reference, debtor, payload, source)
       SELECT $1, e, k, a, a, d, p, db, pl, s
       FROM unnest($2::text[], $3::text[], $4::int8[], $5::date[], $6::text[], $7::jsonb[], $8::jsonb[], $9::text[])
         AS t (e, k, a, d, p, db, pl, s)`,
      [FIXTURE_CORPORATION, ...cols],
    );
  }
  const ms = performance.now() - started;
  const cpu = cpuPerItem(cpuBefore, cpuSnapshot(), count);
  await street.sql.query('DROP TABLE bench_floor');
  return { ...rate(count, ms), cpu };
}

/** Pooled nodemailer (5 connections, like the email Channel) to the local sink, the email our dispatch sends. */
export async function floorSmtp(street: StreetUnderTest, count: number): Promise<Rate> {
  const email = renderReminder(await benchBundle(street), fixtureReceivable(0) as ReceivableInput);
  const transport = nodemailer.createTransport({
    pool: true,
    host: '127.0.0.1',
    port: street.sink.port,
    maxConnections: 5,
    ignoreTLS: true,
  });
  const before = street.sink.mails.length;
  const cpuBefore = cpuSnapshot();
  const started = performance.now();
  await windowed(count, 64, (i) =>
    transport.sendMail({
      from: 'noreply@durable-wonen.example',
      to: `floor-${i}@example.org`,
      subject: email.subject ?? '',
      text: email.text ?? '',
      html: email.html ?? '',
      headers: { 'X-Outputstraat-Message-Id': `floor-${i}` },
    }),
  );
  const ms = performance.now() - started;
  const cpu = cpuPerItem(cpuBefore, cpuSnapshot(), count);
  transport.close();
  street.sink.mails.splice(before);
  return { ...rate(count, ms), cpu };
}
