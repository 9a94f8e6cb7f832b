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
