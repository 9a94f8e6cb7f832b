// What a send or alert step says and to whom: its channel, its recipients and its exact content, composed
// from the bundle's template (core/messages). Pure; the caller has read the case, the receivable it is
// about and the links under the case lock. A render error (bad data for the template) is thrown.
import type { BundleChannel, ConfigBundle } from '../../core/bundle/types.js';
import { type ComposedMessage, type ComposeInput, composeMessage } from '../../core/messages/index.js';
import type { CaseRow, CaseSubject, ReceivableRow, StepRow } from '../dossiers/index.js';
import type { AlertEffect, SendEffect } from './dispatch-types.js';

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

/** The label of an alert's action in the consultant's mail and task. */
export const actionLabel = (action: string): string => ACTION_LABELS[action] ?? action;

/** The corporation's alert recipients for an action (all of them when a recipient lists no actions). */
export const alertRecipients = (bundle: ConfigBundle, action: string) =>
  bundle.corporation.alerts.filter(
    (a) => !a.actions || a.actions.length === 0 || a.actions.includes(action as never),
  );

const alertChannel = (bundle: ConfigBundle) =>
  Object.values(bundle.channels).find((ch) => ch.spec.type === 'email');

/** The channel name a step is about, for labels, before anything is rendered. */
export function channelLabel(step: StepRow, bundle: ConfigBundle): string {
  if (step.kind === 'alert') return alertChannel(bundle)?.name ?? 'email';
  return String((step.payload as { channel?: unknown }).channel ?? 'unknown');
}

/** The template a send or alert step renders. */
export const templateOf = (step: StepRow): string =>
  step.kind === 'alert'
    ? (step.payload as unknown as AlertEffect).template
    : (step.payload as unknown as SendEffect).template;

/** What a step's template renders from: the dossier's open items and total, its links and the case. */
export function composeInput(
  bundle: ConfigBundle,
  c: CaseRow,
  subject: CaseSubject,
  links: Record<string, string>,
  now: Date,
): Omit<ComposeInput, 'template'> {
  return {
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
}

export type Composition =
  | { kind: 'compose'; channel: BundleChannel; recipients: string[]; content: ComposedMessage }
  | { kind: 'skip'; reason: string };

/** The message of `step` about receivable row `about`, or why it is not sent. */
export function composeStep(
  step: StepRow,
  input: Omit<ComposeInput, 'template'>,
  about: ReceivableRow,
  /** The console task an alert opened (alert-task.ts): its mail links to it. */
  taskUrl?: string,
): Composition {
  const { bundle } = input;
  let channel: BundleChannel | undefined;
  let recipients: string[];
  let content: ComposedMessage;
  if (step.kind === 'alert') {
    const alert = step.payload as unknown as AlertEffect;
    channel = alertChannel(bundle);
    recipients = alertRecipients(bundle, alert.action).map((a) => a.email);
    if (recipients.length === 0)
      return { kind: 'skip', reason: 'the corporation has no alert recipients for this action' };
    content = composeMessage({
      ...input,
      template: alert.template,
      alert: {
        action: alert.action,
        actionLabel: actionLabel(alert.action),
        ...(alert.note ? { note: alert.note } : {}),
        ...(taskUrl ? { taskUrl } : {}),
      },
    });
  } else {
    const send = step.payload as unknown as SendEffect;
    channel = bundle.channels[send.channel];
    const to = channel ? recipientOf(channel.spec.type, about) : undefined;
    if (!to) return { kind: 'skip', reason: `debtor has no address for channel ${send.channel}` };
    recipients = [to];
    content = composeMessage({ ...input, template: send.template });
  }
  if (!channel) return { kind: 'skip', reason: 'no channel for this step in the current configuration' };
  return { kind: 'compose', channel, recipients, content };
}
