// Starts a whole street for a test: its own nats-server, a fresh Postgres database, an SMTP sink, the
// directory-source operator over the given folders, and one or more runtime processes in this process.
import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { BUNDLE_BUCKET } from '../../core/bundle/types.js';
import { BundlePublisher } from '../../operator/publisher/bundle-publisher.js';
import { DirectorySource } from '../../operator/sources/directory-source.js';
import { ensureStreams } from '../../platform/bus/index.js';
import { createLogger } from '../../platform/log.js';
import type { RuntimeSettings } from '../../platform/settings/runtime-settings.js';
import { LinkTokens } from '../../runtime/dossiers/index.js';
import { type RunningRuntime, type RuntimeOptions, startRuntime } from '../../runtime/start-runtime.js';
import { type NatsServer, startNatsServer } from './nats-server.js';
import { createTestDatabase, type TestDatabase } from './postgres.js';
import { startSmtpSink, type TestSmtpSink } from './smtp-sink.js';

export const quietLog = () => createLogger('test', process.env.TEST_LOG_LEVEL ?? 'silent');

export interface TestStreet {
  nats: NatsServer;
  db: TestDatabase;
  smtp: TestSmtpSink;
  nc: NatsConnection;
  source: DirectorySource;
  runtimes: RunningRuntime[];
  settings(overrides?: Partial<RuntimeSettings>): RuntimeSettings;
  startRuntime(overrides?: Partial<RuntimeSettings>, options?: RuntimeOptions): Promise<RunningRuntime>;
  post(path: string, body: unknown, apiKey?: string, contentType?: string): Promise<Response>;
  get(path: string, apiKey?: string): Promise<Response>;
  stop(): Promise<void>;
}

export const DEMO_KEY = 'demo-woonstad-noord-key';
/** OST_LINK_SECRET of every test runtime: tests recompute a link's token from its id with it. */
export const TEST_LINK_SECRET = 'test-link-secret-0123456789abcdefghijklmnop';
/** Recomputes the token of a link made by a test runtime from its id, as the runtime itself does. */
export const TEST_LINKS = LinkTokens.fromSecret(TEST_LINK_SECRET);

export async function startStreet(paths: string[] = ['flows', 'examples']): Promise<TestStreet> {
  const nats = await startNatsServer();
  const db = await createTestDatabase();
  const smtp = await startSmtpSink();
  const nc = await connect({ servers: nats.url });
  const jsm = await jetstreamManager(nc);
  await ensureStreams(jsm);
  const kv = await new Kvm(jsm.jetstream()).open(BUNDLE_BUCKET);
  const log = quietLog();
  const source = new DirectorySource(paths, new BundlePublisher(kv, log), log);
  await source.reconcile();
  let n = 0;
  const street: TestStreet = {
    nats,
    db,
    smtp,
    nc,
    source,
    runtimes: [],
    settings: (overrides = {}) => ({
      databaseUrl: db.url,
      natsUrl: nats.url,
      host: '127.0.0.1',
      port: 0,
      publicUrl: 'http://127.0.0.1:0',
      instanceId: `test-runtime-${++n}`,
      linkSecret: TEST_LINK_SECRET,
      smtpRedirect: { host: '127.0.0.1', port: smtp.port },
      schedulerIntervalMs: 50,
      claimLeaseMs: 5_000,
      ...overrides,
    }),
    async startRuntime(overrides = {}, options = {}) {
      const runtime = await startRuntime(street.settings(overrides), log, options);
      street.runtimes.push(runtime);
      return runtime;
    },
    post: (path, body, apiKey = DEMO_KEY, contentType = 'application/json') =>
      fetch(`${street.runtimes[0]!.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': contentType },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    get: (path, apiKey = DEMO_KEY) =>
      fetch(`${street.runtimes[0]!.url}${path}`, { headers: { authorization: `Bearer ${apiKey}` } }),
    async stop() {
      for (const r of street.runtimes) await r.close().catch(() => undefined);
      await source.close();
      await nc.close();
      await smtp.stop();
      await nats.stop();
      await db.drop();
    },
  };
  return street;
}

export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs = 5_000,
  what = 'condition',
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
