import { describe, expect, it } from 'vitest';
import { API_VERSION, type Kind, type Resource, type SpecOf } from '../../core/resources/kinds.js';
import type { FlowStep } from '../../core/resources/types.generated.js';
import { compileStreet } from './compile-street.js';

function resource<K extends Kind>(kind: K, name: string, spec: SpecOf[K]): Resource<K> {
  return { apiVersion: API_VERSION, kind, metadata: { name, namespace: 'street' }, spec };
}

const street = [
  resource('Channel', 'email', { type: 'email', provider: 'smtp', smtp: { host: 'smtp.example' } }),
  resource('Template', 'reminder-email', {
    channel: 'email',
    locales: { nl: { subject: 'Herinnering', text: 'Beste {{debtor.name}}' } },
  }),
  resource('Template', 'consultant-alert', {
    channel: 'email',
    locales: { nl: { subject: 'Actie', text: '{{alert.actionLabel}}' } },
  }),
];

const send: FlowStep = { id: 'reminder', send: { channel: 'email', template: 'reminder-email' } };
const alert: FlowStep = { id: 'call', alert: { action: 'call' } };
const stop: FlowStep = { id: 'done', stop: { reason: 'enough' } };
const wait: FlowStep = { id: 'wait-a-week', wait: { for: '7d' } };

function errorsOf(steps: FlowStep[]): string[] {
  return compileStreet([...street, resource('Flow', 'flow', { steps })]).errors.map(
    (e) => `${e.location?.field}: ${e.message}`,
  );
}

