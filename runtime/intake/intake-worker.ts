// Consumes accepted receivables from JetStream and turns them into receivable rows and cases. Messages
// are taken in batches: one transaction stores a whole batch (multi-row inserts) and every message of
// the batch is acked only after it committed. A redelivered message finds its receivable already there
// and does nothing, so intake is exactly-once in effect even though delivery is at-least-once.
//
// Poison: a batch that fails while the database answers has something in it at fault. Its messages are
// then stored one by one, and the receivables of a message that still fails one by one, so every other
// receivable (of any corporation) is stored now. What the database refuses (a data exception), what
// cannot be read and what fails on its last delivery (OST_MAX_DELIVER) becomes a dead letter: recorded
// with a `receivable.rejected` event, then acked, so it never comes back. Anything else is retried later
// with a growing wait (platform/bus/redelivery.ts). While the database is away no message is blamed: the
// batch is held, its ack wait kept alive, until the database answers again.
import type { Consumer, JetStreamClient, JsMsg } from '@nats-io/jetstream';
import type { ConfigBundle } from '../../core/bundle/types.js';
import { createError, type OutputstraatError } from '../../core/errors/index.js';
import type { ReceivableInput } from '../../core/receivable/index.js';
import {
  DEFAULT_REDELIVERY,
  INTAKE_ACK_WAIT_MS,
  INTAKE_BULK_CONSUMER,
  INTAKE_CONSUMER,
  INTAKE_STREAM,
  isLastDelivery,
  isUnanswered,
  keepWorking,
  type RedeliveryPolicy,
  retryLater,
} from '../../platform/bus/index.js';
import { JetStreamWorkQueue } from '../../platform/bus/jetstream-work-queue.js';
import {
  type Database,
  databaseAnswers,
  isDataRefused,
  sqlState,
  waitForDatabase,
} from '../../platform/db/index.js';
import type { Logger } from '../../platform/log.js';
import type { BundleStore } from '../bundles/index.js';
import { type DeadLetterInput, deadLetterOf, failureName, recordDeadLetter } from '../dossiers/index.js';
import type { RuntimeMetrics } from '../metrics/index.js';
import { type BatchItem, storeBatch } from './intake-batch.js';
import { type IntakeEnvelope, RECEIVABLE_COUNT_HEADER, receivablesOf } from './intake-envelope.js';
import { readIntakeMessage, subjectCorporation } from './read-intake-message.js';

export { INTAKE_CONSUMER };

// Long enough that the nak is not redelivered into the subscription that is closing.
const STOP_REDELIVERY_DELAY_MS = 1_000;
// What one pull asks for: a few chunks, or thousands of single posts.
const PULL_BYTES = 4 * 1024 * 1024;

export interface IntakeDeps {
  db: Database;
  bundles: BundleStore;
  log: Logger;
  metrics: RuntimeMetrics;
  now?: () => Date;
}

export interface IntakeOptions {
  /** Receivables stored per transaction (default 1000). */
  batchSize?: number;
  /** Batches in progress at once in this process (default 3: while one computes, others write). */
  concurrency?: number;
  /** Deliveries before a failing message is a dead letter, and the waits between them. */
  redelivery?: RedeliveryPolicy;
}

interface Readable {
  msg: JsMsg;
  corporation: string;
  envelope: IntakeEnvelope;
  bundle: ConfigBundle;
}

/** The database went away and the worker is stopping: the batch's messages go back as they are. */
class Stopping extends Error {}

/** Receivables a message carries, from its header (a chunk) or 1 (one posted receivable). */
function weigh(msg: JsMsg): number {
  const n = Number(msg.headers?.get(RECEIVABLE_COUNT_HEADER));
  return Number.isInteger(n) && n > 0 ? n : 1;
}

export class IntakeWorker {
  private readonly queues: JetStreamWorkQueue<JsMsg>[] = [];
  private readonly stopping = new AbortController();
  private readonly redelivery: RedeliveryPolicy;

  constructor(
    private readonly deps: IntakeDeps,
    private readonly options: IntakeOptions = {},
  ) {
    this.redelivery = options.redelivery ?? DEFAULT_REDELIVERY;
  }

