// Step 1 of a send or alert (dispatch-message.ts has the order and the invariants), in one transaction:
// the household's lock (contact budget), the debtor row FOR SHARE, the case and its receivable FOR UPDATE,
// the step taken for this attempt; then the re-checks under those locks — an earlier attempt's message,
// a paused or ended case, the debtor's statuses (gate), quiet hours, the contact budget — and the message
// recorded with its exact content (record-message.ts). What is not sent says why in the case's timeline.
import { channelQuietUntil, withholdReason } from '../../core/cases/index.js';
import { notSentText, quietHoursText } from '../../core/engine/index.js';
import { isOutputstraatError } from '../../core/errors/index.js';
import { sql } from '../../platform/db/index.js';
import {
  appendTimeline,
  bundleForCase,
  type CaseRow,
  caseSubject,
  debtorGate,
  deferStep,
  finishStep,
  holdStep,
  insertEvents,
  linksForTemplate,
  lockDebtorOfCase,
  type ReceivableRow,
  receivableRowOf,
  type StepRow,
  type Tx,
  takeQueuedStep,
} from '../dossiers/index.js';
import { openAlertTask } from './alert-task.js';
import {
  actionLabel,
  alertRecipients,
  channelLabel,
  composeInput,
  composeStep,
  templateOf,
} from './compose-step.js';
import { checkContactBudget, lockHousehold } from './contact-budget.js';
import { wordsOf } from './dispatch-sentences.js';
import type { AlertEffect, DispatchDeps, DispatchWork, Preparation, SendEffect } from './dispatch-types.js';
import { existingMessage, recordNewMessage, resendExisting } from './record-message.js';

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
export async function prepareSend(deps: DispatchDeps, work: DispatchWork, now: Date): Promise<Preparation> {
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
    const done = (outcome: 'stale' | 'skipped' | 'failed') =>
      ({ kind: 'done', outcome, channel: channelName, flow: c.flow }) as const;
    // Only an earlier attempt of this step row can have recorded a message.
    const existing = work.attempt > 1 ? await existingMessage(tx, step, c) : null;
    if (existing?.status === 'sent') {
      await finishStep(tx, step.id, 'sent', undefined, { messageId: existing.id });
      return { kind: 'done', outcome: 'stale', ...labels };
    }
    if (existing) {
      const prepared = await resendExisting(tx, deps.links, existing, bundle, c, step);
      if (prepared) return { kind: 'send', prepared };
    }
    const skip = (reason: string) => recordSkip(tx, c, step, reason, now).then(() => done('skipped'));
    // Paused since it was queued: it waits with the case's other held sends for the resume.
    // A reminder before an arrangement's instalment goes out although the dossier is paused.
    const duringPause = step.kind === 'send' && step.payload.duringPause === true;
    if (c.status === 'paused' && !duringPause) {
      await holdStep(tx, step.id, 'held: the case is paused');
      return done('stale');
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
    if (gate === 'held') return done('stale');
    if (gate) return skip(gate.skip);
    if (step.kind === 'send') {
      // No text messages or calls in the channel's quiet hours: the step waits for them to end.
      const channel = (step.payload as unknown as SendEffect).channel;
      const quietUntil = channelQuietUntil(bundle, channel, now);
      if (quietUntil) {
        await deferStep(tx, step.id, quietUntil, 'quiet hours of the channel');
        const { label, template: t } = wordsOf(step);
        const text = quietHoursText(label, t, quietUntil, bundle.corporation.timezone, channel);
        await appendTimeline(tx, c.id, [{ at: now.toISOString(), stepId: step.step_id, text }]);
        return done('stale');
      }
    }
    const channelType = step.kind === 'send' ? sendType : undefined;
    if (budget && channelType) {
      const verdict = await checkContactBudget(tx, budget, c, step, bundle, channelType, now);
      if (verdict.kind === 'skip') return skip(verdict.reason);
      if (verdict.kind === 'deferred') return { ...done('stale'), deferredBy: verdict.reason };
    }
    const { urls: links, seal } = await linksForTemplate(
      tx,
      deps.links,
      bundle,
      deps.publicUrl,
      templateOf(step),
      about.id,
      // The estate letter is sent after the stop closed the payment link: it offers no new one.
      step.kind === 'send' && step.payload.estate === true ? undefined : channelType,
    );
    const input = composeInput(bundle, c, subject, links, now);
    // A consultant alert opens its task in the console first: the mail links to it (alert-task.ts).
    let taskUrl: string | undefined;
    if (step.kind === 'alert') {
      const alert = step.payload as unknown as AlertEffect;
      const to = alertRecipients(bundle, alert.action);
      if (to.length > 0) {
        taskUrl = await openAlertTask(tx, {
          bundle,
          caseRow: c,
          stepRowId: step.id,
          debtorRef: about.debtor_ref ?? null,
          action: alert.action,
          actionLabel: actionLabel(alert.action),
          externalId: about.external_id,
          teams: [...new Set(to.map((a) => a.name).filter((n): n is string => !!n))],
          publicUrl: deps.publicUrl,
          now,
        });
      }
    }
    let composed: ReturnType<typeof composeStep>;
    try {
      composed = composeStep(step, input, about, taskUrl);
    } catch (err) {
      // A message that cannot be rendered (bad data for the template) fails visibly instead of looping.
      const code = (err as { code?: string }).code ?? '';
      if (!code.startsWith('OST_ERR_TEMPLATE') && !isOutputstraatError(err, 'OST_ERR_CONFIG')) throw err;
      await finishStep(tx, step.id, 'failed', (err as Error).message);
      deps.log.error({ corporation: c.corporation, step: step.step_id, code }, 'step failed');
      return done('failed');
    }
    if (composed.kind === 'skip') return skip(composed.reason);
    const prepared = await recordNewMessage(tx, seal, { ...composed, bundle, c, step, about, now });
    return { kind: 'send', prepared };
  });
}
