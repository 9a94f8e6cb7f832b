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
import { randomUUID } from 'node:crypto';
import type { BundleChannel, ConfigBundle } from '../../core/bundle/types.js';
import { channelQuietUntil, withholdReason } from '../../core/cases/index.js';
import { type Effect, notSentText, quietHoursText } from '../../core/engine/index.js';
import { isOutputstraatError } from '../../core/errors/index.js';
import { type ComposedMessage, composeMessage } from '../../core/messages/index.js';
import { priceCents } from '../../core/outcomes/index.js';
import { backoffDelay } from '../../platform/backoff.js';
import { type Database, sql } from '../../platform/db/index.js';
import type { Logger } from '../../platform/log.js';
import { withRetries } from '../../platform/with-retries.js';
import type { BundleStore } from '../bundles/index.js';
import type { ChannelRegistry } from '../channels/index.js';
import {
  appendTimeline,
  bundleForCase,
  type CaseRow,
  caseSubject,
  debtorGate,
  deferStep,
  feedCase,
  finishStep,
  holdStep,
  insertEvents,
  type LinkTokens,
  type LockedStep,
  linkSealFor,
  linksForTemplate,
  lockCase,
  lockDebtorOfCase,
  lockStep,
  type ReceivableRow,
  receivableRowOf,
  renewStepLease,
  retryStepLater,
  type StepRow,
  type Tx,
  takeQueuedStep,
} from '../dossiers/index.js';
import type { RuntimeMetrics } from '../metrics/index.js';
import { openAlertTask } from './alert-task.js';
import { checkContactBudget, lockHousehold } from './contact-budget.js';
import { sentSentence, wordsOf } from './dispatch-sentences.js';
import { holdSendLease } from './send-lease.js';

const MAX_ATTEMPTS = 5;
const backoffMs = (attempt: number) =>
  backoffDelay(attempt - 1, { initialMs: 30_000, maxMs: 30 * 60_000, jitter: 'none' });

export interface DispatchDeps {
  db: Database;
  bundles: BundleStore;
  channels: ChannelRegistry;
  log: Logger;
  metrics: RuntimeMetrics;
  publicUrl: string;
  /** Makes and recomputes the link tokens a message carries. */
  links: LinkTokens;
  /** Names this replica in the step row while it holds the step. */
  instanceId: string;
  /** A taken step's lease (OST_DISPATCH_LEASE_MS), renewed while its send is in flight. */
  leaseMs: number;
}

/** What travels on OST_DISPATCH: a pointer to the step row and the attempt it was queued for. */
export interface DispatchWork {
  stepRowId: string;
  attempt: number;
  caseId: string;
  corporation: string;
  /** For metric labels only. */
  flow: string;
  channel: string;
}

/** `busy`: another dispatcher holds the step and is sending it (a redelivered message); try again later. */
export type DispatchOutcome = 'sent' | 'skipped' | 'failed' | 'retry' | 'stale' | 'busy';

type SendEffect = Extract<Effect, { type: 'send' }>;
type AlertEffect = Extract<Effect, { type: 'alert' }>;

interface Prepared {
  messageId: string;
  channel: BundleChannel;
  recipients: string[];
  content: ComposedMessage;
  bundle: ConfigBundle;
  caseRow: CaseRow;
  step: StepRow;
  engineMessageId?: string;
}

type Preparation =
  | { kind: 'send'; prepared: Prepared }
  | {
      kind: 'done';
      outcome: 'stale' | 'busy' | 'sent' | 'skipped' | 'failed';
      channel: string;
      flow: string;
      /** The contact budget deferred the step, for this reason (a metric label). */
      deferredBy?: string;
    };

const ACTION_LABELS: Record<string, string> = {
  call: 'Bel de huurder',
  'home-visit': 'Plan een huisbezoek',
  'bailiff-referral': 'Draag over aan de deurwaarder',
  review: 'Beoordeel het dossier',
};

function recipientOf(channelType: string, r: ReceivableRow): string | undefined {
  const d = r.payload.debtor;
  if (channelType === 'email') return d.email;
  if (channelType === 'sms' || channelType === 'voice') return d.phone;
  if (channelType === 'letter')
    return d.address ? `${d.address.postalCode} ${d.address.houseNumber}` : undefined;
  return 'webhook';
}

const alertChannel = (bundle: ConfigBundle) =>
  Object.values(bundle.channels).find((ch) => ch.spec.type === 'email');

