// Wires one runtime process: Postgres (migrated), NATS JetStream (streams ensured), the config bundles
// from KV, the intake worker, the scheduler and the HTTP ingress. Any number of these share one street.
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import type { FastifyInstance } from 'fastify';
import { BUNDLE_BUCKET } from '../core/bundle/types.js';
import {
  connectBus,
  DEFAULT_REDELIVERY,
  ensureRuntimeConsumers,
  ensureStreams,
  natsReady,
} from '../platform/bus/index.js';
import { createDatabase, databaseAnswers, runMigrations } from '../platform/db/index.js';
import { createLogger, type Logger } from '../platform/log.js';
import { startMetricsServer } from '../platform/metrics-server.js';
import { guardedHttpFromEnv } from '../platform/outbound/index.js';
import { environmentSecrets } from '../platform/secrets.js';
import { type RuntimeSettings, SETTING_DEFAULTS } from '../platform/settings/runtime-settings.js';
import { buildApp, type ReadinessCheck } from './api/index.js';
import { BundleStore } from './bundles/index.js';
import { startChannels } from './channels/index.js';
import { Dispatcher } from './dispatch/index.js';
import { LinkTokens, refreshAllocations } from './dossiers/index.js';
import { MetricsSampler, OutcomeSampler } from './gauges/index.js';
import { IntakeWorker } from './intake/index.js';
import { createRuntimeMetrics } from './metrics/index.js';
import { MollieAdapter, mollieOptionsFromEnv, type PspAdapter } from './payments/index.js';
import { Scheduler } from './scheduler/index.js';
import { WebhookWorker } from './webhooks/index.js';

export interface RunningRuntime {
  app: FastifyInstance;
  url: string;
  /** The internal port: /metrics, /openapi.json, /healthz, /readyz. */
  metricsUrl: string;
  scheduler: Scheduler;
  bundles: BundleStore;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  /** The clock of intake, scheduler, dispatch and ERP changes; tests move it forward to let days pass. */
  clock?: () => Date;
  /** The payment service provider of the pages; default Mollie (the local street brings its own). */
  psp?: PspAdapter;
}