describe('checkFlow: a stop in the same instant as a send or alert', () => {
  it('reports a stop right after a send: the stopped case would never deliver the message', () => {
    const errors = errorsOf([send, stop]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('spec.steps[1]: ');
    expect(errors[0]).toContain('step "done" stops the case in the same instant step "reminder" sends');
  });

  it('reports a stop right after an alert, and one a branch leads to at once', () => {
    expect(errorsOf([alert, stop])[0]).toContain('step "call" alerts');
    const branch: FlowStep = { id: 'opened', branch: { cases: [{ when: 'case.opened', goto: 'done' }] } };
    expect(errorsOf([send, branch, wait, stop])).toEqual([expect.stringContaining('spec.steps[3]: ')]);
  });

  it('accepts a wait before the stop, and a flow that ends after its last alert', () => {
    expect(errorsOf([send, wait, stop])).toEqual([]);
    expect(errorsOf([send, wait, alert])).toEqual([]);
  });
});

describe('checkFlow: handOver', () => {
  const handOver = (flow: string): FlowStep => ({ id: 'to-arrears', handOver: { flow, reason: 'unpaid' } });
  const compile = (target: SpecOf['Flow'] | undefined, flow = 'arrears') =>
    compileStreet([
      ...street,
      resource('Flow', 'flow', { steps: [send, wait, handOver(flow)] }),
      ...(target ? [resource('Flow', 'arrears', target)] : []),
    ]).errors.map((e) => `${e.location?.field}: ${e.message}`);

  it('accepts a hand-over to a debtor-scope flow', () => {
    expect(compile({ scope: 'debtor', steps: [send] })).toEqual([]);
  });

  it('refuses a flow that does not exist, runs per receivable, or is the flow itself', () => {
    expect(compile(undefined)).toEqual([expect.stringContaining('spec.steps[2].handOver.flow: ')]);
    expect(compile({ steps: [send] })[0]).toContain('flow "arrears" runs per receivable');
    expect(compile({ scope: 'debtor', steps: [send] }, 'flow')[0]).toContain('cannot hand over to itself');
  });

  it('refuses a hand-over as soon as the case starts', () => {
    const errors = compileStreet([
      ...street,
      resource('Flow', 'flow', { steps: [handOver('arrears')] }),
      resource('Flow', 'arrears', { scope: 'debtor', steps: [send] }),
    ]).errors.map((e) => `${e.location?.field}: ${e.message}`);
    expect(errors).toEqual([expect.stringContaining('spec.steps[0]: ')]);
    expect(errors[0]).toContain('hands over the case as soon as it starts');
  });

  it('reports a hand-over in the same instant as a send', () => {
    const errors = compileStreet([
      ...street,
      resource('Flow', 'flow', { steps: [send, handOver('arrears')] }),
      resource('Flow', 'arrears', { scope: 'debtor', steps: [send] }),
    ]).errors.map((e) => e.message);
    expect(errors[0]).toContain(
      'step "to-arrears" hands over the case in the same instant step "reminder" sends',
    );
  });
});

describe('checkFlow: onDeceased', () => {
  const letterStreet = [
    resource('Channel', 'letter', {
      type: 'letter',
      provider: 'sftp-print',
      sftp: { host: 'print.example', directory: '/in', hostKeySha256: 'A'.repeat(43) },
    }),
    resource('Template', 'estate-letter', {
      channel: 'letter',
      locales: { nl: { letter: { subject: 'Openstaande huur', blocks: ['Geachte erven,'] } } },
    }),
  ];
  const compile = (onDeceased: SpecOf['Flow']['onDeceased']) =>
    compileStreet([
      ...street,
      ...letterStreet,
      resource('Flow', 'flow', { steps: [send, wait], ...(onDeceased ? { onDeceased } : {}) }),
    ]).errors.map((e) => `${e.location?.field}: ${e.message}`);

  it('accepts an estate letter through a letter channel with a letter template', () => {
    expect(compile({ action: 'estateLetter', channel: 'letter', template: 'estate-letter' })).toEqual([]);
    expect(compile({ action: 'stop' })).toEqual([]);
  });

  it('names spec.onDeceased.channel for a channel that is not a letter channel or does not exist', () => {
    const email = compile({ action: 'estateLetter', channel: 'email', template: 'estate-letter' });
    expect(email).toEqual([expect.stringContaining('spec.onDeceased.channel: ')]);
    expect(email[0]).toContain('channel "email" has type email');
    expect(compile({ action: 'estateLetter', channel: 'post', template: 'estate-letter' })).toEqual([
      expect.stringMatching(/^spec\.onDeceased\.channel: .*Channel "post"/),
    ]);
  });

  it('names spec.onDeceased.template for an email template', () => {
    expect(compile({ action: 'estateLetter', channel: 'letter', template: 'reminder-email' })).toEqual([
      expect.stringMatching(/^spec\.onDeceased\.template: .*written for email, but the channel is letter/),
    ]);
  });

  it('rejects an estate letter without a channel through the CRD rule', () => {
    const errors = compile({ action: 'estateLetter', template: 'estate-letter' });
    expect(errors).toEqual([expect.stringContaining('an estate letter needs a letter channel')]);
  });
});

describe('checkFlow: collection costs only after a 14-day letter', () => {
  const notice: FlowStep = {
    id: 'notice',
    send: { channel: 'email', template: 'reminder-email', notice: 'fourteenDay' },
  };
  const costs: FlowStep = { id: 'costs', addCosts: { basis: 'statutory' } };

  it('accepts costs after the letter on every path', () => {
    expect(errorsOf([notice, wait, costs])).toEqual([]);
  });

  it('rejects costs a path reaches without the letter, naming the step and the field', () => {
    const branch: FlowStep = { id: 'opened', branch: { cases: [{ when: 'case.opened', goto: 'costs' }] } };
    const errors = compileStreet([
      ...street,
      resource('Flow', 'flow', { steps: [send, wait, branch, notice, { ...wait, id: 'term' }, costs] }),
    ]).errors;
    expect(errors).toHaveLength(1);
    expect(errors[0]?.code).toBe('OST_ERR_FLOW_COSTS_WITHOUT_NOTICE');
    expect(errors[0]?.location?.field).toBe('spec.steps[5].addCosts');
    expect(errors[0]?.message).toContain(
      'step "costs" adds collection costs, but the start of the flow reaches it without a 14-day letter',
    );
  });
});

describe('checkFlow: the reminder before an arrangement instalment', () => {
  const compile = (reminder: NonNullable<SpecOf['Flow']['arrangement']>['reminder']) =>
    compileStreet([
      ...street,
      resource('Flow', 'flow', { steps: [send], arrangement: { reminder } }),
    ]).errors.map((e) => `${e.location?.field}: ${e.message}`);

  it('accepts a template and channel of the street, and names a missing one', () => {
    expect(compile({ daysBefore: 3, template: 'reminder-email', channel: 'email' })).toEqual([]);
    expect(compile({ daysBefore: 3, template: 'no-such-template' })).toEqual([
      expect.stringContaining('spec.arrangement.reminder.template: '),
    ]);
    expect(compile({ daysBefore: 3, template: 'reminder-email', channel: 'pigeon' })).toEqual([
      expect.stringContaining('spec.arrangement.reminder.channel: '),
    ]);
  });
});
