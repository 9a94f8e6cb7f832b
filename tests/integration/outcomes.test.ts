// Outcomes on a real street (replies-street.ts: Postgres, NATS, the Twilio-speaking server, the reply
// rules): dossiers get messages at the channels' declared prices, payments, an arrangement and replies
// through the public surface; GET /v1/outcomes (set-based SQL) must give exactly what the pure
// attribution of core/outcomes gives over the same history, and an experiment's guardrail counts a
// reply classified as a dispute as a complaint.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DossierHistory,
  dossierOutcome,
  flowTotals,
  messageOutcomes,
  stepTotals,
} from '../../core/outcomes/index.js';
import { sql } from '../../platform/db/index.js';
import { experimentCounts, reportFinalOutcomes } from '../../runtime/dossiers/index.js';
import { eventually } from '../support/street.js';
import { type ChannelStreet, messageEventually, receivable } from './channels-fixture.js';
import { debtorId, phone, type ReplyStreet, replyHelpers, startReplyStreet } from './replies-street.js';

const experiment = `apiVersion: outputstraat.io/v1alpha1
kind: Flow
metadata: { name: exp-sms, namespace: woonstad-noord }
spec:
  trigger: { kinds: [exp-sms], classifications: [exp-sms] }
  channels: { fallback: [sms] }
  steps:
    - { id: text, send: { template: storno-sms, channel: sms } }
    - { id: pause, wait: { for: 30d } }
  experiment:
    name: exp-sms
    variants:
      - { name: a }
      - { name: b, flow: exp-sms-b }
    holdout: '10%'
    outcome: { paidWithinDays: 14 }
    minimumSample: 100
    guardrails: { complaintRate: '1%' }
---
apiVersion: outputstraat.io/v1alpha1
kind: Flow
metadata: { name: exp-sms-b, namespace: woonstad-noord }
spec:
  extends: { name: exp-sms, namespace: woonstad-noord }
  patches:
    - op: replace
      step: pause
      with: [{ id: pause-b, wait: { for: 25d } }]
---
apiVersion: outputstraat.io/v1alpha1
kind: ClassificationRule
metadata: { name: exp-sms, namespace: woonstad-noord }
spec:
  priority: 5
  appliesTo: { kinds: [exp-sms] }
  rules:
    - { name: exp-sms, when: "receivable.kind == 'exp-sms'", classification: exp-sms, flow: exp-sms }
`;

let s: ReplyStreet;
let cs: ChannelStreet;
const started = new Date(Date.now() - 60_000);
const { api, inboundSms, post, feed } = replyHelpers({
  get cs() {
    return cs;
  },
});

beforeAll(async () => {
  s = await startReplyStreet({ 'exp-sms.yaml': experiment });
  cs = s.cs;
  await eventually(
    async () => cs.street.runtimes[0]!.bundles.get('woonstad-noord')?.flows['exp-sms'],
    10_000,
    'the experiment flow in the bundle',
  );
}, 120_000);
afterAll(async () => {
  await s?.stop();
});

/** A receivable whose first message has gone out on `channel`; its debtor's number. */
async function dossier(channel: 'sms' | 'email', kind = 'storno') {
  const number = phone();
  const r = receivable({ kind }, { id: debtorId(), phone: number, preferredChannel: channel });
  await post(r);
  await messageEventually(
    cs,
    r.externalId,
    (m) => m.status === 'sent' && m.channel === channel,
    `${channel} sent`,
  );
  return { externalId: r.externalId, number, amount: (r as unknown as { amount: number }).amount };
}

let paidInFull: { externalId: string; amount: number } | undefined;

async function pay(externalId: string, amount: number, id: string) {
  const res = await api('POST', `/v1/receivables/${externalId}/payments`, {
    amount,
    paymentId: id,
    paidAt: new Date().toISOString(),
  });
  expect(res.status).toBe(200);
}

async function reply(number: string, text: string, expected: number) {
  expect((await inboundSms({ From: number, Body: text })).status).toBe(200);
  await eventually(
    async () => {
      const n = Number(await cs.db.oneFirst(sql.unsafe`SELECT count(*) FROM replies`));
      return n >= expected || undefined;
    },
    10_000,
    'the reply stored',
  );
}

