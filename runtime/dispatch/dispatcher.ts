// Dispatchers pull queued sends and alerts from OST_DISPATCH, one durable consumer per channel type, so a
// slow channel (a print run, rate-limited voice calls) never holds up email. A message carries a group of
// sends (ADR 0004, "One message a group"); each is executed by dispatchStep or a group's hand-over — which
// re-check the step row under the case lock, so a duplicate or stale pointer does nothing — and the
// message is acked once all of them ended. While a send is in progress the message is kept alive with
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
import { dispatchWeight, readDispatchWork } from './read-dispatch-work.js';
import { recordSentGroup, type SentRecord } from './record-sent.js';
import { holdGroupLease } from './send-lease.js';
import { settlement, type Verdict } from './settle-dispatch.js';

const STOP_REDELIVERY_DELAY_MS = 1_000;
/** When to look again at a step another dispatcher is sending: a quarter lease, between 1 and 15 s. */
const busyDelayMs = (leaseMs: number) => Math.min(15_000, Math.max(1_000, leaseMs / 4));

export interface DispatcherOptions {
  /** Sends in progress at once per channel type in this process (default 64). */
  concurrency?: number;
  /** Emails in progress at once (default 256), so the SMTP relay's few connections stay busy. */
  emailConcurrency?: number;
  /** Most sends prepared together in one transaction (prepare-group.ts; default 32, 1: one by one). */
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
  private readonly groupSize: number;

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
    this.groupSize = options.groupSize ?? SETTING_DEFAULTS.dispatchGroup;
  }

  /**
   * Sends in progress at once of a channel type, and the most prepared together. A group is never larger
   * than that: the concurrency stays the bound of what a killed pod can have handed over without recording
   * it (each may arrive twice, with one id); email's is deeper to keep the relay's connections busy.
   */
  private limitsOf(type: string): { concurrency: number; group: number } {
    const concurrency =
      type === 'email'
        ? (this.options.emailConcurrency ?? SETTING_DEFAULTS.dispatchConcurrencyEmail)
        : (this.options.concurrency ?? SETTING_DEFAULTS.dispatchConcurrency);
    return { concurrency, group: Math.max(1, Math.min(concurrency, this.groupSize)) };
  }

  async start(js: JetStreamClient): Promise<void> {
    for (const type of this.options.channelTypes ?? CHANNEL_TYPES) {
      const consumer = await js.consumers.get(DISPATCH_STREAM, dispatchConsumerName(type));
      const { concurrency, group } = this.limitsOf(type);
      const queue = new JetStreamWorkQueue<JsMsg>({
        consumer,
        batchSize: group,
        // Groups in progress at once, so that about `concurrency` sends are.
        concurrency: Math.max(1, Math.ceil(concurrency / group)),
        log: this.deps.log,
        what: `dispatch-${type}`,
        weigh: dispatchWeight,
        handle: (msgs) => this.handleGroup(msgs, group),
        giveBack: (msg) => msg.nak(STOP_REDELIVERY_DELAY_MS),
      });
      await queue.start();
      this.queues.push(queue);
    }
  }

  /**
   * The messages that arrived together, each carrying one or more sends (the scheduler publishes a group
   * in one message): what cannot be read or was never answered becomes a dead letter; the plain sends
   * among the rest are prepared as one group (prepare-group.ts) and handed over each on its own; every
   * other one runs alone. A group whose transaction fails changes nothing, and its sends run alone too.
   * A message is settled once all its sends ended (settle).
   */
  private async handleGroup(msgs: JsMsg[], group: number): Promise<void> {
    const msgOf = new Map<DispatchWork, JsMsg>();
    for (const msg of msgs) {
      for (const work of (await this.readWorks(msg)) ?? []) msgOf.set(work, msg);
    }
    if (msgOf.size === 0) return;
    const works = [...msgOf.keys()];
    const stopWorking = keepWorking([...new Set(msgOf.values())], DISPATCH_ACK_WAIT_MS);
    const verdicts = new Map<JsMsg, Verdict[]>();
    try {
      // A message may carry more sends than this dispatcher's group (another pod's OST_DISPATCH_GROUP):
      // they go a group at a time, so no more than `group` are in progress for this batch.
      for (let i = 0; i < works.length; i += group) {
        for (const [work, verdict] of await this.sendGroup(works.slice(i, i + group), msgOf)) {
          const msg = msgOf.get(work)!;
          verdicts.set(msg, [...(verdicts.get(msg) ?? []), verdict]);
        }
      }
      for (const [msg, all] of verdicts) this.settle(msg, all);
    } finally {
      stopWorking();
    }
  }

  /** Prepares `works` as one group where it can, hands each over; returns each one's verdict. */
  private async sendGroup(
    works: DispatchWork[],
    msgOf: ReadonlyMap<DispatchWork, JsMsg>,
  ): Promise<[DispatchWork, Verdict][]> {
    const now = this.options.now?.() ?? new Date();
    let group: PreparedGroup = { prepared: [], single: works };
    if (works.length > 1) {
      try {
        group = await prepareGroup(this.deps, works, now);
      } catch (err) {
        this.deps.log.warn({ code: failureName(err) }, 'group of sends failed; sending them one by one');
      }
    }
    const lease = holdGroupLease(
      group.prepared.map((p) => p.prepared.step.id),
      {
        leaseMs: this.deps.leaseMs,
        renew: (ids) =>
          renewStepLeases(
            this.deps.db,
            group.prepared
              .filter((p) => ids.includes(p.prepared.step.id))
              .map((p) => ({ id: p.prepared.step.id, attempt: p.work.attempt })),
            this.deps.instanceId,
          ),
        onRenewError: (err) => this.deps.log.warn({ err }, 'could not renew the lease of a send in flight'),
      },
    );
    const run = async (work: DispatchWork, first?: () => Promise<DispatchOutcome>) =>
      [work, await this.run(msgOf.get(work)!, work, first)] as [DispatchWork, Verdict];
    try {
      return await Promise.all([
        ...group.prepared.map(({ work, prepared }) =>
          run(work, () => handOver(this.deps, prepared, work, now, lease.of(prepared.step.id))),
        ),
        ...group.single.map((work) => run(work)),
      ]);
    } finally {
      lease.releaseAll();
    }
  }

  /** Acks, naks or terms a message once every send it carries ended (settle-dispatch.ts). */
  private settle(msg: JsMsg, verdicts: readonly Verdict[]): void {
    const how = settlement(verdicts);
    if (how === 'held') msg.nak(STOP_REDELIVERY_DELAY_MS);
    else if (how === 'retry') retryLater(msg, this.redelivery);
    else if (how === 'busy') msg.nak(busyDelayMs(this.deps.leaseMs));
    else if (how === 'term') msg.term();
    else msg.ack();
  }

  /** The sends a message carries, or undefined when it was given up on (a dead letter) and settled. */
  private async readWorks(msg: JsMsg): Promise<DispatchWork[] | undefined> {
    const read = readDispatchWork(msg);
    if (isUnanswered(msg, this.redelivery)) {
      const error = createError('OST_ERR_DELIVERY_EXHAUSTED', [
        'dispatch message',
        this.redelivery.maxDeliver,
        'no answer: the dispatcher stopped or hung each time',
      ]);
      const verdicts = read.ok
        ? await Promise.all(read.works.map((work) => this.giveUp(msg, read.corporation, error, work)))
        : [await this.giveUp(msg, read.corporation, error)];
      this.settle(msg, verdicts);
      return undefined;
    }
    if (!read.ok) {
      const error = createError('OST_ERR_POISON_MESSAGE', [DISPATCH_STREAM, read.problem]);
      this.settle(msg, [await this.giveUp(msg, read.corporation, error)]);
      return undefined;
    }
    return read.works;
  }

  /**
   * Runs one send to its outcome and says what its message needs. `first` is what was already started
   * for it (a group's hand-over); a second round after a database outage runs the whole step again (the
   * step row says what is left to do).
   */
  private async run(
    msg: JsMsg,
    work: DispatchWork,
    first?: () => Promise<DispatchOutcome>,
  ): Promise<Verdict> {
    let attempt = first;
    for (;;) {
      try {
        const outcome = await (attempt
          ? attempt()
          : dispatchStep(this.deps, work, this.options.now?.() ?? new Date()));
        // Another dispatcher holds the step and renews its lease: this copy is not at fault. It comes
        // back after a while; on its last delivery it is let go without blame — the holder records the
        // outcome, or the stale-claim sweep queues the step again once the holder's lease lapses.
        return outcome === 'busy' && !isLastDelivery(msg, this.redelivery) ? 'busy' : 'done';
      } catch (err) {
        attempt = undefined;
        // While the database is away the step is not at fault: wait, then run it again (the step row
        // says what is left to do).
        if (!(await databaseAnswers(this.deps.db))) {
          this.deps.log.warn({ corporation: work.corporation }, 'database away; dispatch waits for it');
          if (await waitForDatabase(this.deps.db, this.stopping.signal)) continue;
          return 'held';
        }
        this.deps.log.error(
          { corporation: work.corporation, attempt: msg.info.deliveryCount, code: failureName(err) },
          'dispatch failed',
        );
        if (isDataRefused(err) || isLastDelivery(msg, this.redelivery)) {
          const error = isDataRefused(err)
            ? createError('OST_ERR_STORE_REFUSED', ['step', sqlState(err) ?? ''])
            : createError('OST_ERR_DELIVERY_EXHAUSTED', ['step', msg.info.deliveryCount, failureName(err)]);
          return this.giveUp(msg, work.corporation, error, work);
        }
        // The step row still says queued: the redelivery runs it again.
        return 'retry';
      }
    }
  }

  /**
   * Records the dead letter, failing its step if it names one; 'held' when the database went away while
   * stopping (the message comes back). Of a message with several sends, each failed send is a dead letter
   * of its own that holds its own pointer.
   */
  private async giveUp(
    msg: JsMsg,
    corporation: string,
    error: OutputstraatError,
    work?: DispatchWork,
  ): Promise<'given-up' | 'held'> {
    const several = dispatchWeight(msg) > 1;
    const letter: DeadLetterInput = deadLetterOf(msg, corporation, error, {
      ...(work ? { step: { rowId: work.stepRowId, attempt: work.attempt } } : {}),
      ...(work && several ? { part: work.stepRowId, payload: Buffer.from(JSON.stringify(work)) } : {}),
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
        return 'given-up';
      } catch (err) {
        if (await databaseAnswers(this.deps.db)) throw err;
        if (!(await waitForDatabase(this.deps.db, this.stopping.signal))) return 'held';
      }
    }
  }

  /** Stops pulling, gives back what is buffered and waits for the sends in progress. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await Promise.all(this.queues.map((q) => q.stop()));
  }
}
