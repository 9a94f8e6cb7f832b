// A street for durability tests and the bench: its own nats-server (built, fsync always) or a three-node
// JetStream cluster of them (startClusterStreet), a Postgres database (on the shared test server, or a
// private server the test may restart), an SMTP sink that counts mails per message id, the directory
// operator over the fixture street, and runtimes started as separate processes (runtime-process.ts) so
// they can be killed.
import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import pg from 'pg';
import { BUNDLE_BUCKET } from '../../core/bundle/types.js';
import { BundlePublisher } from '../../operator/publisher/bundle-publisher.js';
import { DirectorySource } from '../../operator/sources/directory-source.js';
import { ensureStreams } from '../../platform/bus/index.js';
import { startSmtpSink } from '../../scripts/street/smtp-sink.js';
import { type NatsCluster, startNatsCluster } from './nats-cluster.js';
import { type NatsServer, startNatsServer } from './nats-server.js';
import { createTestDatabase } from './postgres.js';
import { type PrivatePostgres, startPrivatePostgres } from './private-postgres.js';
import { type RuntimeProcess, type RuntimeProcessOptions, startRuntimeProcess } from './runtime-process.js';
import { quietLog } from './street.js';

export const FIXTURE_STREET = 'tests/support/fixtures/durability-street';
export const FIXTURE_CORPORATION = 'durable-wonen';
export const FIXTURE_KEY = 'durable-wonen-test-key';

export interface SinkMail {
  /** X-Outputstraat-Message-Id: our message id (the same on a resend). */
  messageId: string;
  to: string;
  /** When the sink had it (Date.now()): for the bench's latencies, never for a test's assertion. */
  at: number;
}