/** The test's oracle: each dossier's history read plainly from the tables, for the pure function. */
async function histories(): Promise<{ flow: string; history: DossierHistory }[]> {
  const cases = (await cs.db.any(sql.unsafe`
    SELECT id, flow, started_at, debtor_ref, receivable_id FROM cases
    WHERE corporation = 'woonstad-noord' AND started_at >= ${started.toISOString()}::timestamptz`)) as unknown as {
    id: string;
    flow: string;
    started_at: number;
    debtor_ref: string;
    receivable_id: string;
  }[];
  const out: { flow: string; history: DossierHistory }[] = [];
  for (const c of cases) {
    const messages = (await cs.db.any(sql.unsafe`
      SELECT m.id, m.step_id, m.channel, m.sent_at, m.cost_cents FROM messages m JOIN steps s ON s.id = m.step_row_id
      WHERE m.case_id = ${c.id} AND s.kind = 'send' AND m.sent_at IS NOT NULL`)) as unknown as {
      id: string;
      step_id: string;
      channel: string;
      sent_at: number;
      cost_cents: string | null;
    }[];
    const events = (await cs.db.any(sql.unsafe`
      SELECT type, data, at FROM events WHERE receivable_id = ${c.receivable_id}`)) as unknown as {
      type: string;
      data: Record<string, unknown>;
      at: number;
    }[];
    const replies = (await cs.db.any(sql.unsafe`
      SELECT received_at, class, message_id FROM replies WHERE debtor_ref = ${c.debtor_ref}`)) as unknown as {
      received_at: number;
      class: string;
      message_id: string | null;
    }[];
    const startedAt = new Date(c.started_at);
    out.push({
      flow: c.flow,
      history: {
        startedAt,
        messages: messages.map((m) => ({
          id: m.id,
          step: m.step_id,
          channel: m.channel,
          sentAt: new Date(m.sent_at),
          costCents: Number(m.cost_cents ?? 0),
        })),
        payments: events
          .filter((e) => e.type === 'payment.received')
          .map((e) => ({
            at: new Date((e.data.paidAt as string | undefined) ?? e.at),
            amount: Number(e.data.amount),
            balanceAfter: Number(e.data.balance),
          })),
        arrangements: events
          .filter(
            (e) =>
              e.type === 'arrangement.recorded' || (e.type === 'receivable.updated' && e.data.arrangement),
          )
          .map((e) => new Date(e.at))
          .filter((at) => at >= startedAt),
        replies: replies
          .filter((r) => new Date(r.received_at) >= startedAt)
          .map((r) => ({
            at: new Date(r.received_at),
            replyClass: r.class,
            ...(r.message_id ? { messageId: r.message_id } : {}),
          })),
      },
    });
  }
  return out;
}

