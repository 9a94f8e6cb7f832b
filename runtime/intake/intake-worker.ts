// Consumes accepted receivables from JetStream and turns them into receivable rows and cases. Messages
// are taken in batches: one transaction stores a whole batch (multi-row inserts) and every message of
// the batch is acked only after it committed. A redelivered message finds its receivable already there
// and does nothing, so intake is exactly-once in effect even though delivery is at-least-once.
import type { Consumer, JetStreamClient, JsMsg } from '@nats-io/jetstream';
import type { ReceivableInput } from '../../core/receivable/index.js';
import { INTAKE_CONSUMER, INTAKE_STREAM } from '../../platform/bus/index.js';
import { JetStreamWorkQueue } from '../../platform/bus/jetstream-work-queue.js';
import type { Database } from '../../platform/db/index.js';
import type { Logger } from '../../platform/log.js';
import type { BundleStore } from '../bundles/index.js';
import type { RuntimeMetrics } from '../metrics/index.js';
import { type BatchItem, storeBatch } from './intake-batch.js';
import { type IntakeEnvelope, RECEIVABLE_COUNT_HEADER, receivablesOf } from './intake-envelope.js';

export { INTAKE_CONSUMER };

const RETRY_DELAY_MS = 5_000;
// Long enough that the nak is not redelivered into the subscription that is closing.
const STOP_REDELIVERY_DELAY_MS = 1_000;
// After this many failures in a row while retrying a failed batch one by one, the database is away:
// hand the rest back instead of trying each.
const MAX_FAILURES_IN_A_ROW = 3;
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
}

/**
 * Stores one receivable on its own, through the same path as a batch; returns false when it must be
 * retried later (the corporation's config is not loaded yet).
 */
async function storeOne(
  deps: IntakeDeps,
  corporation: string,
  receivable: ReceivableInput,
): Promise<boolean> {
  const bundle = deps.bundles.get(corporation);
  if (!bundle) return false;
  const now = deps.now?.() ?? new Date();
  const report = await deps.db.transaction((tx) =>
    storeBatch(tx, [{ corporation, receivable, bundle }], now),
  );
  for (const started of report.started) deps.metrics.casesStarted.inc(started);
  return true;
}

interface Parsed {
  msg: JsMsg;
  envelope: IntakeEnvelope;
}

/** Receivables a message carries, from its header (a chunk) or 1 (one posted receivable). */
function weigh(msg: JsMsg): number {
  const n = Number(msg.headers?.get(RECEIVABLE_COUNT_HEADER));
  return Number.isInteger(n) && n > 0 ? n : 1;
}

export class IntakeWorker {
  private queue: JetStreamWorkQueue<JsMsg> | undefined;

  constructor(
    private readonly deps: IntakeDeps,
    private readonly options: IntakeOptions = {},
  ) {}

  async start(js: JetStreamClient): Promise<void> {
    const consumer: Consumer = await js.consumers.get(INTAKE_STREAM, INTAKE_CONSUMER);
    const batchSize = this.options.batchSize ?? 1_000;
    this.queue = new JetStreamWorkQueue<JsMsg>({
      consumer,
      batchSize,
      weigh,
      // By bytes: a chunk carries hundreds of receivables, a JSON post one.
      pull: { max_bytes: PULL_BYTES },
      concurrency: this.options.concurrency ?? 3,
      log: this.deps.log,
      what: 'intake',
      handle: (msgs) => this.handle(msgs),
      // Messages buffered when we stop go straight back, so another replica takes them now rather
      // than after the ack wait.
      giveBack: (msg) => msg.nak(STOP_REDELIVERY_DELAY_MS),
    });
    await this.queue.start();
  }

  private async handle(msgs: JsMsg[]): Promise<void> {
    const parsed: Parsed[] = [];
    for (const msg of msgs) {
      try {
        parsed.push({ msg, envelope: msg.json<IntakeEnvelope>() });
      } catch {
        this.deps.log.error({ seq: msg.seq }, 'intake message is not JSON; terminated');
        msg.term();
      }
    }
    const ready: Parsed[] = [];
    const items: BatchItem[] = [];
    for (const p of parsed) {
      const { corporation } = p.envelope;
      const bundle = this.deps.bundles.get(corporation);
      if (bundle) {
        ready.push(p);
        for (const receivable of receivablesOf(p.envelope)) items.push({ corporation, receivable, bundle });
      } else {
        this.deps.log.warn(
          { corporation: p.envelope.corporation },
          'no bundle loaded yet; intake retried later',
        );
        p.msg.nak(RETRY_DELAY_MS);
      }
    }
    if (ready.length === 0) return;
    try {
      const now = this.deps.now?.() ?? new Date();
      const report = await this.deps.db.transaction((tx) => storeBatch(tx, items, now));
      for (const p of ready) p.msg.ack();
      for (const started of report.started) this.deps.metrics.casesStarted.inc(started);
    } catch (err) {
      this.deps.log.warn(
        { err, size: items.length },
        'intake batch failed; storing its receivables one by one',
      );
      await this.oneByOne(ready);
    }
  }

  /**
   * Isolates a receivable that makes its batch fail, so the others still get stored. A message is acked
   * once all its receivables are stored; otherwise it comes back later and what was stored is a no-op.
   */
  private async oneByOne(messages: Parsed[]): Promise<void> {
    let failures = 0;
    for (const { msg, envelope } of messages) {
      let complete = true;
      for (const receivable of receivablesOf(envelope)) {
        if (failures >= MAX_FAILURES_IN_A_ROW) {
          complete = false;
          break;
        }
        try {
          if (!(await storeOne(this.deps, envelope.corporation, receivable))) complete = false;
          failures = 0;
        } catch (err) {
          failures++;
          complete = false;
          this.deps.log.error(
            { err, corporation: envelope.corporation, seq: msg.seq },
            'intake failed; retried later',
          );
        }
      }
      if (complete) msg.ack();
      else msg.nak(RETRY_DELAY_MS);
    }
  }

  /** Stops pulling, hands back what is buffered, and waits for the batches in progress. */
  async stop(): Promise<void> {
    await this.queue?.stop();
  }
}