  /**
   * Pulls from both lanes of OST_INTAKE: single posts and bulk posts of a few (consumer `intake`) and
   * the chunks of bulk posts (`intake-bulk`), each with batches in progress of its own, so a rent day's
   * bulk being stored never holds up another corporation's single receivable.
   */
  async start(js: JetStreamClient): Promise<void> {
    const batchSize = this.options.batchSize ?? 1_000;
    const concurrency = this.options.concurrency ?? 3;
    for (const [durable, what, batches] of [
      [INTAKE_CONSUMER, 'intake', Math.max(1, Math.ceil(concurrency / 2))],
      [INTAKE_BULK_CONSUMER, 'intake-bulk', concurrency],
    ] as const) {
      const consumer: Consumer = await js.consumers.get(INTAKE_STREAM, durable);
      const queue = new JetStreamWorkQueue<JsMsg>({
        consumer,
        batchSize,
        weigh,
        // By bytes: a chunk carries hundreds of receivables, a JSON post one.
        pull: { max_bytes: PULL_BYTES },
        concurrency: batches,
        log: this.deps.log,
        what,
        handle: (msgs) => this.handle(msgs),
        // Messages buffered when we stop go straight back, so another replica takes them now rather
        // than after the ack wait.
        giveBack: (msg) => msg.nak(STOP_REDELIVERY_DELAY_MS),
      });
      await queue.start();
      this.queues.push(queue);
    }
  }

  private async handle(msgs: JsMsg[]): Promise<void> {
    const stopWorking = keepWorking(msgs, INTAKE_ACK_WAIT_MS);
    try {
      const readable: Readable[] = [];
      for (const msg of msgs) {
        const r = await this.read(msg);
        if (r) readable.push(r);
      }
      if (readable.length > 0) await this.store(readable);
    } catch (err) {
      if (!(err instanceof Stopping)) throw err;
      for (const msg of msgs) msg.nak(STOP_REDELIVERY_DELAY_MS);
    } finally {
      stopWorking();
    }
  }

  /** A message intake can store, or undefined when it was dead-lettered or put back for later. */
  private async read(msg: JsMsg): Promise<Readable | undefined> {
    if (isUnanswered(msg, this.redelivery)) {
      // Not even parsed: reading it may be what stopped the workers before.
      const error = createError('OST_ERR_DELIVERY_EXHAUSTED', [
        'intake message',
        this.redelivery.maxDeliver,
        'no answer: the worker stopped or hung each time',
      ]);
      await this.deadLetter(deadLetterOf(msg, subjectCorporation(msg.subject), error));
      msg.term();
      return undefined;
    }
    const read = readIntakeMessage(msg);
    if (!read.ok) {
      const error = createError('OST_ERR_POISON_MESSAGE', [INTAKE_STREAM, read.problem]);
      await this.deadLetter(deadLetterOf(msg, read.corporation, error));
      msg.term();
      return undefined;
    }
    const { corporation, envelope } = read;
    const bundle = this.deps.bundles.get(corporation);
    if (!bundle) {
      this.deps.log.warn({ corporation }, 'no bundle loaded for the corporation; intake retried later');
      const error = createError('OST_ERR_NO_BUNDLE', [corporation]);
      await this.settle(
        { msg, corporation, envelope },
        receivablesOf(envelope).map((receivable) => ({ receivable, error })),
      );
      return undefined;
    }
    return { msg, corporation, envelope, bundle };
  }

  /** The whole batch in one transaction; if that fails for a reason of its own, message by message. */
  private async store(batch: Readable[]): Promise<void> {
    const items = batch.flatMap((r) => this.items(r));
    const stored = await this.attempt(items);
    if (stored === true) {
      for (const { msg } of batch) msg.ack();
      return;
    }
    this.deps.log.warn(
      { size: items.length, code: failureName(stored) },
      'intake batch failed; storing its messages one by one',
    );
    // A batch of one message has just been tried as that message.
    if (batch.length === 1) await this.storeMessage(batch[0]!, stored);
    else for (const r of batch) await this.storeMessage(r);
  }

