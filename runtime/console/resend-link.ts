// "Send the payment link again" (docs/console.md): an agent asks for the payment link by email or SMS for
// one of the debtor's running dossiers. The console does not send anything itself: it adds a send step to
// the dossier, due now or at the next opening of the flow's dispatch window, and the scheduler and the
// dispatcher take it like any step of the flow — so the debtor's statuses and opt-outs, the contact budget,
// the channel's quiet hours and a paid balance all apply, and the dossier's timeline says what really
// happened (sent, deferred, not sent and why). Its own sentence says only that it was queued.
import { randomUUID } from 'node:crypto';
import { nextSendMoment } from '../../core/cases/index.js';
import { dispatchLabel } from '../../core/engine/index.js';
import { validationError } from '../../core/receivable/validation-error.js';
import { type Database, sql } from '../../platform/db/index.js';
import type { BundleStore } from '../bundles/index.js';
import { appendTimeline, insertSteps, lockCase } from '../dossiers/index.js';

/** The step id of a payment link sent again; its template is `payment-link-again-<channel type>`. */
export const RESEND_STEP = 'payment-link-again';
const RESEND_CHANNELS = ['email', 'sms'] as const;

export interface ResendDeps {
  db: Database;
  bundles: BundleStore;
  now?: () => Date;
}

export async function resendPaymentLink(
  deps: ResendDeps,
  corporation: string,
  debtorRef: string,
  form: Record<string, unknown>,
): Promise<{ caseId: string; dueAt: Date }> {
  const caseId = typeof form.caseId === 'string' ? form.caseId : '';
  const channelType = typeof form.channel === 'string' ? form.channel : '';
  if (!(RESEND_CHANNELS as readonly string[]).includes(channelType)) {
    throw validationError([{ field: 'channel', message: 'must be email or sms' }]);
  }
  const c = /^[0-9a-f-]{36}$/i.test(caseId)
    ? await deps.db.maybeOne(sql.unsafe`
        SELECT c.id, c.flow FROM cases c JOIN receivables r ON r.id = c.receivable_id
        WHERE c.id = ${caseId} AND c.corporation = ${corporation} AND c.status IN ('active', 'paused')
          AND (c.debtor_ref = ${debtorRef} OR r.debtor_ref = ${debtorRef})`)
    : null;
  if (!c)
    throw validationError([{ field: 'caseId', message: "must be one of the debtor's running dossiers" }]);
  const bundle = deps.bundles.get(corporation);
  const template = `${RESEND_STEP}-${channelType}`;
  const channel = bundle && Object.values(bundle.channels).find((ch) => ch.spec.type === channelType);
  if (!bundle || !channel || !bundle.templates[template]) {
    throw validationError([
      {
        field: 'channel',
        message: `this street has no ${channelType} channel with the template ${template}`,
      },
    ]);
  }
  const now = deps.now?.() ?? new Date();
  const dueAt = nextSendMoment(bundle, c.flow as string, now);
  const messageId = randomUUID();
  await deps.db.transaction(async (tx) => {
    // Under the case lock, like every path that changes a dossier's steps.
    await lockCase(tx, c.id as string);
    await insertSteps(tx, [
      {
        case_id: c.id as string,
        corporation,
        flow: c.flow as string,
        step_id: RESEND_STEP,
        kind: 'send',
        due_at: dueAt.toISOString(),
        dedupe_key: `${c.id}:send:${messageId}`,
        payload: {
          type: 'send',
          stepId: RESEND_STEP,
          messageId,
          channel: channel.name,
          channelType,
          template,
          alsoVia: [],
          registered: false,
          reason: 'asked for in the staff console',
        },
        status: 'scheduled',
        reason: null,
      },
    ]);
    const label = dispatchLabel({ type: 'send', channelType });
    const when = dueAt > now ? ` for ${dueAt.toISOString()} (the flow's dispatch window)` : '';
    await appendTimeline(tx, c.id as string, [
      {
        at: now.toISOString(),
        stepId: RESEND_STEP,
        text: `${label} '${template}' queued${when}: asked for in the staff console`,
      },
    ]);
  });
  return { caseId: c.id as string, dueAt };
}
