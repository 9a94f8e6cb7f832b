// Words for the timeline: local times, channel types and amounts, written for a collections officer.

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** 'Mon 9 Mar 2026 09:00' in the given zone. */
export function localTime(t: Date, timeZone = 'UTC'): string {
  const parts: Record<string, string> = {};
  for (const p of formatterFor(timeZone).formatToParts(t)) parts[p.type] = p.value;
  return `${parts['weekday']} ${parts['day']} ${parts['month']} ${parts['year']} ${parts['hour']}:${parts['minute']}`;
}

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