describe('outcomes', () => {
  it('GET /v1/outcomes gives what the pure attribution gives over the same history; cost from the channel prices', async () => {
    // d1: SMS, paid partly, "STOP", paid the rest. d2: email, an arrangement. d3: SMS, "klopt niet".
    const d1 = await dossier('sms');
    await pay(d1.externalId, 20_000, 'p-1a');
    await reply(d1.number, 'STOP', 1);
    await pay(d1.externalId, d1.amount - 20_000, 'p-1b');
    paidInFull = d1;
    const d2 = await dossier('email');
    const patch = await api('PATCH', `/v1/receivables/${d2.externalId}`, {
      arrangement: { reference: 'AR-1' },
    });
    expect(patch.status).toBe(200);
    const d3 = await dossier('sms');
    await reply(d3.number, 'Dit bedrag klopt niet', 2);

    const res = await api('GET', `/v1/outcomes?from=${started.toISOString()}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { flows: Record<string, unknown>[]; steps: Record<string, unknown>[] };

    const h = await histories();
    const now = new Date();
    const expectedFlows = flowTotals(
      h.map(({ flow, history }) => ({ flow, outcome: dossierOutcome(history, now) })),
    );
    const expectedSteps = stepTotals(
      h.flatMap(({ flow, history }) => messageOutcomes(history).map((outcome) => ({ flow, outcome }))),
    );
    expect(body.flows.map(({ costPerEuroRecovered: _, ...f }) => f)).toEqual(expectedFlows);
    expect(body.steps.map(({ costPerEuroRecovered: _, ...f }) => f)).toEqual(expectedSteps);

    // And the known figures themselves: 3 dossiers, €620.79 recovered, 2 complaints, 1 arrangement.
    const storno = body.flows.find((f) => f.flow === 'storno');
    expect(storno).toMatchObject({
      dossiers: 3,
      final: 1,
      recovered: d1.amount,
      paidInFull: { 3: 1, 7: 1, 14: 1, 30: 1 },
      arrangements: 1,
      replies: 2,
      complaints: 2,
      costCents: 15.12,
    });
    // 15.12 cents for €620.79: 0.02 cents per euro recovered.
    expect(storno?.costPerEuroRecovered).toBe(0.02);
    const sms = body.steps.find((x) => x.flow === 'storno' && x.channel === 'sms');
    expect(sms).toMatchObject({ messages: 2, recovered: d1.amount, complaints: 2, costCents: 15 });
  }, 90_000);

  it('window parameters are checked: a 400 names the field', async () => {
    for (const [query, field] of [
      ['from=yesterday', 'from'],
      ['to=2026-13-45', 'to'],
      ['from=2026-11-02&to=2026-11-01', 'from'],
      ['from=2024-01-01&to=2026-01-01', 'from'],
      ['flow=Not_A_Flow', 'flow'],
      ['window=7', 'window'],
    ] as const) {
      const res = await api('GET', `/v1/outcomes?${query}`);
      expect(res.status, query).toBe(400);
      const body = (await res.json()) as { errors?: { field: string }[] };
      expect(JSON.stringify(body), query).toContain(`"${field}"`);
    }
  });

  it('a final outcome goes on the ERP feed once: dossier.outcome with its figures, no personal data', async () => {
    const d = paidInFull!;
    const first = await reportFinalOutcomes(cs.db, 'woonstad-noord', new Date());
    expect(first).toBeGreaterThanOrEqual(1);
    expect(await reportFinalOutcomes(cs.db, 'woonstad-noord', new Date())).toBe(0);
    // The feed shows an event once every earlier sequence number has committed: it may take a moment.
    const events = await eventually(
      async () => {
        const found = (await feed('dossier.outcome')).filter((e) => e.externalId === d.externalId);
        return found.length > 0 ? found : undefined;
      },
      10_000,
      'the dossier.outcome event on the feed',
    );
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toEqual({
      flow: 'storno',
      paidInFullWithin: { 3: true, 7: true, 14: true, 30: true },
      paidPartlyWithin: { 3: false, 7: false, 14: false, 30: false },
      recovered: d.amount,
      arrangement: false,
      replied: true,
      complaint: true,
      costCents: 7.5,
      messages: 1,
    });
    // The unpaid dossiers of this test are younger than 30 days: not final, not on the feed.
    const all = await feed('dossier.outcome');
    expect(all.every((e) => (e.data.paidInFullWithin as Record<string, boolean>)['30'])).toBe(true);
  });

  it("an experiment's guardrail counts a reply classified as a dispute as a complaint", async () => {
    const d = await dossier('sms', 'exp-sms');
    await reply(d.number, 'Dit bedrag klopt niet', 3);
    await pay(d.externalId, d.amount, 'p-exp');
    const bundle = cs.street.runtimes[0]!.bundles.get('woonstad-noord')!;
    const counts = await experimentCounts(
      cs.db,
      'woonstad-noord',
      bundle.flows['exp-sms']!.experiment!,
      new Date(),
    );
    const arms = Object.values(counts);
    expect(arms).toHaveLength(1);
    expect(arms[0]).toEqual({ n: 1, successes: 1, complaints: 1, optOuts: 0 });
  }, 60_000);
});