/** The channel name a step is about, for labels, before anything is rendered. */
function channelLabel(step: StepRow, bundle: ConfigBundle): string {
  if (step.kind === 'alert') return alertChannel(bundle)?.name ?? 'email';
  return String((step.payload as { channel?: unknown }).channel ?? 'unknown');
}

async function recordSkip(tx: Tx, c: CaseRow, step: StepRow, reason: string, now: Date): Promise<void> {
  await finishStep(tx, step.id, 'skipped', reason);
  const { label, template } = wordsOf(step);
  await appendTimeline(tx, c.id, [
    { at: now.toISOString(), stepId: step.step_id, text: notSentText(label, template, reason) },
  ]);
  await insertEvents(tx, [
    {
      corporation: c.corporation,
      receivableId: c.receivable_id,
      caseId: c.id,
      type: 'step.skipped',
      data: { stepId: step.step_id, reason },
    },
  ]);
}

/** An earlier attempt of this step recorded a message: resend it (same id) or finish without sending. */
async function existingMessage(tx: Tx, step: StepRow, c: CaseRow) {
  return tx.maybeOne(sql.unsafe`
    SELECT id, channel, recipient, content, engine_message_id, status, receivable_id FROM messages
    WHERE step_row_id = ${step.id}
       OR (step_row_id IS NULL AND case_id = ${c.id} AND step_id = ${step.step_id} AND status = 'sending'
           AND engine_message_id IS NOT DISTINCT FROM ${(step.payload.messageId as string) ?? null})
    ORDER BY created_at DESC LIMIT 1`);
}

/** The case and its receivable, locked in that order (like every other path), in one round trip. */
async function lockCaseAndReceivable(tx: Tx, caseId: string): Promise<{ c: CaseRow; r: ReceivableRow }> {
  const row = await tx.one(sql.unsafe`
    SELECT c.id, c.receivable_id, c.corporation, c.flow, c.flow_revision, c.bundle_revision, c.classification,
      c.status, c.state, c.scope, c.debtor_ref AS case_debtor_ref, r.external_id, r.balance_minor, r.status AS receivable_status, r.payload,
      r.debtor_ref, d.contact, d.household_id
    FROM cases c JOIN receivables r ON r.id = c.receivable_id LEFT JOIN debtors d ON d.id = r.debtor_ref
    WHERE c.id = ${caseId} FOR UPDATE OF c, r`);
  const c = { ...(row as unknown as CaseRow), debtor_ref: (row.case_debtor_ref as string | null) ?? null };
  const r = receivableRowOf({ ...row, id: row.receivable_id });
  return { c, r };
}

