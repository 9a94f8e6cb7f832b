// Pulls from a durable JetStream consumer and hands messages to a handler in batches, with a bounded
// number of batches in progress and a bounded buffer (so one replica does not hoard what others could
// take). Batches form by themselves: whatever arrived while the previous batches were being handled.
// Shutdown stops pulling, gives buffered messages back at once and waits for the batches in hand.
import type { Consumer, ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import type { Logger } from '../log.js';

export interface JetStreamWorkQueueOptions<M extends JsMsg> {
  consumer: Consumer;
  /** Most work handed to one `handle` call, in `weigh` units (messages unless `weigh` says otherwise). */
  batchSize: number;
  /** How much work a message carries (default 1); a message that carries many items weighs more. */
  weigh?(msg: M): number;
  /** How much one pull asks the server for (default twice the batch size in messages). */
  pull?: { max_messages: number } | { max_bytes: number };
  /** `handle` calls in progress at once. */
  concurrency: number;
  /** Must ack, nak or term every message it gets; a throw is logged and its messages redelivered. */
  handle(msgs: M[]): Promise<void>;
  /** A message taken but not started when the queue stops. */
  giveBack(msg: M): void;
  log: Logger;
  what: string;
}

const RESUBSCRIBE_DELAY_MS = 1_000;

export class JetStreamWorkQueue<M extends JsMsg> {
  private buffer: M[] = [];
  private bufferWeight = 0;
  private readonly active = new Set<Promise<void>>();
  private stopped = false;
  private messages: ConsumerMessages | undefined;
  private spaceFreed: (() => void) | undefined;
  private loop: Promise<void> = Promise.resolve();

  constructor(private readonly options: JetStreamWorkQueueOptions<M>) {}

  private get capacity(): number {
    return this.options.batchSize * (this.options.concurrency + 1);
  }

  /** Messages handed out and not finished: buffered plus in progress (for metrics and tests). */
  get inHand(): number {
    return this.buffer.length + this.active.size;
  }

  private weigh(msg: M): number {
    return this.options.weigh?.(msg) ?? 1;
  }

  async start(): Promise<void> {
    const pull = this.options.pull ?? {
      max_messages: Math.max(this.options.batchSize, this.options.concurrency) * 2,
    };
    this.messages = await this.options.consumer.consume(pull);
    this.loop = this.run(this.messages, pull);
  }

  private async run(
    first: ConsumerMessages,
    pull: { max_messages: number } | { max_bytes: number },
  ): Promise<void> {
    let messages: ConsumerMessages | undefined = first;
    while (!this.stopped) {
      try {
        messages ??= await this.options.consumer.consume(pull);
        this.messages = messages;
        for await (const msg of messages) {
          if (this.stopped) {
            this.options.giveBack(msg as M);
            continue;
          }
          this.buffer.push(msg as M);
          this.bufferWeight += this.weigh(msg as M);
          this.pump();
          while (!this.stopped && this.bufferWeight >= this.capacity) {
            await new Promise<void>((resolve) => {
              this.spaceFreed = resolve;
            });
          }
        }
      } catch (err) {
        if (!this.stopped) this.options.log.warn({ err, what: this.options.what }, 'consumer interrupted');
      }
      messages = undefined;
      if (!this.stopped) await new Promise((resolve) => setTimeout(resolve, RESUBSCRIBE_DELAY_MS));
    }
  }

  private pump(): void {
    while (!this.stopped && this.active.size < this.options.concurrency && this.buffer.length > 0) {
      const batch = this.takeBatch();
      const p: Promise<void> = this.options
        .handle(batch)
        .catch((err: unknown) => {
          this.options.log.error({ err, what: this.options.what }, 'batch failed; redelivered later');
          for (const msg of batch) msg.nak(RESUBSCRIBE_DELAY_MS * 5);
        })
        .finally(() => {
          this.active.delete(p);
          this.pump();
          this.freeSpace();
        });
      this.active.add(p);
    }
  }

  /** Messages from the front of the buffer up to one batch of weight (always at least one message). */
  private takeBatch(): M[] {
    let weight = 0;
    let n = 0;
    while (
      n < this.buffer.length &&
      (n === 0 || weight + this.weigh(this.buffer[n]!) <= this.options.batchSize)
    ) {
      weight += this.weigh(this.buffer[n]!);
      n++;
    }
    this.bufferWeight -= weight;
    return this.buffer.splice(0, n);
  }

  private freeSpace(): void {
    const wake = this.spaceFreed;
    this.spaceFreed = undefined;
    wake?.();
  }

  /** Stops pulling, gives back what is buffered, waits for the batches in progress. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.messages?.stop();
    for (const msg of this.buffer.splice(0)) this.options.giveBack(msg);
    this.bufferWeight = 0;
    this.freeSpace();
    await this.loop;
    while (this.active.size > 0) await Promise.allSettled([...this.active]);
  }
}
