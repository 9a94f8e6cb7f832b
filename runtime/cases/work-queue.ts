// Pulls from a durable JetStream consumer and hands messages to a handler in batches, with a bounded
// number of batches in progress and a bounded buffer (so one replica does not hoard what others could
// take). Batches form by themselves: whatever arrived while the previous batches were being handled.
// Shutdown stops pulling, gives buffered messages back at once and waits for the batches in hand.
import type { Consumer, ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import type { Logger } from '../../core/log.js';

export interface WorkQueueOptions<M extends JsMsg> {
  consumer: Consumer;
  /** Most messages handed to one `handle` call. */
  batchSize: number;
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

export class WorkQueue<M extends JsMsg> {
  private buffer: M[] = [];
  private readonly active = new Set<Promise<void>>();
  private stopped = false;
  private messages: ConsumerMessages | undefined;
  private spaceFreed: (() => void) | undefined;
  private loop: Promise<void> = Promise.resolve();

  constructor(private readonly options: WorkQueueOptions<M>) {}

  private get capacity(): number {
    return this.options.batchSize * (this.options.concurrency + 1);
  }

  /** Messages handed out and not finished: buffered plus in progress (for metrics and tests). */
  get inHand(): number {
    return this.buffer.length + this.active.size;
  }

  async start(): Promise<void> {
    const maxMessages = Math.max(this.options.batchSize, this.options.concurrency) * 2;
    this.messages = await this.options.consumer.consume({ max_messages: maxMessages });
    this.loop = this.run(this.messages, maxMessages);
  }

  private async run(first: ConsumerMessages, maxMessages: number): Promise<void> {
    let messages: ConsumerMessages | undefined = first;
    while (!this.stopped) {
      try {
        messages ??= await this.options.consumer.consume({ max_messages: maxMessages });
        this.messages = messages;
        for await (const msg of messages) {
          if (this.stopped) {
            this.options.giveBack(msg as M);
            continue;
          }
          this.buffer.push(msg as M);
          this.pump();
          while (!this.stopped && this.buffer.length >= this.capacity) {
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
      const batch = this.buffer.splice(0, this.options.batchSize);
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
    this.freeSpace();
    await this.loop;
    while (this.active.size > 0) await Promise.allSettled([...this.active]);
  }
}