/** Step 1: check and record, under the case lock. */
async function prepare(deps: DispatchDeps, work: DispatchWork, now: Date): Promise<Preparation> {
  return deps.db.transaction(async (tx) => {
    // The household's lock comes before every row lock (docs/adr/0007, "Race-freedom").
    const budget = await lockHousehold(tx, deps.bundles, work.corporation, work.stepRowId);
    // The debtor before the case (ADR 0007 lock order): a PATCH of its statuses and this send serialise.
    const debtor = await lockDebtorOfCase(tx, work.caseId);
    const { c, r } = await lockCaseAndReceivable(tx, work.caseId);
    const take = await takeQueuedStep(tx, work.stepRowId, work.attempt, deps.instanceId, deps.leaseMs);
    const step = take.taken;
    const labels = { channel: work.channel, flow: c.flow };
    if (!step) return { kind: 'done', outcome: take.held ? 'busy' : 'stale', ...labels };
    const bundle = await bundleForCase(deps.bundles, c);
    const channelName = channelLabel(step, bundle);
    const done = (outcome: 'sent' | 'skipped' | 'failed') =>
      ({ kind: 'done', outcome, channel: channelName, flow: c.flow }) as const;
    // Only an earlier attempt of this step row can have recorded a message.
    const existing = work.attempt > 1 ? await existingMessage(tx, step, c) : null;
    if (existing?.status === 'sent') {
      await finishStep(tx, step.id, 'sent', undefined, { messageId: existing.id });
      return { kind: 'done', outcome: 'stale', ...labels };
    }
    if (existing) {
      const channel = bundle.channels[existing.channel as string];
      if (channel) {
        // Sealed with the links of the receivable it was recorded for (a dossier's may have moved on).
        const seal = await linkSealFor(tx, deps.links, { receivableId: existing.receivable_id as string });
        if (existing.status !== 'sending') {
          await tx.query(sql.unsafe`UPDATE messages SET status = 'sending' WHERE id = ${existing.id}`);
        }
        return {
          kind: 'send',
          prepared: {
            messageId: existing.id as string,
            channel,
            recipients: (existing.recipient as string).split(','),
            content: seal.unsealJson(existing.content as unknown as ComposedMessage),
            bundle,
            caseRow: c,
            step,
            ...(existing.engine_message_id ? { engineMessageId: existing.engine_message_id as string } : {}),
          },
        };
      }
    }
    const skip = (reason: string) => recordSkip(tx, c, step, reason, now).then(() => done('skipped'));
    // Paused since it was queued: it waits with the case's other held sends for the resume.
    // A reminder before an arrangement's instalment goes out although the dossier is paused.
    const duringPause = step.kind === 'send' && step.payload.duringPause === true;
    if (c.status === 'paused' && !duringPause) {
      await holdStep(tx, step.id, 'held: the case is paused');
      return { kind: 'done', outcome: 'stale', channel: channelName, flow: c.flow };
    }
    // A dossier is about its open items: the receivable it stands for and their total (ADR 0007).
    const subject = await caseSubject(tx, c, r);
    const about = subject.receivable;
    // An alert about the end, or the estate letter of Flow spec.onDeceased: they go out after the stop.
    const aboutEnd =
      (step.kind === 'alert' && step.payload.aboutEnd === true) ||
      (step.kind === 'send' && step.payload.estate === true);
    const withheld = withholdReason(
      c.status,
      subject.state.status,
      bundle.corporation.paused,
      aboutEnd,
      duringPause,
    );
    if (withheld) return skip(withheld);
    const sendType = bundle.channels[String(step.payload.channel)]?.spec.type;
    const gate = await debtorGate(tx, deps.bundles, debtor, c, step, sendType, now);
    if (gate === 'held') return { kind: 'done', outcome: 'stale', channel: channelName, flow: c.flow };
    if (gate) return skip(gate.skip);
    const template =
      step.kind === 'alert'
        ? (step.payload as unknown as AlertEffect).template
        : (step.payload as unknown as SendEffect).template;
    if (step.kind === 'send') {
      // No text messages or calls in the channel's quiet hours: the step waits for them to end.
      const channel = (step.payload as unknown as SendEffect).channel;
      const quietUntil = channelQuietUntil(bundle, channel, now);
      if (quietUntil) {
        await deferStep(tx, step.id, quietUntil, 'quiet hours of the channel');
        const { label, template: t } = wordsOf(step);
        const text = quietHoursText(label, t, quietUntil, bundle.corporation.timezone, channel);
        await appendTimeline(tx, c.id, [{ at: now.toISOString(), stepId: step.step_id, text }]);
        return { kind: 'done', outcome: 'stale', channel: channelName, flow: c.flow };
      }
    }
    const channelType =
      step.kind === 'send'
        ? bundle.channels[(step.payload as unknown as SendEffect).channel]?.spec.type
        : undefined;
    if (budget && channelType) {
      const verdict = await checkContactBudget(tx, budget, c, step, bundle, channelType, now);
      if (verdict.kind === 'skip') return skip(verdict.reason);
      if (verdict.kind === 'deferred') {
        return {
          kind: 'done',
          outcome: 'stale',
          channel: channelName,
          flow: c.flow,
          deferredBy: verdict.reason,
        };
      }
    }
    // The estate letter is sent after the stop closed the payment link: it offers no new one.
    const offerLinkOn = step.kind === 'send' && step.payload.estate === true ? undefined : channelType;
    const links = await linksForTemplate(
      tx,
      deps.links,
      bundle,
      deps.publicUrl,
      template,
      about.id,
      offerLinkOn,
    );
    const input = {
      bundle,
      receivable: {
        ...subject.state.input,
        balance: subject.state.balance,
        currency: subject.state.input.currency ?? 'EUR',
      },
      dossier: subject.dossier,
      collections: c.state,
      links,
      now,
      case: {
        id: c.id,
        classification: c.classification ?? '',
        flow: c.flow,
        stepsSent: c.state.messages?.length ?? 0,
      },
    };
    let channel: BundleChannel | undefined;
    let recipients: string[];
    let content: ComposedMessage;
    try {
      if (step.kind === 'alert') {
        const alert = step.payload as unknown as AlertEffect;
        channel = alertChannel(bundle);
        const to = bundle.corporation.alerts.filter(
          (a) => !a.actions || a.actions.length === 0 || a.actions.includes(alert.action as never),
        );
        recipients = to.map((a) => a.email);
        if (recipients.length === 0) return skip('the corporation has no alert recipients for this action');
        const actionLabel = ACTION_LABELS[alert.action] ?? alert.action;
        const taskUrl = await openAlertTask(tx, {
          bundle,
          caseRow: c,
          stepRowId: step.id,
          debtorRef: about.debtor_ref ?? null,
          action: alert.action,
          actionLabel,
          externalId: about.external_id,
          teams: [...new Set(to.map((a) => a.name).filter((n): n is string => !!n))],
          publicUrl: deps.publicUrl,
          now,
        });
        content = composeMessage({
          ...input,
          template: alert.template,
          alert: {
            action: alert.action,
            actionLabel,
            ...(alert.note ? { note: alert.note } : {}),
            ...(taskUrl ? { taskUrl } : {}),
          },
        });
      } else {
        const send = step.payload as unknown as SendEffect;
        channel = bundle.channels[send.channel];
        const to = channel ? recipientOf(channel.spec.type, about) : undefined;
        if (!to) return skip(`debtor has no address for channel ${send.channel}`);
        recipients = [to];
        content = composeMessage({ ...input, template: send.template });
      }
    } catch (err) {
      // A message that cannot be rendered (bad data for the template) fails visibly instead of looping.
      const code = (err as { code?: string }).code ?? '';
      if (!code.startsWith('OST_ERR_TEMPLATE') && !isOutputstraatError(err, 'OST_ERR_CONFIG')) throw err;
      await finishStep(tx, step.id, 'failed', (err as Error).message);
      deps.log.error({ corporation: c.corporation, step: step.step_id, code }, 'step failed');
      return done('failed');
    }
    if (!channel) return skip('no channel for this step in the current configuration');
    const messageId = randomUUID();
    const engineMessageId = step.kind === 'send' ? (step.payload.messageId as string) : undefined;
    // Stored with its link tokens sealed; the adapter gets them as rendered.
    const stored = (await linkSealFor(tx, deps.links, { receivableId: about.id })).sealJson(content);
    await tx.query(sql.unsafe`
      INSERT INTO messages (id, case_id, receivable_id, corporation, step_id, channel, channel_type, template, locale,
        status, recipient, subject, content, engine_message_id, step_row_id, debtor_ref, household_id, counted_at,
        cost_cents)
      VALUES (${messageId}, ${c.id}, ${about.id}, ${c.corporation}, ${step.step_id}, ${channel.name}, ${channel.spec.type},
        ${content.template}, ${content.locale}, 'sending', ${recipients.join(',')}, ${content.subject ?? null},
        ${sql.jsonb(stored as never)}, ${engineMessageId ?? null}, ${step.id},
        ${step.kind === 'send' ? about.debtor_ref : null}, ${step.kind === 'send' ? about.household_id : null},
        ${now.toISOString()}, ${priceCents(channel.spec.pricePerMessage) ?? null})`);
    return {
      kind: 'send',
      prepared: {
        messageId,
        channel,
        recipients,
        content,
        bundle,
        caseRow: c,
        step,
        ...(engineMessageId ? { engineMessageId } : {}),
      },
    };
  });
}

