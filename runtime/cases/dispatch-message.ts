// Executes a send or alert step. Order matters for the invariants:
//   1. in a transaction holding the case lock: re-check that the case is active and the receivable open,
//      then record the message (status 'sending') with its exact content;
//   2. hand it to the provider (no lock held: a slow relay must not block payments);
//   3. record the outcome.
// A crash between 1 and 3 leaves a 'sending' message; the stale-claim sweep sends it again with the same
// message id (at-least-once for the provider, never a second different message).
import { randomUUID } from 'node:crypto';
import type { BundleChannel, ConfigBundle } from '../../core/bundle/types.js';
import type { Effect } from '../../core/engine/index.js';
import { isOutputstraatError } from '../../core/errors/index.js';
import type { Logger } from '../../core/log.js';
import { type ComposedMessage, composeMessage } from '../../core/messages/index.js';
import type { BundleStore } from '../bundles/bundle-store.js';
import type { ChannelRegistry } from '../channels/channel-registry.js';
import { type Database, sql } from '../db/index.js';
import type { RuntimeMetrics } from '../metrics/runtime-metrics.js';
import {
  type CaseRow,
  insertEvents,
  lockCase,
  lockReceivable,
  type ReceivableRow,
} from './case-repository.js';
import { bundleForCase, feedCase } from './case-runner.js';
import { ensurePaymentLink, linkUrl } from './payment-link.js';
import { finishStep, retryStepLater, type StepRow } from './step-claims.js';

const MAX_ATTEMPTS = 5;
const backoffMs = (attempt: number) => Math.min(30_000 * 2 ** (attempt - 1), 30 * 60_000);

export interface DispatchDeps {
  db: Database;
  bundles: BundleStore;
  channels: ChannelRegistry;
  log: Logger;
  metrics: RuntimeMetrics;
  publicUrl: string;
}

type SendEffect = Extract<Effect, { type: 'send' }>;
type AlertEffect = Extract<Effect, { type: 'alert' }>;

interface Prepared {
  messageId: string;
  channel: BundleChannel;
  recipients: string[];
  content: ComposedMessage;
  bundle: ConfigBundle;
  caseRow: CaseRow;
  engineMessageId?: string;
}

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

