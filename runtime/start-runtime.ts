// Wires one runtime process: Postgres (migrated), NATS JetStream (streams ensured), the config bundles
// from KV, the intake worker, the scheduler and the HTTP ingress. Any number of these share one street.
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import type { FastifyInstance } from 'fastify';
import { BUNDLE_BUCKET } from '../core/bundle/types.js';
import { createLogger, type Logger } from '../core/log.js';
import { BundleStore } from './bundles/bundle-store.js';
import { connectBus, ensureStreams } from './bus/index.js';
import { ensureIntakeConsumer, IntakeWorker } from './cases/intake-worker.js';
import { Scheduler } from './cases/scheduler.js';
import { ChannelRegistry } from './channels/channel-registry.js';
import { SmtpChannel } from './channels/smtp-channel.js';
import { createDatabase, runMigrations, sql } from './db/index.js';
import { buildApp } from './ingress/build-app.js';
import { createRuntimeMetrics } from './metrics/runtime-metrics.js';
import type { RuntimeSettings } from './settings.js';

export interface RunningRuntime {
  app: FastifyInstance;
  url: string;
  scheduler: Scheduler;
  bundles: BundleStore;
  close(): Promise<void>;
}

export async function startRuntime(
  settings: RuntimeSettings,
  log: Logger = createLogger('runtime'),
): Promise<RunningRuntime> {
  const metrics = createRuntimeMetrics();
  const db = await createDatabase(settings.databaseUrl, { log });
  await runMigrations(db, { log });
  const nc = await connectBus(settings.natsUrl, { name: `outputstraat-runtime/${settings.instanceId}`, log });
  const jsm = await jetstreamManager(nc);
  await ensureStreams(jsm, { log });
  await ensureIntakeConsumer(jsm);
  const js = jetstream(nc);
  const kv = await new Kvm(js).open(BUNDLE_BUCKET);
  const bundles = new BundleStore(db, log, metrics);
  await bundles.start(kv);

  const channels = new ChannelRegistry({
    smtp: new SmtpChannel(settings.smtpRedirect ? { redirect: settings.smtpRedirect } : {}),
  });
  const intake = new IntakeWorker({ db, bundles, log, metrics });
  await intake.start(js);
  const scheduler = new Scheduler(
    { db, bundles, channels, log, metrics, publicUrl: settings.publicUrl },
    {
      instanceId: settings.instanceId,
      intervalMs: settings.schedulerIntervalMs,
      claimLeaseMs: settings.claimLeaseMs,
    },
  );
  scheduler.start();

  const app = await buildApp({
    bundles,
    js,
    db,
    log,
    metrics,
    readiness: [
      { name: 'postgres', check: async () => (await db.oneFirst(sql.unsafe`SELECT 1`)) === 1 },
      { name: 'nats', check: () => !nc.isClosed() && !nc.isDraining() },
      { name: 'config', check: () => bundles.ready && bundles.corporations().length > 0 },
    ],
  });
  await app.listen({ host: settings.host, port: settings.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : settings.port;

  let closed = false;
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    scheduler,
    bundles,
    async close() {
      if (closed) return;
      closed = true;
      // Stop taking new work, finish what is in hand, then let go of connections.
      await app.close();
      await intake.stop();
      await scheduler.stop();
      bundles.stop();
      await channels.close();
      await nc.drain().catch(() => undefined);
      await db.end();
    },
  };
}