/** Step 3 after a successful hand-over. The message went out, so the step is sent whoever holds it now. */
async function recordSent(deps: DispatchDeps, p: Prepared, providerId: string, sentAt: Date): Promise<void> {
  await deps.db.transaction(async (tx) => {
    // The case lock first (every path takes case, then step), for the sentence in its timeline.
    await lockCase(tx, p.caseRow.id);
    const step = await lockStep(tx, p.step.id);
    await tx.query(sql.unsafe`
      UPDATE messages SET status = 'sent', provider_id = ${providerId}, sent_at = coalesce(sent_at, now())
      WHERE id = ${p.messageId}`);
    if (!step || !['queued', 'claimed', 'scheduled', 'held'].includes(step.status)) return;
    await finishStep(tx, p.step.id, 'sent', undefined, { messageId: p.messageId });
    await appendTimeline(tx, p.caseRow.id, [
      {
        at: sentAt.toISOString(),
        stepId: p.step.step_id,
        text: sentSentence(p.step, p.channel, p.content.template, p.recipients),
      },
    ]);
    await insertEvents(tx, [
      {
        corporation: p.caseRow.corporation,
        receivableId: p.caseRow.receivable_id,
        caseId: p.caseRow.id,
        type: p.step.kind === 'alert' ? 'alert.sent' : 'message.sent',
        data: {
          stepId: p.step.step_id,
          messageId: p.messageId,
          channel: p.channel.name,
          template: p.content.template,
        },
      },
    ]);
  });
}

