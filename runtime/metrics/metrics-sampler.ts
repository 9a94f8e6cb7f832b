// Samples the gauges that describe the street rather than this process: open cases per flow, steps due
// and queued per flow and channel (from Postgres), and JetStream consumer lag. Every replica samples the
// same values; dashboards take max() over replicas.
import type { JetStreamManager } from '@nats-io/jetstream';
import type { Logger } from '../../core/log.js';
import type { BundleStore } from '../bundles/bundle-store.js';
import {
  CHANNEL_TYPES,
  DISPATCH_STREAM,
  dispatchConsumerName,
  INTAKE_CONSUMER,
  INTAKE_STREAM,
} from '../bus/index.js';
import { type Database, sql } from '../db/index.js';
import type { RuntimeMetrics } from './runtime-metrics.js';

export interface MetricsSamplerDeps {
  db: Database;
  jsm: JetStreamManager;
  bundles: BundleStore;
  metrics: RuntimeMetrics;
  log: Logger;
}

const CONSUMERS: { stream: string; consumer: string }[] = [
  { stream: INTAKE_STREAM, consumer: INTAKE_CONSUMER },
  ...CHANNEL_TYPES.map((t) => ({ stream: DISPATCH_STREAM, consumer: dispatchConsumerName(t) })),
];

export class MetricsSampler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly deps: MetricsSamplerDeps,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    const run = () => {
      this.running = this.sample()
        .catch((err: unknown) => this.deps.log.warn({ err }, 'metrics sampling failed'))
        .finally(() => {
          if (this.timer) this.timer = setTimeout(run, this.intervalMs);
        });
    };
    this.timer = setTimeout(run, 0);
  }

  async sample(): Promise<void> {
    await Promise.all([this.sampleCases(), this.sampleSteps(), this.sampleConsumers()]);
  }

  private async sampleCases(): Promise<void> {
    const rows = await this.deps.db.any(sql.unsafe`
      SELECT corporation, flow, count(*)::int AS n FROM cases WHERE status IN ('active', 'paused')
      GROUP BY corporation, flow`);
    const gauge = this.deps.metrics.casesOpen;
    gauge.reset();
    for (const r of rows)
      gauge.set({ corporation: r.corporation as string, flow: r.flow as string }, r.n as number);
  }

  private async sampleSteps(): Promise<void> {
    const rows = await this.deps.db.any(sql.unsafe`
      SELECT s.corporation, c.flow, s.kind, s.payload->>'channel' AS channel,
        CASE WHEN s.status = 'queued' THEN 'queued' ELSE 'due' END AS state, count(*)::int AS n
      FROM steps s JOIN cases c ON c.id = s.case_id
      WHERE s.kind IN ('send', 'alert')
        AND (s.status = 'queued' OR (s.status = 'scheduled' AND s.due_at <= now()))
      GROUP BY 1, 2, 3, 4, 5`);
    const { stepsDue, stepsWaiting } = this.deps.metrics;
    stepsDue.reset();
    stepsWaiting.reset();
    for (const r of rows) {
      const corporation = r.corporation as string;
      const channel =
        r.kind === 'alert'
          ? (Object.values(this.deps.bundles.get(corporation)?.channels ?? {}).find(
              (ch) => ch.spec.type === 'email',
            )?.name ?? 'email')
          : ((r.channel as string | null) ?? 'unknown');
      const labels = { corporation, flow: r.flow as string, channel };
      (r.state === 'queued' ? stepsWaiting : stepsDue).inc(labels, r.n as number);
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

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