/** Step 1: check and record, under the case lock. Returns a skip reason instead when nothing may go out. */
async function prepare(
  deps: DispatchDeps,
  step: StepRow,
  now: Date,
): Promise<Prepared | { skip: string } | { resend: Prepared }> {
  return deps.db.transaction(async (tx) => {
    const c = await lockCase(tx, step.case_id);
    const r = await lockReceivable(tx, c.receivable_id);
    const existing = await tx.maybeOne(sql.unsafe`
      SELECT id, channel, recipient, content, engine_message_id FROM messages
      WHERE case_id = ${c.id} AND step_id = ${step.step_id} AND status = 'sending'
        AND (engine_message_id IS NOT DISTINCT FROM ${(step.payload.messageId as string) ?? null})`);
    const bundle = await bundleForCase(deps.bundles, c);
    if (existing) {
      const channel = bundle.channels[existing.channel as string]!;
      return {
        resend: {
          messageId: existing.id as string,
          channel,
          recipients: (existing.recipient as string).split(','),
          content: existing.content as unknown as ComposedMessage,
          bundle,
          caseRow: c,
          ...(existing.engine_message_id ? { engineMessageId: existing.engine_message_id as string } : {}),
        },
      };
    }
    // A completed case still delivers the sends its last steps asked for; a stopped or paused one does not.
    if (c.status === 'stopped' || c.status === 'paused') return { skip: `case is ${c.status}` };
    if (r.status === 'paid' || r.balance_minor <= 0) return { skip: 'receivable is paid' };
    if (r.status !== 'open') return { skip: `receivable is ${r.status}` };
    if (bundle.corporation.paused) return { skip: 'corporation is paused' };
    const token = await ensurePaymentLink(tx, c.corporation, r.id);
    const links = { payment: linkUrl(bundle, deps.publicUrl, `/p/${token}`) };
    const input = {
      bundle,
      receivable: { ...r.payload, balance: r.balance_minor, currency: r.payload.currency ?? 'EUR' },
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
    if (step.kind === 'alert') {
      const alert = step.payload as unknown as AlertEffect;
      channel = Object.values(bundle.channels).find((ch) => ch.spec.type === 'email');
      recipients = bundle.corporation.alerts
        .filter((a) => !a.actions || a.actions.length === 0 || a.actions.includes(alert.action as never))
        .map((a) => a.email);
      if (recipients.length === 0) return { skip: 'the corporation has no alert recipients for this action' };
      content = composeMessage({
        ...input,
        template: alert.template,
        alert: {
          action: alert.action,
          actionLabel: ACTION_LABELS[alert.action] ?? alert.action,
          ...(alert.note ? { note: alert.note } : {}),
        },
      });
    } else {
      const send = step.payload as unknown as SendEffect;
      channel = bundle.channels[send.channel];
      const to = channel ? recipientOf(channel.spec.type, r) : undefined;
      if (!to) return { skip: `debtor has no address for channel ${send.channel}` };
      recipients = [to];
      content = composeMessage({ ...input, template: send.template });
    }
    if (!channel) return { skip: 'no channel for this step in the current configuration' };
    const messageId = randomUUID();
    const engineMessageId = step.kind === 'send' ? (step.payload.messageId as string) : undefined;
    await tx.query(sql.unsafe`
      INSERT INTO messages (id, case_id, receivable_id, corporation, step_id, channel, channel_type, template, locale,
        status, recipient, subject, content, engine_message_id)
      VALUES (${messageId}, ${c.id}, ${r.id}, ${c.corporation}, ${step.step_id}, ${channel.name}, ${channel.spec.type},
        ${content.template}, ${content.locale}, 'sending', ${recipients.join(',')}, ${content.subject ?? null},
        ${sql.jsonb(content as never)}, ${engineMessageId ?? null})`);
    return {
      messageId,
      channel,
      recipients,
      content,
      bundle,
      caseRow: c,
      ...(engineMessageId ? { engineMessageId } : {}),
    };
  });
}

export async function dispatchStep(deps: DispatchDeps, step: StepRow, now: Date): Promise<void> {
  let prepared: Awaited<ReturnType<typeof prepare>>;
  try {
    prepared = await prepare(deps, step, now);
  } catch (err) {
    // A message that cannot be rendered (bad data for the template) fails visibly instead of looping.
    const code = (err as { code?: string }).code ?? '';
    if (code.startsWith('OST_ERR_TEMPLATE') || isOutputstraatError(err, 'OST_ERR_CONFIG')) {
      await finishStep(deps.db, step.id, 'failed', (err as Error).message);
      deps.metrics.steps.inc({ corporation: step.corporation, flow: '', channel: '', outcome: 'failed' });
      deps.log.error(
        { corporation: step.corporation, step: step.step_id, code: (err as { code?: string }).code },
        'step failed',
      );
      return;
    }
    throw err;
  }
  if ('skip' in prepared) {
    await deps.db.transaction(async (tx) => {
      await finishStep(tx, step.id, 'skipped', prepared.skip);
      const c = await lockCase(tx, step.case_id);
      await insertEvents(tx, [
        {
          corporation: c.corporation,
          receivableId: c.receivable_id,
          caseId: c.id,
          type: 'step.skipped',
          data: { stepId: step.step_id, reason: prepared.skip },
        },
      ]);
    });
    deps.metrics.steps.inc({ corporation: step.corporation, flow: '', channel: '', outcome: 'skipped' });
    return;
  }
  const p = 'resend' in prepared ? prepared.resend : prepared;
  const labels = { corporation: p.caseRow.corporation, flow: p.caseRow.flow, channel: p.channel.name };
  try {
    const adapter = deps.channels.adapter(p.channel.spec.provider);
    let providerId = '';
    for (const recipient of p.recipients) {
      providerId = (
        await adapter.send({
          id: p.messageId,
          bundle: p.bundle,
          channel: p.channel,
          recipient,
          content: p.content,
        })
      ).providerId;
    }
    await deps.db.transaction(async (tx) => {
      await tx.query(sql.unsafe`
        UPDATE messages SET status = 'sent', provider_id = ${providerId}, sent_at = now() WHERE id = ${p.messageId}`);
      await finishStep(tx, step.id, 'sent', undefined, { messageId: p.messageId });
      await insertEvents(tx, [
        {
          corporation: p.caseRow.corporation,
          receivableId: p.caseRow.receivable_id,
          caseId: p.caseRow.id,
          type: step.kind === 'alert' ? 'alert.sent' : 'message.sent',
          data: {
            stepId: step.step_id,
            messageId: p.messageId,
            channel: p.channel.name,
            template: p.content.template,
          },
        },
      ]);
    });
    deps.metrics.steps.inc({ ...labels, outcome: 'sent' });
    deps.metrics.dueToSent.observe(
      { channel: p.channel.name },
      (Date.now() - new Date(step.due_at).getTime()) / 1000,
    );
  } catch (err) {
    const reason = (err as Error).message;
    deps.log.warn(
      { ...labels, step: step.step_id, attempt: step.attempts, code: (err as { code?: string }).code },
      'send failed',
    );
    if (step.attempts < MAX_ATTEMPTS) {
      await retryStepLater(deps.db, step.id, backoffMs(step.attempts), reason);
      return;
    }
    await deps.db.transaction(async (tx) => {
      await tx.query(sql.unsafe`UPDATE messages SET status = 'failed' WHERE id = ${p.messageId}`);
      await finishStep(tx, step.id, 'failed', reason);
      if (p.engineMessageId) {
        await feedCase(
          tx,
          deps.bundles,
          step.case_id,
          { type: 'event', event: { type: 'failed', messageId: p.engineMessageId } },
          now,
        );
      }
    });
    deps.metrics.steps.inc({ ...labels, outcome: 'failed' });
  }
}
