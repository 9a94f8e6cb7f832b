// Every replica runs a scheduler: it claims due steps with SKIP LOCKED (so replicas share the work and
// never take the same row), feeds timers to their case itself, and queues sends and alerts for the
// dispatchers over JetStream (OST_DISPATCH). Sends of a flow with a per-hour spread get a slot first and
// wait for it as scheduled rows. The step row stays the truth throughout: a dispatch message that is lost
// is recovered by the stale-claim sweep, one that arrives twice is ignored by the dispatcher.
import type { JetStreamClient } from '@nats-io/jetstream';
import type { ConfigBundle } from '../../core/bundle/types.js';
import type { Database } from '../../platform/db/index.js';
import type { Logger } from '../../platform/log.js';
import { SETTING_DEFAULTS } from '../../platform/settings/runtime-settings.js';
import type { BundleStore } from '../bundles/index.js';
import { publishDispatch, type QueuedStep } from '../dispatch/index.js';
import type { Tx } from '../dossiers/index.js';
import {
  claimSteps,
  countQueued,
  type DueStep,
  deferToSlot,
  feedCase,
  finishStep,
  lockDueSteps,
  markSpreadBooked,
  releaseClaims,
  releaseStaleClaims,
} from '../dossiers/index.js';
import type { RuntimeMetrics } from '../metrics/index.js';
import { bookSpreadSlot, SlotCache } from './spread-slots.js';

export interface SchedulerDeps {
  db: Database;
  bundles: BundleStore;
  log: Logger;
  metrics: RuntimeMetrics;
  /** Where sends and alerts are queued; without it the scheduler only runs timers. */
  js?: JetStreamClient;
}

export interface SchedulerOptions {
  instanceId: string;
  intervalMs: number;
  claimLeaseMs: number;
  /** How long a send may stay queued on JetStream before the sweep queues it again (default 5 min). */
  dispatchLeaseMs?: number;
  batchSize?: number;
  concurrency?: number;
  /** Back-pressure: no new sends are queued while this many are queued and not finished (default 500). */
  maxQueued?: number;
  /**
   * Fairness: no new sends are queued while this many wait for a dispatcher to take them (default 128): a
   * send queued now waits behind at most these, whichever corporation they are of.
   */
  maxWaiting?: number;
  /** Most sends published in one dispatch message (OST_DISPATCH_GROUP, within OST_DISPATCH_CONCURRENCY). */
  dispatchGroup?: number;
  now?: () => Date;
}

interface Round {
  timers: DueStep[];
  queued: QueuedStep[];
  deferred: number;
}

/** A spread slot less than this far ahead is taken as now. */
const SLOT_NOW_MS = 1_000;

export class Scheduler {
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;
  private inFlight: Promise<unknown> = Promise.resolve();
  private lastSweep = 0;
  /** The last round left sends waiting for room on OST_DISPATCH: look again soon, not after the interval. */
  private waitingForRoom = false;

  constructor(
    private readonly deps: SchedulerDeps,
    private readonly options: SchedulerOptions,
  ) {}

  start(): void {
    this.stopped = false;
    this.loop();
  }

  private loop(): void {
    if (this.stopped) return;
    this.inFlight = this.tick()
      .catch((err: unknown) => {
        this.deps.log.error({ err }, 'scheduler tick failed');
        return 0;
      })
      .then((processed) => {
        if (this.stopped) return;
        // Busy: go again at once; waiting for room: soon; idle: wait for the interval.
        const idle = this.waitingForRoom ? Math.min(50, this.options.intervalMs) : this.options.intervalMs;
        this.timer = setTimeout(() => this.loop(), processed ? 0 : idle);
      });
  }

  /** One round: returns how many steps were claimed or moved. */
  async tick(): Promise<number> {
    const now = this.options.now?.() ?? new Date();
    if (Date.now() - this.lastSweep > this.options.claimLeaseMs / 4) {
      this.lastSweep = Date.now();
      const released = await releaseStaleClaims(
        this.deps.db,
        this.options.claimLeaseMs,
        this.options.dispatchLeaseMs ?? 300_000,
      );
      if (released > 0) this.deps.log.warn({ released }, 'recovered steps claimed by a replica that stopped');
    }
    const room = this.deps.js ? await this.roomForSends() : 0;
    const round = await this.deps.db.transaction((tx) => this.claim(tx, now, room));
    if (round.queued.length > 0 && this.deps.js) {
      const failed = await publishDispatch(
        this.deps.js,
        round.queued,
        this.options.dispatchGroup ?? SETTING_DEFAULTS.dispatchGroup,
      );
      if (failed.length > 0) {
        this.deps.log.warn({ failed: failed.length }, 'could not queue sends on JetStream; giving them back');
        await releaseClaims(this.deps.db, failed);
      }
      const notQueued = new Set(failed);
      for (const q of round.queued) {
        if (!notQueued.has(q.work.stepRowId)) {
          this.deps.metrics.stepsQueued.inc({
            corporation: q.work.corporation,
            flow: q.work.flow,
            channel: q.work.channel,
          });
        }
      }
    }
    await this.runTimers(round.timers, now);
    return round.timers.length + round.queued.length + round.deferred;
  }

