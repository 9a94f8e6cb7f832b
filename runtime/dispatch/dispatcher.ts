// Dispatchers pull queued sends and alerts from OST_DISPATCH, one durable consumer per channel type, so a
// slow channel (a print run, rate-limited voice calls) never holds up email. Each message is executed by
// dispatchStep — which re-checks the step row under the case lock, so a duplicate or stale message does
// nothing — and acked afterwards. While a send is in progress the message is kept alive with
// working(); if this process dies, JetStream hands the message to another replica after the ack wait.
// A redelivered message whose step another dispatcher is still sending (its lease is renewed) is given
// back with a delay instead: it is stale once that send is recorded, or taken over once its lease lapses.
import type { JetStreamClient, JsMsg } from '@nats-io/jetstream';
import {
  CHANNEL_TYPES,
  DISPATCH_ACK_WAIT_MS,
  DISPATCH_STREAM,
  dispatchConsumerName,
} from '../../platform/bus/index.js';
import { JetStreamWorkQueue } from '../../platform/bus/jetstream-work-queue.js';
import { SETTING_DEFAULTS } from '../../platform/settings/runtime-settings.js';
import { type DispatchDeps, type DispatchWork, dispatchStep } from './dispatch-message.js';

const RETRY_DELAY_MS = 5_000;
const STOP_REDELIVERY_DELAY_MS = 1_000;
/** When to look again at a step another dispatcher is sending: a quarter lease, between 1 and 15 s. */
const busyDelayMs = (leaseMs: number) => Math.min(15_000, Math.max(1_000, leaseMs / 4));

export interface DispatcherOptions {
  /** Sends in progress at once per channel type in this process (default 16). */
  concurrency?: number;
  channelTypes?: readonly string[];
  /** The lease of a step a dispatcher took (OST_DISPATCH_LEASE_MS), renewed while it sends. */
  leaseMs?: number;
  now?: () => Date;
}

export class Dispatcher {
  private readonly queues: JetStreamWorkQueue<JsMsg>[] = [];
  private readonly deps: DispatchDeps;

  constructor(
    deps: Omit<DispatchDeps, 'leaseMs'>,
    private readonly options: DispatcherOptions = {},
  ) {
    this.deps = { ...deps, leaseMs: options.leaseMs ?? SETTING_DEFAULTS.dispatchLeaseMs };
  }

  async start(js: JetStreamClient): Promise<void> {
    for (const type of this.options.channelTypes ?? CHANNEL_TYPES) {
      const consumer = await js.consumers.get(DISPATCH_STREAM, dispatchConsumerName(type));
      const queue = new JetStreamWorkQueue<JsMsg>({
        consumer,
        batchSize: 1,
        concurrency: this.options.concurrency ?? 16,
        log: this.deps.log,
        what: `dispatch-${type}`,
        handle: ([msg]) => this.handle(msg!),
        giveBack: (msg) => msg.nak(STOP_REDELIVERY_DELAY_MS),
      });
      await queue.start();
      this.queues.push(queue);
    }
  }

  private async handle(msg: JsMsg): Promise<void> {
    let work: DispatchWork;
    try {
      work = msg.json<DispatchWork>();
    } catch {
      this.deps.log.error({ seq: msg.seq }, 'dispatch message is not JSON; terminated');
      msg.term();
      return;
    }
    const heartbeat = setInterval(() => msg.working(), DISPATCH_ACK_WAIT_MS / 4);
    try {
      const outcome = await dispatchStep(this.deps, work, this.options.now?.() ?? new Date());
      if (outcome === 'busy') msg.nak(busyDelayMs(this.deps.leaseMs));
      else msg.ack();
    } catch (err) {
      // The step row still says queued: a redelivery (or the stale-claim sweep) runs it again.
      this.deps.log.error({ err, corporation: work.corporation }, 'dispatch failed; retried later');
      msg.nak(RETRY_DELAY_MS);
    } finally {
      clearInterval(heartbeat);
    }
  }

  /** Stops pulling, gives back what is buffered and waits for the sends in progress. */
  async stop(): Promise<void> {
    await Promise.all(this.queues.map((q) => q.stop()));
  }
}
