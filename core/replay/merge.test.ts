import { describe, expect, it } from 'vitest';
import { type ConfigBundle, RETENTION_DEFAULTS } from '../bundle/types.js';
import type { ReceivableInput } from '../receivable/index.js';
import { mergeReports, type ReplayRecord, replay } from './index.js';

const source = (kind: 'Flow' | 'Template' | 'Channel', name: string) => ({
  kind,
  namespace: 'outputstraat-base',
  name,
});
const template = (name: string, channel: 'email' | 'letter') => ({
  name,
  source: source('Template', name),
  spec: { channel, locales: { nl: { subject: 'Herinnering', text: 'Betaal' } } },
});

// A mail at once, a letter three days later when still unpaid, an alert to a consultant after a week.
const bundle = {
  schemaVersion: 1,
  revision: 'b1',
  corporation: {
    id: 'acme',
    displayName: 'Acme Wonen',
    base: 'outputstraat-base',
    locale: 'nl',
    timezone: 'Europe/Amsterdam',
    branding: { primaryColor: '#1f4e79' },
    contact: {},
    sender: { name: 'Acme Wonen', email: 'noreply@acme.example' },
    alerts: [{ email: 'incasso@acme.example' }],
    retention: RETENTION_DEFAULTS,
    paused: false,
  },
  apiKeyHashes: [],
  channels: {
    email: {
      name: 'email',
      source: source('Channel', 'email'),
      spec: { type: 'email', provider: 'smtp', pricePerMessage: '0.001' },
    },
    letter: {
      name: 'letter',
      source: source('Channel', 'letter'),
      spec: { type: 'letter', provider: 'sftp', pricePerMessage: '0.83' },
    },
  },
  templates: {
    'reminder-email': template('reminder-email', 'email'),
    'reminder-letter': template('reminder-letter', 'letter'),
    'consultant-alert': template('consultant-alert', 'email'),
  },
  rules: [],
  defaultRule: { classification: 'arrears', flow: 'reminder' },
  flows: {
    reminder: {
      name: 'reminder',
      source: source('Flow', 'reminder'),
      revision: 'f1',
      trigger: { kinds: ['rent'], classifications: [] },
      preconditions: [{ name: 'open', expr: 'receivable.balance > 0', reason: 'nothing is left to pay' }],
      fallback: ['email'],
      preferDebtorChoice: false,
      steps: [
        { id: 'mail', send: { channel: 'email', template: 'reminder-email' } },
        { id: 'wait', wait: { for: '3d' } },
        { id: 'letter', send: { channel: 'letter', template: 'reminder-letter' } },
        { id: 'later', wait: { for: '4d' } },
        { id: 'call', alert: { action: 'call', label: 'Bel de huurder' } },
      ],
      reactions: [],
      revisionPolicy: 'keep',
    },
  },
  sources: [],
} as unknown as ConfigBundle;

const DAY = 86_400_000;
const T0 = Date.parse('2026-03-02T08:00:00Z');

function record(i: number): ReplayRecord {
  const accepted = T0 + (i % 6) * DAY;
  const receivable = {
    externalId: `R-${i}`,
    kind: i % 9 === 4 ? undefined : 'rent',
    amount: 10_000 + i,
    dueDate: '2026-03-01',
    paymentReference: String(100 + i),
    source: 'production',
    debtor: {
      id: `D-${i}`,
      name: 'J. de Vries',
      email: 'j@example.org',
      address: { street: 'Dam', houseNumber: '1', postalCode: '1012 JS', city: 'Amsterdam' },
    },
  } as unknown as ReceivableInput;
  return {
    receivable,
    acceptedAt: new Date(accepted).toISOString(),
    until: new Date(T0 + 20 * DAY).toISOString(),
    events: i % 3 === 0 ? [{ at: new Date(accepted + (i % 5) * DAY).toISOString(), type: 'paid' }] : [],
    sent: [
      {
        at: new Date(accepted).toISOString(),
        step: 'mail',
        channel: 'email',
        channelType: 'email',
        costCents: 0.1,
      },
    ],
    alerts: i % 4 === 0 ? [{ at: new Date(accepted + 7 * DAY).toISOString(), step: 'call' }] : [],
  };
}

describe('mergeReports', () => {
  const records = Array.from({ length: 40 }, (_, i) => record(i));
  const whole = replay(bundle, records);

  it('the reports of two halves merged are the report of the whole, failures in record order', () => {
    // The records were varied enough for every part of the report to count.
    expect(whole.failed.map((f) => f.externalId)).toEqual(['R-4', 'R-13', 'R-22', 'R-31']);
    expect(whole.replayed.letters).toBeGreaterThan(0);
    expect(whole.replayed.tasks).toBeGreaterThan(0);
    expect(whole.actual.tasks).toBeGreaterThan(0);
    expect(whole.costPerChannel.map((c) => c.channel)).toEqual(['email', 'letter']);
    for (const cut of [1, 13, 20, 39]) {
      const halves = [replay(bundle, records.slice(0, cut)), replay(bundle, records.slice(cut))];
      expect(mergeReports(halves)).toEqual(whole);
    }
  });

  it('chunks of any size merge in order to the whole; nothing merged is an empty report', () => {
    const chunks = [0, 7, 8, 21, 33].map((from, i, all) => replay(bundle, records.slice(from, all[i + 1])));
    expect(mergeReports(chunks)).toEqual(whole);
    expect(mergeReports([])).toEqual(replay(bundle, []));
  });
});
