import { describe, expect, it } from 'vitest';
import { type BundleFlow, type ConfigBundle, RETENTION_DEFAULTS } from '../bundle/types.js';
import type { ReceivableInput } from '../receivable/index.js';
import type { FlowReaction, FlowStep } from '../resources/types.generated.js';
import { simulate } from './index.js';

const source = (kind: 'Flow' | 'Template' | 'Channel', name: string) => ({
  kind,
  namespace: 'outputstraat-base',
  name,
});

function flowOf(
  steps: FlowStep[],
  reactions: FlowReaction[] = [],
  extra: Partial<BundleFlow> = {},
): BundleFlow {
  return {
    name: 'reminder',
    source: source('Flow', 'reminder'),
    revision: 'f1',
    trigger: { kinds: ['rent'], classifications: [] },
    preconditions: [
      { name: 'balance-open', expr: 'receivable.balance > 0', reason: 'nothing is left to pay' },
    ],
    fallback: ['email', 'sms'],
    preferDebtorChoice: true,
    steps,
    reactions,
    revisionPolicy: 'keep',
    ...extra,
  };
}

function bundleWith(flow: BundleFlow): ConfigBundle {
  const template = (name: string, channel: 'email' | 'sms', parts: Record<string, string>) => ({
    name,
    source: source('Template', name),
    spec: { channel, locales: { nl: parts } },
  });
  return {
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
      email: { name: 'email', source: source('Channel', 'email'), spec: { type: 'email', provider: 'smtp' } },
      sms: { name: 'sms', source: source('Channel', 'sms'), spec: { type: 'sms', provider: 'twilio' } },
    },
    templates: {
      'reminder-email': template('reminder-email', 'email', {
        subject: 'Herinnering {{money receivable.balance receivable.currency}}',
        text: 'Betaal via {{paymentLink}}',
      }),
      'reminder-sms': template('reminder-sms', 'sms', {
        sms: 'Betaal {{money receivable.balance receivable.currency}}',
      }),
      'broken-email': template('broken-email', 'email', { subject: '{{money vars.missing "EUR"}}' }),
      'consultant-alert': template('consultant-alert', 'email', { subject: '{{alert.actionLabel}}' }),
    },
    rules: [],
    defaultRule: { classification: 'arrears', flow: 'reminder' },
    flows: { reminder: flow },
    sources: [],
  } as ConfigBundle;
}

const receivable: ReceivableInput = {
  externalId: 'R-1',
  kind: 'rent',
  amount: 62_079,
  dueDate: '2026-03-01',
  paymentReference: '123',
  source: 'production',
  debtor: { id: 'D-1', name: 'J. de Vries', email: 'j@example.org', phone: '+31612345678' },
};

/** A flow reaction; `then` is the CRD's field name, never awaited. */
function reaction(
  event: FlowReaction['event'],
  then: FlowReaction['then'],
  extra: Omit<FlowReaction, 'event' | 'then'> = {},
): FlowReaction {
  return { event, then, ...extra };
}

const twoReminders = () =>
  flowOf(
    [
      {
        id: 'first',
        send: { channel: 'email', template: 'reminder-email', templates: { sms: 'reminder-sms' } },
      },
      { id: 'wait', wait: { for: '3d' } },
      { id: 'second', send: { channel: 'email', template: 'reminder-email' } },
    ],
    [reaction('bounced', 'fallback', { onlyChannel: 'email' })],
  );

const START = '2026-03-02T09:00:00+01:00';

