// Samples the gauges that describe the street rather than this process: open cases per flow, steps due
// and queued per flow and channel (from Postgres), and JetStream consumer lag. Every replica exports the
// same values; dashboards take max() over replicas. The Postgres counts read millions of rows on rent
// day, so one replica per interval runs them (whoever claims the `gauge_samples` row first) and the
// others export what it stored.
import type { JetStreamManager } from '@nats-io/jetstream';
import {
  CHANNEL_TYPES,
  DISPATCH_STREAM,
  dispatchConsumerName,
  INTAKE_BULK_CONSUMER,
  INTAKE_CONSUMER,
  INTAKE_STREAM,
} from '../../platform/bus/index.js';
import { type Database, sql } from '../../platform/db/index.js';
import type { Logger } from '../../platform/log.js';
import type { BundleStore } from '../bundles/index.js';
import type { RuntimeMetrics } from '../metrics/index.js';
import { dispatchLag, intakeLag } from './corporation-lag.js';
import { Repeating } from './repeating.js';
import { sharedSample } from './shared-sample.js';

export interface MetricsSamplerDeps {
  db: Database;
  /** This replica's name, recorded with the counts it made. */
  instanceId: string;
  jsm: JetStreamManager;
  bundles: BundleStore;
  metrics: RuntimeMetrics;
  log: Logger;
  /** The runtime's clock (the lag is measured against it). */
  now?: () => Date;
}

const CONSUMERS: { stream: string; consumer: string }[] = [
  { stream: INTAKE_STREAM, consumer: INTAKE_CONSUMER },
  { stream: INTAKE_STREAM, consumer: INTAKE_BULK_CONSUMER },
  ...CHANNEL_TYPES.map((t) => ({ stream: DISPATCH_STREAM, consumer: dispatchConsumerName(t) })),
];

export class MetricsSampler {
  constructor(
    private readonly deps: MetricsSamplerDeps,
    private readonly intervalMs: number,
  ) {
    this.loop = new Repeating(
      intervalMs,
      () => this.sample(),
      (err: unknown) => this.deps.log.warn({ err }, 'metrics sampling failed'),
    );
  }

  private readonly loop: Repeating;

  start(): void {
    this.loop.start();
  }

  async sample(): Promise<void> {
    await Promise.all([this.sampleDatabase(), this.sampleConsumers(), this.sampleLag()]);
  }

  /** Counts when this replica claims the interval, else takes the counts another replica stored. */
  private async sampleDatabase(): Promise<void> {
    const { db, instanceId } = this.deps;
    const counts = await sharedSample(
      db,
      'street',
      instanceId,
      this.intervalMs,
      () => countStreet(db),
      isDatabaseCounts,
    );
    if (!counts) return;
    this.exportCases(counts.cases);
    this.exportDossiers(counts.dossiers ?? []);
    this.exportSteps(counts.steps);
  }

  private exportCases(rows: DatabaseCounts['cases']): void {
    const gauge = this.deps.metrics.casesOpen;
    gauge.reset();
    for (const r of rows) gauge.set({ corporation: r.corporation, flow: r.flow }, r.n);
  }

  private exportDossiers(rows: NonNullable<DatabaseCounts['dossiers']>): void {
    const gauge = this.deps.metrics.dossiersOpen;
    gauge.reset();
    for (const r of rows) gauge.set({ corporation: r.corporation, flow: r.flow }, r.n);
  }

  private exportSteps(rows: DatabaseCounts['steps']): void {
    const { stepsDue, stepsWaiting } = this.deps.metrics;
    stepsDue.reset();
    stepsWaiting.reset();
    for (const r of rows) {
      const { corporation } = r;
      const channel =
        r.kind === 'alert'
          ? (Object.values(this.deps.bundles.get(corporation)?.channels ?? {}).find(
              (ch) => ch.spec.type === 'email',
            )?.name ?? 'email')
          : (r.channel ?? 'unknown');
      const labels = { corporation, flow: r.flow, channel };
      (r.state === 'queued' ? stepsWaiting : stepsDue).inc(labels, r.n);
    }
  }

  /** Per corporation, the oldest work waiting for intake and for dispatch (corporation-lag.ts). */
  private async sampleLag(): Promise<void> {
    const corporations = this.deps.bundles.corporations();
    const now = this.deps.now?.() ?? new Date();
    const lags = [
      ...(await intakeLag(this.deps.jsm, corporations, now)),
      ...(await dispatchLag(this.deps.db, corporations, now)),
    ];
    this.deps.metrics.corporationLag.reset();
    for (const lag of lags) {
      this.deps.metrics.corporationLag.set({ corporation: lag.corporation, stage: lag.stage }, lag.seconds);
    }
  }

  private async sampleConsumers(): Promise<void> {
    for (const { stream, consumer } of CONSUMERS) {
      try {
        const info = await this.deps.jsm.consumers.info(stream, consumer);
        this.deps.metrics.consumerPending.set({ stream, consumer }, info.num_pending);
        this.deps.metrics.consumerAckPending.set({ stream, consumer }, info.num_ack_pending);
      } catch {
        // NATS away or the consumer not there yet: keep the last value, the next round tries again.
      }
    }
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }
}

interface DatabaseCounts {
  cases: { corporation: string; flow: string; n: number }[];
  /** Debtor-scope dossiers among the cases; absent in counts stored by a replica of before. */
  dossiers?: { corporation: string; flow: string; n: number }[];
  steps: {
    corporation: string;
    flow: string;
    kind: string;
    channel: string | null;
    state: 'queued' | 'due';
    n: number;
  }[];
}

const isDatabaseCounts = (body: unknown): body is DatabaseCounts =>
  typeof body === 'object' &&
  body !== null &&
  Array.isArray((body as DatabaseCounts).cases) &&
  Array.isArray((body as DatabaseCounts).steps);

async function countStreet(db: Database): Promise<DatabaseCounts> {
  const [cases, steps] = await Promise.all([
    db.any(sql.unsafe`
      SELECT corporation, flow, count(*)::int AS n, count(*) FILTER (WHERE scope = 'debtor')::int AS dossiers
      FROM cases WHERE status IN ('active', 'paused')
      GROUP BY corporation, flow`),
    db.any(sql.unsafe`
      SELECT corporation,
        -- a step written by a replica older than migration 007 has no flow of its own
        coalesce(flow, (SELECT c.flow FROM cases c WHERE c.id = steps.case_id)) AS flow,
        kind, payload->>'channel' AS channel,
        CASE WHEN status = 'queued' THEN 'queued' ELSE 'due' END AS state, count(*)::int AS n
      FROM steps
      WHERE kind IN ('send', 'alert') AND (status = 'queued' OR (status = 'scheduled' AND due_at <= now()))
      GROUP BY 1, 2, 3, 4, 5`),
  ]);
  return {
    cases: cases.map((r) => ({
      corporation: r.corporation as string,
      flow: r.flow as string,
      n: r.n as number,
    })),
    dossiers: cases
      .filter((r) => (r.dossiers as number) > 0)
      .map((r) => ({
        corporation: r.corporation as string,
        flow: r.flow as string,
        n: r.dossiers as number,
      })),
    steps: steps as unknown as DatabaseCounts['steps'],
  };
}
