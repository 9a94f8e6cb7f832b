// Dispatchers pull queued sends and alerts from OST_DISPATCH, one durable consumer per channel type, so a
// slow channel (a print run, rate-limited voice calls) never holds up email. Each message is executed by
// dispatchStep — which re-checks the step row under the case lock, so a duplicate or stale message does
// nothing — and acked afterwards. While a send is in progress the message is kept alive with
// working(); if this process dies, JetStream hands the message to another replica after the ack wait.
import type { JetStreamClient, JsMsg } from '@nats-io/jetstream';
import {
  CHANNEL_TYPES,
  DISPATCH_ACK_WAIT_MS,
  DISPATCH_STREAM,
  dispatchConsumerName,
} from '../../platform/bus/index.js';
import { JetStreamWorkQueue } from '../../platform/bus/jetstream-work-queue.js';
import { type DispatchDeps, type DispatchWork, dispatchStep } from './dispatch-message.js';

const RETRY_DELAY_MS = 5_000;
const STOP_REDELIVERY_DELAY_MS = 1_000;

export interface DispatcherOptions {
  /** Sends in progress at once per channel type in this process (default 16). */
  concurrency?: number;
  channelTypes?: readonly string[];
  now?: () => Date;
}

export class Dispatcher {
  private readonly queues: JetStreamWorkQueue<JsMsg>[] = [];

  constructor(
    private readonly deps: DispatchDeps,
    private readonly options: DispatcherOptions = {},
  ) {}

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
      await dispatchStep(this.deps, work, this.options.now?.() ?? new Date());
      msg.ack();
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