export async function startRuntime(
  given: RuntimeSettings,
  log: Logger = createLogger('runtime'),
  options: RuntimeOptions = {},
): Promise<RunningRuntime> {
  const now = options.clock ? { now: options.clock } : {};
  const settings = { ...SETTING_DEFAULTS, ...given };
  const links = LinkTokens.fromSecret(settings.linkSecret);
  const metrics = createRuntimeMetrics();
  const db = await createDatabase(settings.databaseUrl, { log });
  await runMigrations(db, { log });
  const nc = await connectBus(settings.natsUrl, {
    name: `outputstraat-runtime/${settings.instanceId}`,
    log,
    ...(settings.nats ? { security: settings.nats } : {}),
  });
  const jsm = await jetstreamManager(nc);
  await ensureStreams(jsm, { replicas: settings.streamReplicas, log });
  const redelivery = {
    ...DEFAULT_REDELIVERY,
    maxDeliver: settings.maxDeliver,
    initialDelayMs: settings.redeliveryDelayMs,
  };
  await ensureRuntimeConsumers(jsm, redelivery);
  const js = jetstream(nc);
  const kv = await new Kvm(js).open(BUNDLE_BUCKET);
  const bundles = new BundleStore(db, log, metrics);
  await bundles.start(kv);

  // Adapters per provider, print batches, bounce intake, retention sweep; their routes are added below.
  // Webhooks (message channel and event feed) go out through one SSRF guard.
  const outbound = guardedHttpFromEnv();
  const delivery = await startChannels({
    http: outbound,
    db,
    bundles,
    log,
    publicUrl: settings.publicUrl,
    links,
    instanceId: settings.instanceId,
    smtpRedirect: settings.smtpRedirect,
    metrics,
  });
  const channels = delivery.registry;
  const runs = (worker: (typeof settings.workers)[number]) => settings.workers.includes(worker);
  const intake = new IntakeWorker(
    { db, bundles, log, metrics, ...now },
    { batchSize: settings.intakeBatchSize, concurrency: settings.intakeConcurrency, redelivery },
  );
  if (runs('intake')) await intake.start(js);
  const dispatcher = new Dispatcher(
    {
      db,
      bundles,
      channels,
      log,
      metrics,
      publicUrl: settings.publicUrl,
      links,
      instanceId: settings.instanceId,
    },
    {
      concurrency: settings.dispatchConcurrency,
      emailConcurrency: settings.dispatchConcurrencyEmail,
      groupSize: settings.dispatchGroup,
      leaseMs: settings.dispatchLeaseMs,
      redelivery,
      ...now,
    },
  );
  if (runs('dispatch')) await dispatcher.start(js);
  const scheduler = new Scheduler(
    { db, bundles, log, metrics, js },
    {
      instanceId: settings.instanceId,
      intervalMs: settings.schedulerIntervalMs,
      claimLeaseMs: settings.claimLeaseMs,
      maxQueued: settings.dispatchMaxQueued,
      maxWaiting: settings.dispatchMaxWaiting,
      dispatchGroup: Math.min(settings.dispatchGroup, settings.dispatchConcurrency),
      dispatchLeaseMs: settings.dispatchLeaseMs,
      ...now,
    },
  );
  if (runs('scheduler')) scheduler.start();
  // Experiments' allocations (bandit shares, guardrail stops) for intake; replicas compute the same result.
  const clock = options.clock ?? (() => new Date());
  const experimentSweep =
    runs('scheduler') && settings.experimentSweepMs > 0
      ? setInterval(() => {
          const all = bundles.corporations().flatMap((c) => bundles.get(c) ?? []);
          refreshAllocations(db, all, clock()).catch((err: unknown) =>
            log.warn({ err: (err as Error).message }, 'experiment allocations not refreshed'),
          );
        }, settings.experimentSweepMs)
      : undefined;
  const sampler = new MetricsSampler(
    { db, jsm, bundles, metrics, log, instanceId: settings.instanceId, now: clock },
    settings.metricsSampleMs,
  );
  sampler.start();
  const outcomeSampler = new OutcomeSampler(
    { db, bundles, metrics, log, instanceId: settings.instanceId, now: clock },
    settings.outcomeSampleMs,
  );
  outcomeSampler.start();
  const webhooks = new WebhookWorker({ db, bundles, log, secrets: environmentSecrets(), http: outbound });
  webhooks.start();

  const readiness: ReadinessCheck[] = [
    { name: 'postgres', check: () => databaseAnswers(db) },
    { name: 'nats', check: () => natsReady(nc) },
    { name: 'config', check: () => bundles.ready && bundles.corporations().length > 0 },
  ];
  const app = await buildApp({
    ...now,
    bundles,
    js,
    db,
    log,
    metrics,
    links,
    pages: {
      psp: options.psp ?? new MollieAdapter(mollieOptionsFromEnv()),
      publicUrl: settings.publicUrl,
      send: (message) => channels.adapter(message.channel.spec.provider).send(message),
    },
    readiness,
  });
  await app.register(delivery.routes);
  await app.listen({ host: settings.host, port: settings.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : settings.port;
  const internal = await startMetricsServer({
    host: settings.metricsHost,
    port: settings.metricsPort,
    registry: metrics.registry,
    ready: async () => (await Promise.all(readiness.map((r) => r.check()))).every(Boolean),
    routes: {
      '/openapi.json': { contentType: 'application/json', body: () => JSON.stringify(app.openApi()) },
    },
  }).catch(async (err: unknown) => {
    await app.close();
    throw err;
  });

  let closed = false;
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    metricsUrl: internal.url,
    scheduler,
    bundles,
    async close() {
      if (closed) return;
      closed = true;
      // Stop taking new work, finish what is in hand, then let go of connections.
      // Intake and dispatch stop pulling and hand back what they buffered; batches and sends in progress
      // finish and are acked before the connections close.
      await app.close();
      await internal.close();
      await scheduler.stop();
      clearInterval(experimentSweep);
      await Promise.all([intake.stop(), dispatcher.stop()]);
      await Promise.all([sampler.stop(), outcomeSampler.stop()]);
      await webhooks.stop();
      bundles.stop();
      await delivery.close();
      await nc.drain().catch(() => undefined);
      await db.end();
    },
  };
}