describe('simulate', () => {
  it('sends, waits and sends again on the virtual clock, rendered for the debtor', () => {
    const r = simulate({ bundle: bundleWith(twoReminders()), receivable, start: START, until: '+30d' });
    expect(r.classification).toBe('arrears');
    expect(r.decidedBy).toBe('default');
    expect(r.messages.map((m) => [m.step, m.channel, m.at])).toEqual([
      ['first', 'email', '2026-03-02T08:00:00.000Z'],
      ['second', 'email', '2026-03-05T08:00:00.000Z'],
    ]);
    expect(r.messages[0]?.content?.subject).toBe('Herinnering € 620,79');
    expect(r.messages[0]?.recipient).toBe('j@example.org');
    expect(r.end).toMatchObject({
      status: 'completed',
      reason: 'all steps done',
      at: '2026-03-05T08:00:00.000Z',
    });
    expect(
      r.timeline.some(
        (t) => t.kind === 'message' && t.text === "Email 'reminder-email' sent to the debtor via email",
      ),
    ).toBe(true);
  });

  it('a payment before the wait ends sends nothing more', () => {
    const r = simulate({
      bundle: bundleWith(twoReminders()),
      receivable,
      events: [{ at: '+1d', type: 'paid' }],
      start: START,
      until: '+30d',
    });
    expect(r.messages.map((m) => m.step)).toEqual(['first']);
    expect(r.end).toMatchObject({ status: 'stopped', reason: 'receivable paid' });
    expect(r.receivable).toEqual({ balance: 0, status: 'paid' });
    expect(r.timeline.map((t) => t.text)).toContain('Payment received: balance € 0,00');
  });

  it('a payment at the very minute a step is due wins over the step', () => {
    const r = simulate({
      bundle: bundleWith(twoReminders()),
      receivable,
      events: [{ at: '+3d', type: 'paid' }],
      start: START,
      until: '+30d',
    });
    expect(r.messages.map((m) => m.step)).toEqual(['first']);
  });

  it('a bounce names the step; the fallback goes out on the next channel at once', () => {
    const r = simulate({
      bundle: bundleWith(twoReminders()),
      receivable,
      events: [{ at: '+1h', type: 'bounced', step: 'first', channel: 'email' }],
      start: START,
      until: '+30d',
    });
    expect(r.messages.map((m) => [m.step, m.channel, m.template, m.reason])).toEqual([
      ['first', 'email', 'reminder-email', 'step'],
      ['first', 'sms', 'reminder-sms', 'fallback after bounce'],
    ]);
    expect(r.skipped).toEqual([
      expect.objectContaining({ step: 'second', reason: expect.stringContaining('email bounced before') }),
    ]);
  });

  it('an event about a message not sent yet waits for it; one that never goes out is a warning', () => {
    const held = simulate({
      bundle: bundleWith(twoReminders()),
      receivable,
      events: [{ at: '+1h', type: 'bounced', step: 'second' }],
      start: START,
      until: '+30d',
    });
    expect(held.warnings).toEqual([]);
    expect(held.state.messages.find((m) => m.stepId === 'second')?.bounced).toBe(true);

    const never = simulate({
      bundle: bundleWith(twoReminders()),
      receivable,
      events: [{ at: '+1h', type: 'opened', step: 'no-such-step' }],
      start: START,
      until: '+30d',
    });
    expect(never.warnings).toHaveLength(1);
    expect(never.warnings[0]).toContain("step 'no-such-step' sent no message");
  });

  it('holds back the sends of a turn that stops the case, like the runtime dispatcher', () => {
    const flow = flowOf([
      { id: 'mail', send: { channel: 'email', template: 'reminder-email' } },
      { id: 'end', stop: { reason: 'done here' } },
    ]);
    const r = simulate({ bundle: bundleWith(flow), receivable, start: START, until: '+1d' });
    expect(r.messages).toEqual([]);
    expect(r.skipped).toEqual([expect.objectContaining({ step: 'mail', reason: 'case is stopped' })]);
    expect(r.timeline.find((t) => t.kind === 'withheld')?.text).toBe(
      "Email 'reminder-email' not sent: case is stopped",
    );
  });

  it('a template that cannot be rendered is reported on the message, not thrown', () => {
    const flow = flowOf([{ id: 'mail', send: { channel: 'email', template: 'broken-email' } }]);
    const r = simulate({ bundle: bundleWith(flow), receivable, start: START, until: '+1d' });
    expect(r.messages[0]?.error?.code).toMatch(/^OST_ERR_TEMPLATE/);
    expect(r.timeline.find((t) => t.kind === 'error')?.text).toContain(
      "Email 'broken-email' could not be rendered",
    );
  });

  it('alerts go to the recipients for the action and keep the engine sentence', () => {
    const flow = flowOf([{ id: 'call-tenant', alert: { action: 'call' } }]);
    const r = simulate({ bundle: bundleWith(flow), receivable, start: START, until: '+1d' });
    expect(r.alerts).toEqual([
      expect.objectContaining({ step: 'call-tenant', action: 'call', recipients: ['incasso@acme.example'] }),
    ]);
    expect(r.alerts[0]?.content?.subject).toBe('Bel de huurder');
  });

  it("spreads sends over the flow's maxPerHour like the scheduler, and checks again when the slot comes", () => {
    const flow = flowOf(
      [
        { id: 'mail', send: { channel: 'email', template: 'reminder-email' } },
        { id: 'text', send: { channel: 'sms', template: 'reminder-sms' } },
      ],
      [],
      { spreadPerHour: 1 },
    );
    const spread = simulate({ bundle: bundleWith(flow), receivable, start: START, until: '+1d' });
    expect(spread.messages.map((m) => [m.step, m.at])).toEqual([
      ['mail', '2026-03-02T08:00:00.000Z'],
      ['text', '2026-03-02T09:00:00.000Z'],
    ]);
    expect(spread.timeline.find((t) => t.kind === 'queued')?.text).toBe(
      "SMS 'reminder-sms' waits for a free slot: the flow sends at most 1 per hour",
    );

    const paid = simulate({
      bundle: bundleWith(flow),
      receivable,
      events: [{ at: '+30m', type: 'paid' }],
      start: START,
      until: '+1d',
    });
    expect(paid.messages.map((m) => m.step)).toEqual(['mail']);
    expect(paid.skipped).toEqual([expect.objectContaining({ step: 'text', reason: 'receivable is paid' })]);
  });

  it('stops at until and says which step is still waiting', () => {
    const r = simulate({ bundle: bundleWith(twoReminders()), receivable, start: START, until: '+1d' });
    expect(r.end).toEqual({ status: 'active', pending: { step: 'second', at: '2026-03-05T08:00:00.000Z' } });
  });

  it('rejects a receivable the ingress would reject', () => {
    expect(() =>
      simulate({
        bundle: bundleWith(twoReminders()),
        receivable: { ...receivable, amount: -1 },
        start: START,
        until: '+1d',
      }),
    ).toThrow(/amount/);
  });
});
