// Every replica runs a scheduler: it claims due steps with SKIP LOCKED (so replicas share the work and
// never take the same row), feeds timers to their case and dispatches sends and alerts.
import type { Logger } from '../../core/log.js';
import type { BundleStore } from '../bundles/bundle-store.js';
import type { Database } from '../db/index.js';
import { feedCase } from './case-runner.js';
import { type DispatchDeps, dispatchStep } from './dispatch-message.js';
import { claimDueSteps, finishStep, releaseStaleClaims, type StepRow } from './step-claims.js';

export interface SchedulerOptions {
  instanceId: string;
  intervalMs: number;
  claimLeaseMs: number;
  batchSize?: number;
  concurrency?: number;
  now?: () => Date;
}

export class Scheduler {
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;
  private inFlight: Promise<unknown> = Promise.resolve();
  private lastSweep = 0;

  constructor(
    private readonly deps: DispatchDeps & { bundles: BundleStore; db: Database; log: Logger },
    private readonly options: SchedulerOptions,
  ) {}

  start(): void {
    this.stopped = false;
    this.loop();
  }

  private loop(): void {
    if (this.stopped) return;
    this.inFlight = this.tick()
      .catch((err: unknown) => this.deps.log.error({ err }, 'scheduler tick failed'))
      .then((processed) => {
        if (this.stopped) return;
        // Busy: go again at once; idle: wait for the interval.
        this.timer = setTimeout(() => this.loop(), processed ? 0 : this.options.intervalMs);
      });
  }

  /** One round: returns how many steps were processed. */
  async tick(): Promise<number> {
    const now = this.options.now?.() ?? new Date();
    if (Date.now() - this.lastSweep > this.options.claimLeaseMs / 4) {
      this.lastSweep = Date.now();
      const released = await releaseStaleClaims(this.deps.db, this.options.claimLeaseMs);
      if (released > 0) this.deps.log.warn({ released }, 'recovered steps claimed by a replica that stopped');
    }
    const steps = await claimDueSteps(
      this.deps.db,
      this.options.instanceId,
      now,
      this.options.batchSize ?? 200,
    );
    const concurrency = this.options.concurrency ?? 16;
    let next = 0;
    const worker = async () => {
      while (next < steps.length) {
        const step = steps[next++]!;
        await this.process(step, now).catch((err: unknown) => {
          this.deps.log.error(
            { err, corporation: step.corporation, step: step.step_id },
            'step processing failed',
          );
        });
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, steps.length) }, worker));
    return steps.length;
  }

  private async process(step: StepRow, now: Date): Promise<void> {
    if (step.kind === 'send' || step.kind === 'alert') {
      await dispatchStep(this.deps, step, now);
      return;
    }
    await this.deps.db.transaction(async (tx) => {
      const input =
        step.kind === 'due'
          ? ({ type: 'due', stepId: step.step_id } as const)
          : ({
              type: 'watch',
              messageId: String(step.payload.messageId),
              reaction: Number(step.payload.reaction),
            } as const);
      await feedCase(tx, this.deps.bundles, step.case_id, input, now);
      await finishStep(tx, step.id, 'done');
    });
  }

  /** Stops claiming and waits for the steps in hand to finish (graceful shutdown). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.inFlight;
  }
}
