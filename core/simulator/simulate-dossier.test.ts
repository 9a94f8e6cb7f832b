// The simulator runs debtor-scope dossiers as the runtime does: later receivables of the debtor join,
// payments on one item change the total, and a hand-over is recorded with the open items.
import { describe, expect, it } from 'vitest';
import { type BundleFlow, type ConfigBundle, RETENTION_DEFAULTS } from '../bundle/types.js';
import type { ReceivableInput } from '../receivable/index.js';
import type { FlowStep } from '../resources/types.generated.js';
import { simulate } from './index.js';

const source = (kind: 'Flow' | 'Template' | 'Channel', name: string) => ({ kind, namespace: 'base', name });

const flow = (steps: FlowStep[], extra: Partial<BundleFlow> = {}): BundleFlow => ({
  name: 'arrears',
  source: source('Flow', 'arrears'),
  revision: 'f1',
  trigger: { kinds: ['rent'], classifications: [] },
  preconditions: [{ name: 'balance-open', expr: 'receivable.balance > 0', reason: 'nothing is left to pay' }],
  fallback: ['email'],
  preferDebtorChoice: true,
  steps,
  reactions: [],
  revisionPolicy: 'keep',
  ...extra,
});

const reminders: FlowStep[] = [
  { id: 'first', send: { channel: 'email', template: 'arrears-email' } },
  { id: 'wait', wait: { for: '5d' } },
  { id: 'second', send: { channel: 'email', template: 'arrears-email' } },
];

function bundleWith(f: BundleFlow): ConfigBundle {
  return {
    schemaVersion: 1,
    revision: 'b1',
    corporation: {
      id: 'acme',
      displayName: 'Acme Wonen',
      base: 'base',
      locale: 'nl',
      timezone: 'Europe/Amsterdam',
      branding: { primaryColor: '#1f4e79' },
      contact: {},
      sender: { name: 'Acme Wonen', email: 'noreply@acme.example' },
      alerts: [],
      retention: RETENTION_DEFAULTS,
      paused: false,
    },
    apiKeyHashes: [],
    channels: {
      email: { name: 'email', source: source('Channel', 'email'), spec: { type: 'email', provider: 'smtp' } },
    },
    templates: {
      'arrears-email': {
        name: 'arrears-email',
        source: source('Template', 'arrears-email'),
        spec: {
          channel: 'email',
          locales: { nl: { subject: 'Open: {{dossierTotal}}', text: '{{{dossierItems}}}' } },
        },
      },
    },
    rules: [],
    defaultRule: { classification: 'arrears', flow: f.name },
    flows: { [f.name]: f },
    sources: [],
  } as ConfigBundle;
}

const month = (externalId: string, dueDate: string, description: string): ReceivableInput => ({
  externalId,
  kind: 'rent',
  amount: 62_079,
  dueDate,
  description,
  paymentReference: '123',
  source: 'production',
  debtor: { id: 'D-1', name: 'J. de Vries', email: 'j@example.org' },
});

const START = '2026-03-02T09:00:00+01:00';

describe('simulate a debtor-scope dossier', () => {
  it('a later receivable joins, the next message states the total and the items; paying all stops', () => {
    const r = simulate({
      bundle: bundleWith(
        flow(
          [
            ...reminders,
            { id: 'wait-2', wait: { for: '5d' } },
            { id: 'third', send: { channel: 'email', template: 'arrears-email' } },
          ],
          { scope: 'debtor' },
        ),
      ),
      receivable: month('R-MRT', '2026-03-01', 'Huur maart'),
      events: [
        { at: '+1d', type: 'receivable', receivable: month('R-APR', '2026-04-01', 'Huur april') },
        { at: '+2d', type: 'receivable', receivable: month('R-MEI', '2026-05-01', 'Huur mei') },
        { at: '+3d', type: 'paid', item: 'R-MRT' },
        { at: '+6d', type: 'paid', item: 'R-APR' },
        { at: '+6d1h', type: 'paid', item: 'R-MEI' },
      ],
      start: START,
      until: '+30d',
    });
    expect(r.messages.map((m) => m.content?.subject)).toEqual(['Open: € 620,79', 'Open: € 1.241,58']);
    expect(r.messages[1]?.content?.text).toBe(
      '- Huur april (vervaldatum 1 april 2026): € 620,79\n- Huur mei (vervaldatum 1 mei 2026): € 620,79',
    );
    const texts = r.timeline.map((t) => t.text);
    expect(texts).toContain('Receivable R-APR posted (€ 620,79): it joins the dossier');
    expect(texts).toContain('Payment received: balance € 0,00 on R-MRT; dossier total € 1.241,58');
    expect(r.end).toMatchObject({ status: 'stopped', reason: 'receivable paid' });
    expect(r.items?.map((i) => [i.externalId, i.status])).toEqual([
      ['R-MRT', 'paid'],
      ['R-APR', 'paid'],
      ['R-MEI', 'paid'],
    ]);
  });

  it('a receivable of a per-receivable flow does not join; another debtor is refused', () => {
    const r = simulate({
      bundle: bundleWith(flow(reminders)),
      receivable: month('R-MRT', '2026-03-01', 'Huur maart'),
      events: [{ at: '+1d', type: 'receivable', receivable: month('R-APR', '2026-04-01', 'Huur april') }],
      start: START,
      until: '+3d',
    });
    expect(r.warnings).toEqual([
      "Receivable R-APR goes to flow 'arrears' in a case of its own; this simulation follows flow 'arrears' only",
    ]);
    const other = { ...month('R-X', '2026-04-01', 'x'), debtor: { id: 'D-2', name: 'Ander' } };
    expect(() =>
      simulate({
        bundle: bundleWith(flow(reminders, { scope: 'debtor' })),
        receivable: month('R-MRT', '2026-03-01', 'Huur maart'),
        events: [{ at: '+1d', type: 'receivable', receivable: other }],
        start: START,
        until: '+3d',
      }),
    ).toThrow(/receivable R-X is of debtor D-2; the simulation follows debtor D-1/);
  });

  it('a payment naming an item the dossier does not have is refused', () => {
    expect(() =>
      simulate({
        bundle: bundleWith(flow(reminders, { scope: 'debtor' })),
        receivable: month('R-MRT', '2026-03-01', 'Huur maart'),
        events: [{ at: '+1d', type: 'paid', item: 'R-NOPE' }],
        start: START,
        until: '+3d',
      }),
    ).toThrow(/event paid: the dossier has no item "R-NOPE"/);
  });

  it('a hand-over is recorded with the open items and their total', () => {
    const r = simulate({
      bundle: bundleWith(
        flow([
          ...reminders.slice(0, 2),
          { id: 'to-arrears', handOver: { flow: 'rent-yellow', reason: 'unpaid' } },
        ]),
      ),
      receivable: month('R-STORNO', '2026-03-01', 'Storno'),
      start: START,
      until: '+30d',
    });
    expect(r.end).toMatchObject({ status: 'stopped', reason: "handed over to flow 'rent-yellow': unpaid" });
    expect(r.handedOver).toMatchObject({ flow: 'rent-yellow', items: ['R-STORNO'], total: 62_079 });
    expect(r.timeline.map((t) => t.text)).toContain(
      "Handed over to flow 'rent-yellow': 1 open item (€ 620,79)",
    );
  });
});
