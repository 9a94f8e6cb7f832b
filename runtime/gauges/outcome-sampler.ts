// Samples the outcome figures (docs/outcomes.md) of every corporation's dossiers started in the last
// OUTCOME_METRIC_DAYS into gauges: per flow and per flow, step and channel — never a debtor. The SQL
// reads every dossier of that window, so one replica per interval (OST_OUTCOME_SAMPLE_MS, default five
// minutes) runs it and the others export what it stored; dashboards take max() over replicas. That
// replica also puts final dossier outcomes on the ERP's feed (outcome-events.ts).
import { DAY_MS, type FlowTotals, OUTCOME_WINDOWS, type StepTotals } from '../../core/outcomes/index.js';
import type { Database } from '../../platform/db/index.js';
import type { Logger } from '../../platform/log.js';
import type { BundleStore } from '../bundles/index.js';
import { flowOutcomes, reportFinalOutcomes, stepOutcomes } from '../dossiers/index.js';
import type { RuntimeMetrics } from '../metrics/index.js';
import { Repeating } from './repeating.js';
import { sharedSample } from './shared-sample.js';

export const OUTCOME_METRIC_DAYS = 90;

export interface OutcomeSamplerDeps {
  db: Database;
  instanceId: string;
  bundles: BundleStore;
  metrics: RuntimeMetrics;
  log: Logger;
  now?: () => Date;
}

interface OutcomeSample {
  corporations: { corporation: string; flows: FlowTotals[]; steps: StepTotals[] }[];
}

const isOutcomeSample = (body: unknown): body is OutcomeSample =>
  typeof body === 'object' && body !== null && Array.isArray((body as OutcomeSample).corporations);

const euros = (cents: number) => Math.round(cents) / 100;

export class OutcomeSampler {
  constructor(
    private readonly deps: OutcomeSamplerDeps,
    private readonly intervalMs: number,
  ) {
    this.loop = new Repeating(
      intervalMs,
      () => this.sample(),
      (err: unknown) => this.deps.log.warn({ err }, 'outcome sampling failed'),
    );
  }

  private readonly loop: Repeating;

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  async sample(): Promise<void> {
    const { db, instanceId } = this.deps;
    const sample = await sharedSample(
      db,
      'outcomes',
      instanceId,
      this.intervalMs,
      () => this.count(),
      isOutcomeSample,
    );
    if (sample) this.export(sample);
  }

  private async count(): Promise<OutcomeSample> {
    const now = this.deps.now?.() ?? new Date();
    const from = new Date(now.getTime() - OUTCOME_METRIC_DAYS * DAY_MS);
    const corporations: OutcomeSample['corporations'] = [];
    for (const corporation of this.deps.bundles.corporations()) {
      // The replica that counts also puts dossiers whose outcome became final on the ERP's feed.
      await reportFinalOutcomes(this.deps.db, corporation, now);
      const q = { corporation, from, to: now, now };
      const [flows, steps] = await Promise.all([
        flowOutcomes(this.deps.db, q),
        stepOutcomes(this.deps.db, q),
      ]);
      corporations.push({ corporation, flows, steps });
    }
    return { corporations };
  }

  private export(sample: OutcomeSample): void {
    const m = this.deps.metrics;
    const gauges = [
      m.outcomeDossiers,
      m.outcomeDossiersPaid,
      m.outcomeRecovered,
      m.outcomeDossierEvents,
      m.outcomeMessages,
      m.outcomeMessagesPaid,
      m.outcomeMessageRecovered,
      m.outcomeCost,
    ];
    for (const g of gauges) g.reset();
    for (const { corporation, flows, steps } of sample.corporations) {
      for (const f of flows) {
        const labels = { corporation, flow: f.flow };
        m.outcomeDossiers.set(labels, f.dossiers);
        m.outcomeRecovered.set(labels, euros(f.recovered));
        for (const d of OUTCOME_WINDOWS) {
          m.outcomeDossiersPaid.set({ ...labels, paid: 'full', within_days: String(d) }, f.paidInFull[d]);
          m.outcomeDossiersPaid.set({ ...labels, paid: 'partly', within_days: String(d) }, f.paidPartly[d]);
        }
        m.outcomeDossierEvents.set({ ...labels, what: 'arrangement' }, f.arrangements);
        m.outcomeDossierEvents.set({ ...labels, what: 'reply' }, f.replies);
        m.outcomeDossierEvents.set({ ...labels, what: 'complaint' }, f.complaints);
      }
      for (const s of steps) {
        const labels = { corporation, flow: s.flow, step: s.step, channel: s.channel };
        m.outcomeMessages.set(labels, s.messages);
        m.outcomeMessageRecovered.set(labels, euros(s.recovered));
        m.outcomeCost.set(labels, s.costCents / 100);
        for (const d of OUTCOME_WINDOWS) {
          m.outcomeMessagesPaid.set({ ...labels, within_days: String(d) }, s.paidInFull[d]);
        }
      }
    }
  }
}
