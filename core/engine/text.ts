// Words for the timeline: local times, channel types and amounts, written for a collections officer.
import { localTime as formatLocalTime } from '../calendar/local-time.js';

/** 'Mon 9 Mar 2026 09:00' in the given zone. */
export const localTime = (t: Date, timeZone = 'UTC'): string => formatLocalTime(t, timeZone, 'en');

const TYPE_LABEL: Record<string, string> = {
  email: 'Email',
  sms: 'SMS',
  letter: 'Letter',
  voice: 'Voice message',
  webhook: 'Webhook message',
};

/** 'Email', 'SMS', 'Letter' … for a channel type; 'Message' when unknown. */
export function messageLabel(channelType: string | undefined): string {
  return (channelType && TYPE_LABEL[channelType]) ?? 'Message';
}

/** 12.34 for 1234 minor units. */
export function amount(minor: number): string {
  return (minor / 100).toFixed(2);
}

const ACTION_LABEL: Record<string, string> = {
  call: 'call the debtor',
  'home-visit': 'visit the debtor at home',
  'bailiff-referral': 'refer to the bailiff',
  review: 'review the case',
};

export function actionLabel(action: string): string {
  return ACTION_LABEL[action] ?? action;
}

// What happened to a send or alert, in the same words wherever it is told: the engine when it asks for
// one, the runtime's dispatcher and the simulator when it went out, waits or was held back. Only a
// message that really went out is ever called "sent".

/** 'Email', 'SMS' … for a send; 'Alert' for an alert to consultants. */
export function dispatchLabel(
  e: { type: 'send'; channelType?: string | undefined } | { type: 'alert' },
): string {
  return e.type === 'alert' ? 'Alert' : messageLabel(e.channelType);
}

export interface SendWords {
  channelType?: string | undefined;
  template: string;
  channel: string;
  alsoVia?: readonly string[];
  /** 'step', or why else it was sent: 'fallback after bounce' … */
  reason?: string;
  /** Addressed to the estate of the deceased debtor (Flow spec.onDeceased), not to the debtor. */
  estate?: boolean;
}

function via(w: SendWords): string {
  const also = w.alsoVia && w.alsoVia.length > 0 ? ` and ${w.alsoVia.join(', ')}` : '';
  const why = w.reason === undefined || w.reason === 'step' ? '' : ` (${w.reason})`;
  return `via ${w.channel}${also}${why}`;
}

/** The engine asked for a message; it has not gone out yet. */
export function sendScheduledText(w: SendWords): string {
  return `${messageLabel(w.channelType)} '${w.template}' scheduled for sending ${via(w)}`;
}

/** The message was handed to the provider. */
export function sentText(w: SendWords): string {
  const to = w.estate ? 'the estate of the debtor' : 'the debtor';
  return `${messageLabel(w.channelType)} '${w.template}' sent to ${to} ${via(w)}`;
}

/** The engine asked for an alert to the consultants; it has not gone out yet. */
export function alertScheduledText(action: string, after?: string): string {
  return `Consultant alert scheduled${after ? ` after ${after}` : ''}: ${actionLabel(action)}`;
}

export function alertSentText(template: string, action: string, recipients: readonly string[]): string {
  return `Alert '${template}' (${action}) emailed to ${recipients.join(', ')}`;
}

/** A send or alert that did not go out, and why ('case is stopped', 'cancelled: receivable paid' …). */
export function notSentText(label: string, template: string, reason: string): string {
  return `${label} '${template}' not sent: ${reason}`;
}

/** A send that waits for the end of its channel's quiet hours: 'waits until 08:00' (local time). */
export function quietHoursText(
  label: string,
  template: string,
  until: Date,
  timeZone: string,
  channel: string,
): string {
  const local = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit' }).format(
    until,
  );
  return `${label} '${template}' waits until ${local}: quiet hours of channel ${channel}`;
}
