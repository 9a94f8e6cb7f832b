// Executes a send or alert step that a dispatcher took from JetStream. Order matters for the invariants:
//   1. in a transaction holding the case lock: check that the step row is still queued with this
//      attempt (else the message is stale: a duplicate or an earlier attempt), re-check that the case is
//      active and the receivable open, then record the message (status 'sending') with its exact content;
//   2. hand it to the provider (no lock held: a slow relay must not block payments);
//   3. record the outcome.
// A crash between 1 and 3 leaves a 'sending' message on a queued step; JetStream redelivers the dispatch
// message (or the stale-claim sweep queues the step again) and the same message, with the same id, is
// handed to the provider again: at-least-once towards the provider, never a second different message.
// While the provider has it, the dispatcher renews the step's lease (send-lease.ts): no other replica
// takes a step whose send is in flight, and a send that runs out of time is aborted by its adapter and
// recorded as a failed attempt before the step is retried (docs/adr/0004, "Deadlines and the heartbeat").
// A step whose case was paused meanwhile is held, not skipped: the resume releases it. The case's
// timeline says "sent" only in 3, when the provider took the message; a step that will not go out says
// why, and one that waits for quiet hours says until when.
// Where each part lives: 1 in prepare-send.ts (the checks; compose-step.ts, record-message.ts,
// contact-budget.ts), 2 here, 3 in record-sent.ts (in groups: the sends that finish together share one
// transaction; the JetStream message is acked only after its group committed) and record-failure.ts.
import { withRetries } from '../../platform/with-retries.js';
import { renewStepLease } from '../dossiers/index.js';
import { sentSentence } from './dispatch-sentences.js';
import type { DispatchDeps, DispatchOutcome, DispatchWork, Prepared } from './dispatch-types.js';
import { prepareSend } from './prepare-send.js';
import { recordFailure } from './record-failure.js';
import type { SentRecord } from './record-sent.js';
import { holdSendLease, type SendLease } from './send-lease.js';

export type { DispatchDeps, DispatchOutcome, DispatchWork } from './dispatch-types.js';

export async function dispatchStep(
  deps: DispatchDeps,
  work: DispatchWork,
  now: Date,
): Promise<DispatchOutcome> {
  const prepared = await prepareSend(deps, work, now);
  if (prepared.kind === 'done' && prepared.deferredBy) {
    deps.metrics.contactDeferrals.inc({
      corporation: work.corporation,
      flow: prepared.flow,
      reason: prepared.deferredBy,
    });
  }
  if (prepared.kind === 'done') {
    if (prepared.outcome !== 'stale' && prepared.outcome !== 'busy') {
      deps.metrics.steps.inc({
        corporation: work.corporation,
        flow: prepared.flow,
        channel: prepared.channel,
        outcome: prepared.outcome,
      });
    }
    return prepared.outcome;
  }
  const p = prepared.prepared;
  const lease = holdSendLease({
    leaseMs: deps.leaseMs,
    renew: () => renewStepLease(deps.db, p.step.id, work.attempt, deps.instanceId),
    onRenewError: (err) =>
      deps.log.warn(
        { corporation: p.caseRow.corporation, step: p.step.step_id, err },
        'could not renew the lease of a send in flight',
      ),
  });
  return handOver(deps, p, work, now, lease);
}

/**
 * Steps 2 and 3 of a recorded message (prepareSend's, or one of a group's, prepare-group.ts): hand it to
 * the provider while `lease` is renewed, then record the outcome. The lease is released here.
 */
export async function handOver(
  deps: DispatchDeps,
  p: Prepared,
  work: DispatchWork,
  now: Date,
  lease: SendLease,
): Promise<DispatchOutcome> {
  const labels = { corporation: p.caseRow.corporation, flow: p.caseRow.flow, channel: p.channel.name };
  const startedAt = Date.now();
  let providerId = '';
  try {
    const adapter = deps.channels.adapter(p.channel.spec.provider);
    for (const [i, recipient] of p.recipients.entries()) {
      const firstSend = i === 0 && p.firstSend === true;
      providerId = (
        await adapter.send(
          {
            id: p.messageId,
            bundle: p.bundle,
            channel: p.channel,
            recipient,
            content: p.content,
            firstSend,
            ...(p.raw ? { raw: p.raw } : {}),
          },
          { signal: lease.signal },
        )
      ).providerId;
    }
  } catch (err) {
    // The adapter has given up on its connection: this attempt is over, the next one may follow.
    lease.release();
    deps.log.warn(
      { ...labels, step: p.step.step_id, attempt: work.attempt, code: (err as { code?: string }).code },
      'send failed',
    );
    const outcome = await recordFailure(deps, p, work, err as Error, now);
    if (outcome === 'failed') deps.metrics.steps.inc({ ...labels, outcome: 'failed' });
    return outcome;
  } finally {
    lease.release();
  }
  // The provider has it: recording that must outlive a short database outage, or the step is sent again.
  // On the dispatcher's clock (`now`, which tests move), plus the time the hand-over took.
  const sentAt = new Date(now.getTime() + (Date.now() - startedAt));
  const record: SentRecord = {
    messageId: p.messageId,
    providerId,
    caseId: p.caseRow.id,
    receivableId: p.caseRow.receivable_id,
    corporation: p.caseRow.corporation,
    stepRowId: p.step.id,
    stepId: p.step.step_id,
    kind: p.step.kind,
    channel: p.channel.name,
    template: p.content.template,
    sentence: sentSentence(p.step, p.channel, p.content.template, p.recipients),
    sentAt,
  };
  await withRetries(() => deps.sent.add(record), { log: deps.log, what: 'record sent message' });
  deps.metrics.steps.inc({ ...labels, outcome: 'sent' });
  deps.metrics.dueToSent.observe(
    { channel: p.channel.name },
    (Date.now() - new Date(p.step.due_at).getTime()) / 1000,
  );
  return 'sent';
}
