// Prometheus metrics of the operator (prom-client). Labels are kinds, namespaces and reasons — the
// names of configuration, never anything about a debtor.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export function createOperatorMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'outputstraat_operator_' });
  const lastWatchActivity = new Map<string, () => number>();
  return {
    registry,
    /** Registers where the seconds-since-last-event gauge reads a watch's last activity from. */
    watchActivity: lastWatchActivity,
    reconciles: new Counter({
      name: 'outputstraat_operator_reconciles_total',
      help: 'Reconciles of one resource, by kind and result (success, error)',
      labelNames: ['kind', 'result'],
      registers: [registry],
    }),
    reconcileDuration: new Histogram({
      name: 'outputstraat_operator_reconcile_duration_seconds',
      help: 'Seconds one reconcile took, by kind',
      labelNames: ['kind'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    reconcileErrors: new Counter({
      name: 'outputstraat_operator_reconcile_errors_total',
      help: 'Reconciles that failed and will be retried, by kind',
      labelNames: ['kind'],
      registers: [registry],
    }),
    compileDuration: new Histogram({
      name: 'outputstraat_operator_compile_duration_seconds',
      help: 'Seconds to read Secrets, compile the whole street and publish its bundles',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    bundlePublishes: new Counter({
      name: 'outputstraat_operator_bundle_publishes_total',
      help: 'Bundle publish attempts per corporation, by result (published, unchanged, failed, retired)',
      labelNames: ['corporation', 'result'],
      registers: [registry],
    }),
    resources: new Gauge({
      name: 'outputstraat_operator_resources',
      help: 'Resources the operator sees, by kind, namespace and whether they are Ready',
      labelNames: ['kind', 'namespace', 'ready'],
      registers: [registry],
    }),
    watchRestarts: new Counter({
      name: 'outputstraat_operator_watch_restarts_total',
      help: 'Watches started again, by kind and reason (closed, expired, stalled, error)',
      labelNames: ['kind', 'reason'],
      registers: [registry],
    }),
    secondsSinceWatchEvent: new Gauge({
      name: 'outputstraat_operator_watch_seconds_since_last_event',
      help: 'Seconds since a watch last delivered an event or a bookmark (or a list), by kind',
      labelNames: ['kind'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [kind, last] of lastWatchActivity) {
          const at = last();
          if (at > 0) this.set({ kind }, (Date.now() - at) / 1000);
        }
      },
    }),
    queueDepth: new Gauge({
      name: 'outputstraat_operator_queue_depth',
      help: 'Resource keys waiting in the reconcile queue',
      registers: [registry],
    }),
    leadership: new Counter({
      name: 'outputstraat_operator_leadership_changes_total',
      help: 'Times this instance started or stopped leading (change: started, stopped)',
      labelNames: ['change'],
      registers: [registry],
    }),
    baseLibraryProblems: new Gauge({
      name: 'outputstraat_operator_base_library_problems',
      help: 'What the last round could not apply of the shipped base library: refused keys and resources, or 1 for a missing ConfigMap (0: all applied, or none shipped)',
      registers: [registry],
    }),
    leader: new Gauge({
      name: 'outputstraat_operator_leader',
      help: '1 while this instance holds the leader Lease and reconciles, else 0',
      registers: [registry],
    }),
  };
}

export type OperatorMetrics = ReturnType<typeof createOperatorMetrics>;