  private async storeMessage(r: Readable, failed?: unknown): Promise<void> {
    const items = this.items(r);
    const stored = failed ?? (await this.attempt(items));
    if (stored === true) {
      r.msg.ack();
      return;
    }
    const failures: { receivable: ReceivableInput; error: unknown }[] = [];
    if (items.length === 1) failures.push({ receivable: items[0]!.receivable, error: stored });
    else {
      for (const item of items) {
        const one = await this.attempt([item]);
        if (one !== true) failures.push({ receivable: item.receivable, error: one });
      }
    }
    await this.settle(r, failures);
  }

  /**
   * After some receivables of a message failed: what the database refuses is a dead letter now; the rest
   * is retried later, or is a dead letter too on the message's last delivery. Acks when nothing is left.
   */
  private async settle(
    r: Pick<Readable, 'msg' | 'corporation' | 'envelope'>,
    failures: { receivable: ReceivableInput; error: unknown }[],
  ): Promise<void> {
    const { msg } = r;
    const last = isLastDelivery(msg, this.redelivery);
    let retry = false;
    for (const { receivable, error } of failures) {
      const refused = isDataRefused(error);
      if (!refused && !last) {
        retry = true;
        continue;
      }
      const reason: OutputstraatError = refused
        ? createError('OST_ERR_STORE_REFUSED', ['receivable', sqlState(error) ?? ''])
        : isNoBundle(error)
          ? error
          : createError('OST_ERR_DELIVERY_EXHAUSTED', [
              'receivable',
              msg.info.deliveryCount,
              failureName(error),
            ]);
      this.deps.log.warn(
        { corporation: r.corporation, seq: msg.seq, code: failureName(error) },
        'receivable cannot be stored',
      );
      await this.deadLetter(
        deadLetterOf(msg, r.corporation, reason, {
          externalId: receivable.externalId,
          payload: this.payloadOf(r, receivable),
        }),
      );
    }
    if (retry) retryLater(msg, this.redelivery);
    else msg.ack();
  }

  /** The message as published when it carries this receivable alone; else its own single envelope. */
  private payloadOf(r: Pick<Readable, 'msg' | 'envelope'>, receivable: ReceivableInput): Uint8Array {
    if (receivablesOf(r.envelope).length === 1) return r.msg.data;
    const single = {
      type: 'receivable',
      corporation: r.envelope.corporation,
      receivedAt: r.envelope.receivedAt,
      receivable,
    };
    return Buffer.from(JSON.stringify(single));
  }

  private items(r: Readable): BatchItem[] {
    return receivablesOf(r.envelope).map((receivable) => ({
      corporation: r.corporation,
      receivable,
      bundle: r.bundle,
    }));
  }

  /**
   * Stores items in one transaction: true, or the error when the database answers (something in the
   * items is at fault). While the database is away it waits, and tries again once it is back.
   */
  private async attempt(items: BatchItem[]): Promise<unknown> {
    for (;;) {
      try {
        const now = this.deps.now?.() ?? new Date();
        const report = await this.deps.db.transaction((tx) => storeBatch(tx, items, now, this.deps.bundles));
        for (const started of report.started) this.deps.metrics.casesStarted.inc(started);
        return true;
      } catch (err) {
        if (await databaseAnswers(this.deps.db)) return err;
        await this.untilDatabaseAnswers(err);
      }
    }
  }

  /** Records a dead letter, waiting out a database outage; the caller settles the message afterwards. */
  private async deadLetter(letter: DeadLetterInput): Promise<void> {
    for (;;) {
      try {
        await recordDeadLetter(this.deps, letter);
        return;
      } catch (err) {
        if (await databaseAnswers(this.deps.db)) throw err;
        await this.untilDatabaseAnswers(err);
      }
    }
  }

  private async untilDatabaseAnswers(err: unknown): Promise<void> {
    this.deps.log.warn({ code: failureName(err) }, 'database away; intake holds its batch until it answers');
    if (!(await waitForDatabase(this.deps.db, this.stopping.signal))) throw new Stopping();
  }

  /** Stops pulling, hands back what is buffered, and waits for the batches in progress. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await Promise.all(this.queues.map((q) => q.stop()));
  }
}

const isNoBundle = (err: unknown): err is OutputstraatError =>
  (err as OutputstraatError | undefined)?.code === 'OST_ERR_NO_BUNDLE';