/** The step is still this dispatcher's attempt: queued with this attempt, and held by nobody else. */
const stillHeld = (step: LockedStep | undefined, work: DispatchWork, instanceId: string) =>
  step?.status === 'queued' &&
  step.attempts === work.attempt &&
  (step.claimed_by === null || step.claimed_by === instanceId);

/** What a failed attempt was, kept in the message's history (cleared with it by the retention sweep). */
const attemptDetail = (work: DispatchWork, err: Error & { code?: string }) => ({
  attempt: work.attempt,
  code: err.code ?? null,
  error: err.message,
});

async function recordFailure(deps: DispatchDeps, p: Prepared, work: DispatchWork, err: Error, now: Date) {
  const reason = err.message;
  const detail = attemptDetail(work, err as Error & { code?: string });
  if (work.attempt < MAX_ATTEMPTS) {
    return deps.db.transaction(async (tx) => {
      const delayMs = backoffMs(work.attempt);
      if (!(await retryStepLater(tx, p.step.id, work.attempt, delayMs, reason, deps.instanceId))) {
        return 'stale' as const;
      }
      await tx.query(sql.unsafe`
        INSERT INTO message_status_history (message_id, corporation, status, source, detail)
        VALUES (${p.messageId}, ${p.caseRow.corporation}, 'attempt-failed', 'dispatch',
          ${sql.jsonb({ ...detail, retryInMs: delayMs } as never)})`);
      return 'retry' as const;
    });
  }
  let recorded = false;
  await deps.db.transaction(async (tx) => {
    await lockCase(tx, p.caseRow.id);
    const step = await lockStep(tx, p.step.id);
    if (!stillHeld(step, work, deps.instanceId)) return;
    recorded = true;
    await tx.query(sql.unsafe`SELECT set_config('outputstraat.status_source', 'dispatch', true),
      set_config('outputstraat.status_detail', ${JSON.stringify(detail)}, true)`);
    await tx.query(sql.unsafe`UPDATE messages SET status = 'failed' WHERE id = ${p.messageId}`);
    await finishStep(tx, p.step.id, 'failed', reason);
    if (p.engineMessageId) {
      await feedCase(
        tx,
        deps.bundles,
        p.caseRow.id,
        { type: 'event', event: { type: 'failed', messageId: p.engineMessageId } },
        now,
      );
    }
  });
  return recorded ? ('failed' as const) : ('stale' as const);
}

export async function dispatchStep(
  deps: DispatchDeps,
  work: DispatchWork,
  now: Date,
): Promise<DispatchOutcome> {
  const prepared = await prepare(deps, work, now);
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
  const labels = { corporation: p.caseRow.corporation, flow: p.caseRow.flow, channel: p.channel.name };
  const startedAt = Date.now();
  let providerId = '';
  const lease = holdSendLease({
    leaseMs: deps.leaseMs,
    renew: () => renewStepLease(deps.db, p.step.id, work.attempt, deps.instanceId),
    onRenewError: (err) =>
      deps.log.warn(
        { ...labels, step: p.step.step_id, err },
        'could not renew the lease of a send in flight',
      ),
  });
  try {
    const adapter = deps.channels.adapter(p.channel.spec.provider);
    for (const recipient of p.recipients) {
      providerId = (
        await adapter.send(
          { id: p.messageId, bundle: p.bundle, channel: p.channel, recipient, content: p.content },
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
  await withRetries(() => recordSent(deps, p, providerId, sentAt), {
    log: deps.log,
    what: 'record sent message',
  });
  deps.metrics.steps.inc({ ...labels, outcome: 'sent' });
  deps.metrics.dueToSent.observe(
    { channel: p.channel.name },
    (Date.now() - new Date(p.step.due_at).getTime()) / 1000,
  );
  return 'sent';
}
