// The operator process in a cluster: watches Corporation, Flow, Template, Channel and
// ClassificationRule resources, compiles them into one bundle per corporation, publishes the bundles
// to NATS KV and writes status and Events back. Settings come from the environment, timings from flags:
//   KUBECONFIG (else ~/.kube/config, else the in-cluster ServiceAccount), NATS_URL, POD_NAME,
//   LEADER_ELECTION_NAMESPACE, METRICS_PORT, LOG_LEVEL, OST_BASE_LIBRARY (<namespace>/<configmap> of the
//   shipped base library) and OST_BASE_LIBRARY_NAMESPACE; NATS credentials and TLS as the runtime reads
//   them (NATS_USER + NATS_PASSWORD, NATS_NKEY_SEED_FILE or NATS_CREDS_FILE; NATS_TLS_*_FILE)
//   --leader-elect=true|false  --lease-name outputstraat-operator  --lease-duration 15s
//   --renew-deadline 10s  --retry-period 2s  --watchdog 3m  --watch-timeout 5m  --resync 5m
//   --concurrency 4  --metrics-host 0.0.0.0  --base-library-interval 30s
import { hostname } from 'node:os';
import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { BUNDLE_BUCKET } from '../core/bundle/types.js';
import { connectBus, ensureBundleBucket } from '../platform/bus/index.js';
import { createLogger } from '../platform/log.js';
import { parseProcessArgs } from '../platform/process-args.js';
import { natsOptionsFromEnv } from '../platform/settings/nats-options.js';
import {
  baseLibraryFromEnv,
  checkLeaderTimings,
  inClusterNamespace,
  KubeClient,
  loadKubeConnection,
  Operator,
  parseFlagDuration,
  startMetricsServer,
} from './kubernetes/index.js';
import { BundlePublisher } from './publisher/bundle-publisher.js';

const log = createLogger('operator');

const USAGE = `Usage: outputstraat-operator [flags]

The Outputstraat operator: watches Corporation, Flow, Template, Channel and ClassificationRule
resources, compiles one bundle per corporation, publishes it to NATS KV and writes status back.

Flags:
  --leader-elect true|false   one active replica through a Lease (default true)
  --lease-name NAME           the Lease (default outputstraat-operator)
  --lease-duration 15s        --renew-deadline 10s        --retry-period 2s
  --watchdog 3m               a watch silent this long is restarted
  --watch-timeout 5m          --resync 5m                 --concurrency 4
  --metrics-host 0.0.0.0      --base-library-interval 30s (how often the leader reads the
                              base library's ConfigMap; OST_BASE_LIBRARY)
  -h, --help

Environment: KUBECONFIG (else ~/.kube/config, else in-cluster), NATS_URL, POD_NAME,
LEADER_ELECTION_NAMESPACE, METRICS_PORT, LOG_LEVEL, OST_BASE_LIBRARY (<namespace>/<configmap>
of the base library the chart ships) and OST_BASE_LIBRARY_NAMESPACE (default outputstraat-base),
NATS credentials and TLS (docs/operations.md).
`;

const flags = parseProcessArgs('outputstraat-operator', USAGE, {
  'leader-elect': { type: 'string', default: 'true' },
  'lease-name': { type: 'string', default: 'outputstraat-operator' },
  'lease-duration': { type: 'string', default: '15s' },
  'renew-deadline': { type: 'string', default: '10s' },
  'retry-period': { type: 'string', default: '2s' },
  watchdog: { type: 'string', default: '3m' },
  'watch-timeout': { type: 'string', default: '5m' },
  resync: { type: 'string', default: '5m' },
  concurrency: { type: 'string', default: '4' },
  'metrics-host': { type: 'string', default: '0.0.0.0' },
  'base-library-interval': { type: 'string', default: '30s' },
});

const leaseNamespace = () => process.env.LEADER_ELECTION_NAMESPACE ?? inClusterNamespace() ?? 'default';

try {
  const identity = process.env.POD_NAME ?? `${hostname()}-${process.pid}`;
  const timings = {
    leaseDurationMs: parseFlagDuration(flags['lease-duration']),
    renewDeadlineMs: parseFlagDuration(flags['renew-deadline']),
    retryPeriodMs: parseFlagDuration(flags['retry-period']),
  };
  checkLeaderTimings(timings);
  const client = new KubeClient(loadKubeConnection());

  const natsUrl = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
  const nc = await connectBus(natsUrl, {
    name: `outputstraat-operator/${identity}`,
    log,
    waitOnFirstConnect: true,
    security: natsOptionsFromEnv(),
  });
  const jsm = await jetstreamManager(nc);
  await ensureBundleBucket(jsm);
  const kv = await new Kvm(jsm.jetstream()).open(BUNDLE_BUCKET);

  const operator = new Operator({
    client,
    publisher: new BundlePublisher(kv, log),
    identity,
    log,
    leaderElection:
      flags['leader-elect'] === 'false'
        ? false
        : { namespace: leaseNamespace(), name: flags['lease-name'], ...timings },
    timings: {
      watchdogMs: parseFlagDuration(flags.watchdog),
      watchTimeoutSeconds: Math.round(parseFlagDuration(flags['watch-timeout']) / 1000),
      resyncMs: parseFlagDuration(flags.resync),
    },
    concurrency: Number(flags.concurrency),
    baseLibrary: baseLibraryFromEnv(process.env),
    baseLibraryIntervalMs: parseFlagDuration(flags['base-library-interval']),
  });
  const metrics = await startMetricsServer({
    host: flags['metrics-host'],
    port: Number(process.env.METRICS_PORT ?? 8081),
    registry: operator.metrics.registry,
    ready: () => !operator.isLeader || operator.leadingAndSynced,
  });
  operator.start();
  log.info(
    { identity, server: client.server, from: client.connection.source, metricsPort: metrics.port },
    'operator started',
  );

  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, async () => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, 'shutting down: releasing the lease');
      try {
        await operator.stop();
        await nc.drain();
        await metrics.close();
        client.close();
        process.exit(0);
      } catch (err) {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      }
    });
  }
} catch (err) {
  log.fatal({ error: { message: (err as Error).message } }, (err as Error).message);
  process.exit(1);
}
