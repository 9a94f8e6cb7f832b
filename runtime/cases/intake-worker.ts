// Consumes accepted receivables from JetStream and turns each into a receivable row and a case, in one
// transaction, before acking. A redelivered message finds the receivable already there and does nothing,
// so intake is exactly-once in effect even though delivery is at-least-once.

import type { JetStreamManager } from '@nats-io/jetstream';
import {
  AckPolicy,
  type Consumer,
  DeliverPolicy,
  type JetStreamClient,
  type JsMsg,
} from '@nats-io/jetstream';
import { classify, engineContext, receivableState } from '../../core/cases/index.js';
import { startCase } from '../../core/engine/index.js';
import { isOutputstraatError } from '../../core/errors/index.js';
import type { Logger } from '../../core/log.js';
import type { BundleStore } from '../bundles/bundle-store.js';
import { INTAKE_STREAM } from '../bus/index.js';
import type { Database } from '../db/index.js';
import type { IntakeEnvelope } from '../ingress/intake-envelope.js';
import type { RuntimeMetrics } from '../metrics/runtime-metrics.js';
import { applyEngineResult } from './apply-effects.js';
import { insertCase, insertEvents, insertReceivable, lockCase } from './case-repository.js';
import { ensurePaymentLink } from './payment-link.js';

export const INTAKE_CONSUMER = 'intake';
const RETRY_DELAY_MS = 5_000;
// Long enough that the nak is not redelivered into the subscription that is closing.
const STOP_REDELIVERY_DELAY_MS = 1_000;

export interface IntakeDeps {
  db: Database;
  bundles: BundleStore;
  log: Logger;
  metrics: RuntimeMetrics;
  now?: () => Date;
}

export async function ensureIntakeConsumer(jsm: JetStreamManager): Promise<void> {
  await jsm.consumers.add(INTAKE_STREAM, {
    durable_name: INTAKE_CONSUMER,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: 30_000_000_000,
    max_deliver: -1,
  });
}

/** Processes one envelope; returns false when it must be retried later (config not loaded yet). */
export async function processReceivable(deps: IntakeDeps, envelope: IntakeEnvelope): Promise<boolean> {
  const { corporation, receivable } = envelope;
  const bundle = deps.bundles.get(corporation);
  if (!bundle) return false;
  const now = deps.now?.() ?? new Date();
  await deps.db.transaction(async (tx) => {
    const receivableId = await insertReceivable(tx, corporation, receivable);
    if (!receivableId) return; // already accepted earlier: idempotent on (corporation, externalId)
    const base = { corporation, receivableId, externalId: receivable.externalId };
    const state = receivableState(receivable);
    let decision: ReturnType<typeof classify>;
    try {
      decision = classify(bundle, state, now);
    } catch (err) {
      if (!isOutputstraatError(err)) throw err;
      await insertEvents(tx, [
        { ...base, type: 'receivable.unrouted', data: { code: err.code, reason: err.message } },
      ]);
      return;
    }
    const flow = bundle.flows[decision.flow]!;
    await ensurePaymentLink(tx, corporation, receivableId);
    const caseId = await insertCase(tx, {
      receivable_id: receivableId,
      corporation,
      flow: flow.name,
      flow_revision: flow.revision,
      bundle_revision: bundle.revision,
      classification: decision.classification,
      rule: decision.decidedBy,
      state: {} as never,
    });
    const result = startCase(flow, decision.classification, engineContext(bundle, state, now));
    await insertEvents(tx, [
      { ...base, type: 'receivable.accepted', data: { kind: receivable.kind } },
      {
        ...base,
        caseId,
        type: 'case.started',
        data: { flow: flow.name, classification: decision.classification, decidedBy: decision.decidedBy },
      },
    ]);
    await applyEngineResult(tx, await lockCase(tx, caseId), result, now);
    deps.metrics.casesStarted.inc({ corporation, flow: flow.name });
  });
  return true;
}

export class IntakeWorker {
  private stopped = false;
  private messages: { stop(): void } | undefined;
  private loop: Promise<void> = Promise.resolve();

  constructor(private readonly deps: IntakeDeps) {}

  async start(js: JetStreamClient): Promise<void> {
    const consumer: Consumer = await js.consumers.get(INTAKE_STREAM, INTAKE_CONSUMER);
    const messages = await consumer.consume({ max_messages: 64 });
    this.messages = messages;
    this.loop = (async () => {
      for await (const msg of messages) {
        // Messages buffered when we stop go straight back, so another replica takes them now rather
        // than after the ack wait.
        if (this.stopped) msg.nak(STOP_REDELIVERY_DELAY_MS);
        else await this.handle(msg);
      }
    })();
  }

  private async handle(msg: JsMsg): Promise<void> {
    let envelope: IntakeEnvelope;
    try {
      envelope = msg.json<IntakeEnvelope>();
    } catch {
      this.deps.log.error({ seq: msg.seq }, 'intake message is not JSON; terminated');
      msg.term();
      return;
    }
    try {
      if (await processReceivable(this.deps, envelope)) msg.ack();
      else {
        this.deps.log.warn(
          { corporation: envelope.corporation },
          'no bundle loaded yet; intake retried later',
        );
        msg.nak(RETRY_DELAY_MS);
      }
    } catch (err) {
      this.deps.log.error(
        { err, corporation: envelope.corporation, seq: msg.seq },
        'intake failed; retried later',
      );
      msg.nak(RETRY_DELAY_MS);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.messages?.stop();
    await this.loop;
  }
}