export interface CountingSink {
  port: number;
  mails: SinkMail[];
  /** Distinct message ids received. */
  distinct(): number;
  /** Resolves once `n` mails arrived. */
  waitFor(n: number, timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

/** An SMTP sink that keeps only what the assertions need (message id, recipient); `delayMs` slows each mail. */
export async function startCountingSink(delayMs = 0): Promise<CountingSink> {
  const mails: SinkMail[] = [];
  const sink = await startSmtpSink({
    async onMessage(mail) {
      if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
      const messageId = /^X-Outputstraat-Message-Id: *(\S+)/im.exec(mail.raw)?.[1] ?? '';
      mails.push({ messageId, to: mail.to.join(','), at: Date.now() });
    },
  });
  return {
    port: sink.port,
    mails,
    distinct: () => new Set(mails.map((m) => m.messageId)).size,
    async waitFor(n, timeoutMs) {
      const until = Date.now() + timeoutMs;
      while (mails.length < n) {
        if (Date.now() > until)
          throw new Error(`SMTP sink got ${mails.length} of ${n} mails in ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    stop: sink.stop,
  };
}

interface StreetParts {
  /** NATS_URL of the runtimes: one server, or every server of a cluster, comma separated. */
  natsUrl: string;
  /** Only with { privatePostgres: true }. */
  postgres?: PrivatePostgres;
  databaseUrl: string;
  sql: pg.Pool;
  sink: CountingSink;
  nc: NatsConnection;
  runtimes: RuntimeProcess[];
  startRuntime(name: string, env?: Record<string, string>, nodeArgs?: string[]): Promise<RuntimeProcess>;
  stop(): Promise<void>;
}

/** A street on one nats-server. */
export interface DurabilityStreet extends StreetParts {
  nats: NatsServer;
}

/** A street on a three-node JetStream cluster, its streams and the runtimes' with three replicas. */
export interface ClusterStreet extends StreetParts {
  cluster: NatsCluster;
}

export interface DurabilityStreetOptions {
  privatePostgres?: boolean;
  /** Server settings for the private Postgres. */
  postgresSettings?: Readonly<Record<string, string>>;
  sinkDelayMs?: number;
  runtimeEnv?: Record<string, string>;
  /** More resource directories compiled with the fixture street (e.g. the bench's bigger email). */
  overlays?: readonly string[];
}

export async function startDurabilityStreet(
  options: DurabilityStreetOptions = {},
): Promise<DurabilityStreet> {
  const nats = await startNatsServer();
  return Object.assign(await startStreet({ url: nats.url, stop: () => nats.stop(), replicas: 1 }, options), {
    nats,
  });
}

export async function startClusterStreet(options: DurabilityStreetOptions = {}): Promise<ClusterStreet> {
  const cluster = await startNatsCluster();
  const bus = { url: cluster.url, stop: () => cluster.stop(), replicas: cluster.servers.length };
  return Object.assign(await startStreet(bus, options), { cluster });
}

async function startStreet(
  bus: { url: string; stop(): Promise<void>; replicas: number },
  options: DurabilityStreetOptions,
): Promise<StreetParts> {
  let postgres: PrivatePostgres | undefined;
  let databaseUrl: string;
  let dropDatabase: () => Promise<void>;
  if (options.privatePostgres) {
    postgres = await startPrivatePostgres('outputstraat', options.postgresSettings);
    databaseUrl = postgres.url;
    dropDatabase = () => postgres!.stop();
  } else {
    const db = await createTestDatabase();
    databaseUrl = db.url;
    dropDatabase = () => db.drop();
  }
  const sink = await startCountingSink(options.sinkDelayMs);
  const nc = await connect({ servers: bus.url.split(','), maxReconnectAttempts: -1, reconnectTimeWait: 250 });
  const jsm = await jetstreamManager(nc);
  await ensureStreams(jsm, { replicas: bus.replicas });
  const kv = await new Kvm(jsm.jetstream()).open(BUNDLE_BUCKET);
  const log = quietLog();
  const paths = [FIXTURE_STREET, ...(options.overlays ?? [])];
  const source = new DirectorySource(paths, new BundlePublisher(kv, log), log);
  const report = await source.reconcile();
  if (!report.published.includes(FIXTURE_CORPORATION)) {
    throw new Error(`the fixture street did not compile: ${JSON.stringify(report)}`);
  }
  const sqlPool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  sqlPool.on('error', () => {}); // a restarted private Postgres drops idle clients
  const replicasEnv: Record<string, string> =
    bus.replicas > 1 ? { OST_STREAM_REPLICAS: String(bus.replicas) } : {};
  const street: StreetParts = {
    natsUrl: bus.url,
    ...(postgres ? { postgres } : {}),
    databaseUrl,
    sql: sqlPool,
    sink,
    nc,
    runtimes: [],
    async startRuntime(name, env = {}, nodeArgs) {
      const runtimeOptions: RuntimeProcessOptions = {
        name,
        ...(nodeArgs ? { nodeArgs } : {}),
        databaseUrl,
        natsUrl: bus.url,
        smtp: { port: sink.port },
        env: { ...replicasEnv, ...options.runtimeEnv, ...env },
      };
      const runtime = await startRuntimeProcess(runtimeOptions);
      street.runtimes.push(runtime);
      return runtime;
    },
    async stop() {
      await Promise.all(street.runtimes.map((r) => r.kill()));
      await source.close();
      await nc.close().catch(() => undefined);
      await sqlPool.end().catch(() => undefined);
      await sink.stop();
      await bus.stop();
      await dropDatabase();
    },
  };
  return street;
}

/** One receivable of the fixture street: kind rent runs the one-email `reminder` flow. */
export function fixtureReceivable(n: number, overrides: Record<string, unknown> = {}) {
  return {
    externalId: `DUR-${String(n).padStart(7, '0')}`,
    kind: 'rent',
    amount: 10_000 + (n % 5_000),
    currency: 'EUR',
    dueDate: '2026-11-01',
    paymentReference: `REF${n}`,
    source: 'production',
    debtor: { id: `D-${n}`, name: `Huurder ${n}`, email: `huurder-${n}@example.org`, locale: 'nl' },
    ...overrides,
  };
}

export function ndjson(lines: readonly unknown[]): string {
  return `${lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n')}\n`;
}

export async function postNdjson(runtimeUrl: string, body: string, apiKey = FIXTURE_KEY) {
  const res = await fetch(`${runtimeUrl}/v1/receivables`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/x-ndjson' },
    body,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Polls until `probe` returns true. */
export async function until(probe: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await probe()) return;
    } catch {
      // the database may be restarting; try again
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export interface StepTally {
  receivables: number;
  cases: number;
  /** Send steps by status. */
  steps: Record<string, number>;
  /** Receivables whose send steps are not all finished (sent, skipped, failed, cancelled). */
  unfinished: number;
}

export async function tally(sql: pg.Pool): Promise<StepTally> {
  const [r, c, s, u] = await Promise.all([
    sql.query('SELECT count(*)::int AS n FROM receivables'),
    sql.query('SELECT count(*)::int AS n FROM cases'),
    sql.query(`SELECT status, count(*)::int AS n FROM steps WHERE kind IN ('send', 'alert') GROUP BY status`),
    sql.query(`SELECT count(*)::int AS n FROM steps WHERE kind IN ('send', 'alert')
      AND status NOT IN ('sent', 'skipped', 'failed', 'cancelled')`),
  ]);
  return {
    receivables: r.rows[0].n,
    cases: c.rows[0].n,
    steps: Object.fromEntries(s.rows.map((row) => [row.status, row.n])),
    unfinished: u.rows[0].n,
  };
}

/**
 * Per receivable: messages recorded as sent, and distinct message ids and raw mails the sink got. Exactly
 * once means one sent message row and one distinct message id per receivable; a crash between the relay's
 * 250 and our record may repeat the same message (same id) — counted in `resends`.
 */
export async function deliveryReport(sql: pg.Pool, sink: CountingSink) {
  const rows = await sql.query(`
    SELECT r.external_id, m.id AS message_id, m.status, m.recipient FROM receivables r
    LEFT JOIN messages m ON m.receivable_id = r.id`);
  const byReceivable = new Map<string, { sent: number; ids: string[]; recipient?: string }>();
  for (const row of rows.rows) {
    const entry = byReceivable.get(row.external_id) ?? { sent: 0, ids: [] };
    if (row.message_id) {
      entry.ids.push(row.message_id);
      entry.recipient = row.recipient;
      if (row.status === 'sent') entry.sent++;
    }
    byReceivable.set(row.external_id, entry);
  }
  const mailsById = new Map<string, number>();
  for (const mail of sink.mails) mailsById.set(mail.messageId, (mailsById.get(mail.messageId) ?? 0) + 1);
  const recipientsById = new Map(sink.mails.map((m) => [m.messageId, m.to]));
  let notSentOnce = 0;
  let notMailedOnce = 0;
  let resends = 0;
  for (const entry of byReceivable.values()) {
    if (entry.sent !== 1 || entry.ids.length !== 1) notSentOnce++;
    const received = entry.ids.filter((id) => mailsById.has(id));
    if (received.length !== 1 || recipientsById.get(received[0]!) !== entry.recipient) notMailedOnce++;
    for (const id of received) resends += mailsById.get(id)! - 1;
  }
  const known = new Set([...byReceivable.values()].flatMap((e) => e.ids));
  const strangers = [...mailsById.keys()].filter((id) => !known.has(id)).length;
  return {
    receivables: byReceivable.size,
    notSentOnce,
    notMailedOnce,
    resends,
    strangers,
    mails: sink.mails.length,
  };
}
