// Dispatchers pull queued sends and alerts from OST_DISPATCH, one durable consumer per channel type, so a
// slow channel (a print run, rate-limited voice calls) never holds up email. Each message is executed by
// dispatchStep — which re-checks the step row under the case lock, so a duplicate or stale message does
// nothing — and acked afterwards. While a send is in progress the message is kept alive with
// working(); if this process dies, JetStream hands the message to another replica after the ack wait.
// A redelivered message whose step another dispatcher is still sending (its lease is renewed) is given
// back with a delay instead: it is stale once that send is recorded, or taken over once its lease lapses.
// A message that cannot be read, whose step the database refuses, or that still throws on its last
// delivery (OST_MAX_DELIVER; the waits between grow, platform/bus/redelivery.ts) becomes a dead letter
// that marks its step failed; while the database is away nothing is blamed and the message is held.
import type { JetStreamClient, JsMsg } from '@nats-io/jetstream';
import { createError, type OutputstraatError } from '../../core/errors/index.js';
import {
  CHANNEL_TYPES,
  DEFAULT_REDELIVERY,
  DISPATCH_ACK_WAIT_MS,
  DISPATCH_STREAM,
  dispatchConsumerName,
  isLastDelivery,
  isUnanswered,
  keepWorking,
  type RedeliveryPolicy,
  retryLater,
} from '../../platform/bus/index.js';
import { JetStreamWorkQueue } from '../../platform/bus/jetstream-work-queue.js';
import { databaseAnswers, isDataRefused, sqlState, waitForDatabase } from '../../platform/db/index.js';
import { SETTING_DEFAULTS } from '../../platform/settings/runtime-settings.js';
import { WriteGroup } from '../../platform/write-group.js';
import {
  type DeadLetterInput,
  deadLetterOf,
  failureName,
  recordDeadLetter,
  renewStepLeases,
} from '../dossiers/index.js';
import {
  type DispatchDeps,
  type DispatchOutcome,
  type DispatchWork,
  dispatchStep,
  handOver,
} from './dispatch-message.js';
import { type PreparedGroup, prepareGroup } from './prepare-group.js';
import { readDispatchWork } from './read-dispatch-work.js';
import { recordSentGroup, type SentRecord } from './record-sent.js';
import { holdGroupLease } from './send-lease.js';

const STOP_REDELIVERY_DELAY_MS = 1_000;
/** When to look again at a step another dispatcher is sending: a quarter lease, between 1 and 15 s. */
const busyDelayMs = (leaseMs: number) => Math.min(15_000, Math.max(1_000, leaseMs / 4));

export interface DispatcherOptions {
  /** Sends in progress at once per channel type in this process (default 64). */
  concurrency?: number;
  /** Most sends prepared together in one transaction (prepare-group.ts; default 16, 1: one by one). */
  groupSize?: number;
  channelTypes?: readonly string[];
  /** The lease of a step a dispatcher took (OST_DISPATCH_LEASE_MS), renewed while it sends. */
  leaseMs?: number;
  now?: () => Date;
  /** Deliveries before a dispatch message that keeps failing is a dead letter, and the waits between. */
  redelivery?: RedeliveryPolicy;
}

export class Dispatcher {
  private readonly queues: JetStreamWorkQueue<JsMsg>[] = [];
  private readonly deps: DispatchDeps;
  private readonly stopping = new AbortController();
  private readonly redelivery: RedeliveryPolicy;

  constructor(
    deps: Omit<DispatchDeps, 'leaseMs' | 'sent'>,
    private readonly options: DispatcherOptions = {},
  ) {
    this.deps = {
      ...deps,
      leaseMs: options.leaseMs ?? SETTING_DEFAULTS.dispatchLeaseMs,
      sent: new WriteGroup<SentRecord>((records) => recordSentGroup(deps.db, records)),
    };
    this.redelivery = options.redelivery ?? DEFAULT_REDELIVERY;
  }

  async start(js: JetStreamClient): Promise<void> {
    for (const type of this.options.channelTypes ?? CHANNEL_TYPES) {
      const consumer = await js.consumers.get(DISPATCH_STREAM, dispatchConsumerName(type));
      const concurrency = this.options.concurrency ?? SETTING_DEFAULTS.dispatchConcurrency;
      // A group is never larger than the sends allowed in progress: OST_DISPATCH_CONCURRENCY stays the bound
      // of what a killed pod can have had in the relay's hands (each may arrive twice, with one id).
      const group = Math.max(
        1,
        Math.min(concurrency, this.options.groupSize ?? SETTING_DEFAULTS.dispatchGroup),
      );
      const queue = new JetStreamWorkQueue<JsMsg>({
        consumer,
        batchSize: group,
        // Groups in progress at once, so that about `concurrency` sends are.
        concurrency: Math.max(1, Math.ceil(concurrency / group)),
        log: this.deps.log,
        what: `dispatch-${type}`,
        handle: (msgs) => this.handleGroup(msgs),
        giveBack: (msg) => msg.nak(STOP_REDELIVERY_DELAY_MS),
      });
      await queue.start();
      this.queues.push(queue);
    }
  }