  /**
   * How many sends may be queued now: within both bounds, the sends not finished (maxQueued) and those no
   * dispatcher has taken yet (maxWaiting: the line a newly due send of any corporation joins, so it stays
   * short however slow the dispatchers are — a count of 500 was 0.7 s on one machine and 1.7 s on one half
   * as fast). The queue is refilled in batches: until a quarter of it is free, none (the round runs timers
   * only), so a busy street claims, publishes and commits per tens of sends rather than per handful — one
   * claim per few sends cost more of the database than the sends' own statements.
   */
  private async roomForSends(): Promise<number> {
    const maxQueued = this.options.maxQueued ?? SETTING_DEFAULTS.dispatchMaxQueued;
    const maxWaiting = Math.min(this.options.maxWaiting ?? SETTING_DEFAULTS.dispatchMaxWaiting, maxQueued);
    const { queued, waiting } = await countQueued(this.deps.db);
    const room = Math.max(0, Math.min(maxQueued - queued, maxWaiting - waiting));
    const refill = Math.ceil(Math.min(this.options.batchSize ?? 500, maxWaiting) / 4);
    this.waitingForRoom = room < refill;
    return this.waitingForRoom ? 0 : room;
  }

  /** Locks due steps, books spread slots, claims the rest; all in one transaction. */
  private async claim(tx: Tx, now: Date, room: number): Promise<Round> {
    const round: Round = { timers: [], queued: [], deferred: 0 };
    // Timers and sends are locked apart: sends only as many as there is room for on OST_DISPATCH (with
    // none, only timers), so sends waiting for room neither hold timers up nor get read for nothing.
    const batchSize = this.options.batchSize ?? 500;
    const timers = await lockDueSteps(tx, now, batchSize, 'timers');
    const sendable = room > 0 ? await lockDueSteps(tx, now, Math.min(batchSize, room), 'sends') : [];
    const steps = [...timers, ...sendable];
    const slots = new SlotCache();
    const sends: DueStep[] = [];
    for (const step of steps) {
      if (step.kind !== 'send' && step.kind !== 'alert') {
        round.timers.push(step);
        continue;
      }
      if (sends.length >= room) continue; // stays scheduled; the dispatchers are behind
      const bundle = this.deps.bundles.get(step.corporation);
      if (!bundle) continue; // config not loaded yet; a later round takes it
      if (step.spread_hour === null) {
        const flow = await this.deps.bundles.flowFor(
          step.corporation,
          step.bundle_revision,
          step.flow,
          step.flow_revision,
        );
        const slot = flow ? await bookSpreadSlot(tx, slots, bundle, flow, now) : undefined;
        if (slot && slot.at.getTime() - now.getTime() > SLOT_NOW_MS) {
          await deferToSlot(tx, step.id, slot.at, slot.hourStart);
          round.deferred++;
          continue;
        }
        if (slot) await markSpreadBooked(tx, step.id, slot.hourStart);
      }
      sends.push(step);
    }
    const attempts = await claimSteps(
      tx,
      [...round.timers, ...sends].map((s) => s.id),
      this.options.instanceId,
    );
    for (const step of sends) {
      const bundle = this.deps.bundles.get(step.corporation)!;
      const { channel, channelType } = routeOf(step, bundle);
      round.queued.push({
        channelType,
        work: {
          stepRowId: step.id,
          attempt: attempts.get(step.id)!,
          caseId: step.case_id,
          corporation: step.corporation,
          flow: step.flow,
          channel,
        },
      });
    }
    return round;
  }

  private async runTimers(steps: DueStep[], now: Date): Promise<void> {
    const concurrency = this.options.concurrency ?? 16;
    let next = 0;
    const worker = async () => {
      while (next < steps.length) {
        const step = steps[next++]!;
        await this.runTimer(step, now).catch((err: unknown) => {
          this.deps.log.error(
            { err, corporation: step.corporation, step: step.step_id },
            'step processing failed',
          );
        });
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, steps.length) }, worker));
  }

  private async runTimer(step: DueStep, now: Date): Promise<void> {
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

  /** Stops claiming and waits for the round in hand to finish (graceful shutdown). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.inFlight;
  }
}

/** The channel (name, type) a send or alert goes out on: the dispatch subject and metric labels. */
function routeOf(step: DueStep, bundle: ConfigBundle): { channel: string; channelType: string } {
  if (step.kind === 'alert') {
    const email = Object.values(bundle.channels).find((c) => c.spec.type === 'email');
    return { channel: email?.name ?? 'email', channelType: 'email' };
  }
  const payload = step.payload as { channel?: string; channelType?: string };
  const channel = payload.channel ?? 'unknown';
  const channelType = bundle.channels[channel]?.spec.type ?? payload.channelType ?? 'email';
  return { channel, channelType };
}