  /**
   * The messages that arrived together: what cannot be read or was never answered becomes a dead letter;
   * the plain sends among the rest are prepared as one group (prepare-group.ts) and handed over each on
   * its own; every other one runs alone. A group whose transaction fails changes nothing, and its
   * messages run alone too.
   */
  private async handleGroup(msgs: JsMsg[]): Promise<void> {
    const works = new Map<JsMsg, DispatchWork>();
    for (const msg of msgs) {
      const work = await this.readWork(msg);
      if (work) works.set(msg, work);
    }
    if (works.size === 0) return;
    const stopWorking = keepWorking([...works.keys()], DISPATCH_ACK_WAIT_MS);
    try {
      const now = this.options.now?.() ?? new Date();
      let group: PreparedGroup = { prepared: [], single: [...works.values()] };
      if (works.size > 1) {
        try {
          group = await prepareGroup(this.deps, [...works.values()], now);
        } catch (err) {
          this.deps.log.warn({ code: failureName(err) }, 'group of sends failed; sending them one by one');
        }
      }
      const msgOf = new Map([...works].map(([msg, work]) => [work, msg]));
      const lease = holdGroupLease(
        group.prepared.map((p) => p.prepared.step.id),
        {
          leaseMs: this.deps.leaseMs,
          renew: (ids) =>
            renewStepLeases(
              this.deps.db,
              group.prepared
                .filter((p) => ids.includes(p.prepared.step.id))
                .map((p) => ({
                  id: p.prepared.step.id,
                  attempt: p.work.attempt,
                })),
              this.deps.instanceId,
            ),
          onRenewError: (err) => this.deps.log.warn({ err }, 'could not renew the lease of a send in flight'),
        },
      );
      try {
        await Promise.all([
          ...group.prepared.map(({ work, prepared }) =>
            this.run(msgOf.get(work)!, work, () =>
              handOver(this.deps, prepared, work, now, lease.of(prepared.step.id)),
            ),
          ),
          ...group.single.map((work) => this.run(msgOf.get(work)!, work)),
        ]);
      } finally {
        lease.releaseAll();
      }
    } finally {
      stopWorking();
    }
  }

  /** The work a message carries, or undefined when it was given up on (a dead letter). */
  private async readWork(msg: JsMsg): Promise<DispatchWork | undefined> {
    const read = readDispatchWork(msg);
    if (isUnanswered(msg, this.redelivery)) {
      const error = createError('OST_ERR_DELIVERY_EXHAUSTED', [
        'dispatch message',
        this.redelivery.maxDeliver,
        'no answer: the dispatcher stopped or hung each time',
      ]);
      await this.giveUp(msg, read.corporation, error, read.ok ? read.work : undefined);
      return undefined;
    }
    if (!read.ok) {
      const error = createError('OST_ERR_POISON_MESSAGE', [DISPATCH_STREAM, read.problem]);
      await this.giveUp(msg, read.corporation, error);
      return undefined;
    }
    return read.work;
  }

  /**
   * Runs one message's work to its outcome and acks, naks or gives up on its message. `first` is what
   * was already started for it (a group's hand-over); a second round after a database outage runs the
   * whole step again (the step row says what is left to do).
   */
  private async run(msg: JsMsg, work: DispatchWork, first?: () => Promise<DispatchOutcome>): Promise<void> {
    let attempt = first;
    for (;;) {
      try {
        const outcome = await (attempt
          ? attempt()
          : dispatchStep(this.deps, work, this.options.now?.() ?? new Date()));
        // Another dispatcher holds the step and renews its lease: this copy is not at fault. It comes
        // back after a while; on its last delivery it is let go without blame — the holder records the
        // outcome, or the stale-claim sweep queues the step again once the holder's lease lapses.
        if (outcome === 'busy' && !isLastDelivery(msg, this.redelivery))
          msg.nak(busyDelayMs(this.deps.leaseMs));
        else msg.ack();
        return;
      } catch (err) {
        attempt = undefined;
        // While the database is away the step is not at fault: wait, then run it again (the step row
        // says what is left to do).
        if (!(await databaseAnswers(this.deps.db))) {
          this.deps.log.warn({ corporation: work.corporation }, 'database away; dispatch waits for it');
          if (await waitForDatabase(this.deps.db, this.stopping.signal)) continue;
          msg.nak(STOP_REDELIVERY_DELAY_MS);
          return;
        }
        this.deps.log.error(
          { corporation: work.corporation, attempt: msg.info.deliveryCount, code: failureName(err) },
          'dispatch failed',
        );
        if (isDataRefused(err) || isLastDelivery(msg, this.redelivery)) {
          const error = isDataRefused(err)
            ? createError('OST_ERR_STORE_REFUSED', ['step', sqlState(err) ?? ''])
            : createError('OST_ERR_DELIVERY_EXHAUSTED', ['step', msg.info.deliveryCount, failureName(err)]);
          await this.giveUp(msg, work.corporation, error, work);
        } else {
          // The step row still says queued: the redelivery runs it again.
          retryLater(msg, this.redelivery);
        }
        return;
      }
    }
  }

  /** Records the dead letter (failing its step, if the message named one) and lets the message go. */
  private async giveUp(
    msg: JsMsg,
    corporation: string,
    error: OutputstraatError,
    work?: DispatchWork,
  ): Promise<void> {
    const letter: DeadLetterInput = deadLetterOf(msg, corporation, error, {
      ...(work ? { step: { rowId: work.stepRowId, attempt: work.attempt } } : {}),
    });
    for (;;) {
      try {
        const id = await recordDeadLetter(this.deps, letter);
        if (id && work) {
          this.deps.metrics.steps.inc({
            corporation,
            flow: work.flow,
            channel: work.channel,
            outcome: 'failed',
          });
        }
        msg.term();
        return;
      } catch (err) {
        if (await databaseAnswers(this.deps.db)) throw err;
        if (!(await waitForDatabase(this.deps.db, this.stopping.signal))) {
          msg.nak(STOP_REDELIVERY_DELAY_MS);
          return;
        }
      }
    }
  }

  /** Stops pulling, gives back what is buffered and waits for the sends in progress. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await Promise.all(this.queues.map((q) => q.stop()));
  }
}
