// A guardrail on a real street (Postgres, NATS, the runtime's intake, dispatch through the Twilio stand-in,
// inbound SMS replies signed as Twilio signs them, the base street's reply rules): variant B's debtors reply
// "klopt niet" (classified `dispute`, a complaint), the sweep stops B, new dossiers no longer get it, the
// report says it was stopped by the complaint rate, and the ERP feed carries experiment.variant-stopped.
// The runtime's clock is moved so the 14-day outcome windows pass.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  armAt,
  assignmentPoint,
  type ExperimentReport,
  fixedAllocation,
} from '../../core/experiments/index.js';
import { sql } from '../../platform/db/index.js';
import { findAllocation, refreshAllocations } from '../../runtime/dossiers/index.js';
import { eventually } from '../support/street.js';
import { type ChannelStreet, messageEventually, receivable } from './channels-fixture.js';
import { type ReplyStreet, replyHelpers, startReplyStreet } from './replies-street.js';

const DAY = 86_400_000;
// Tuesday 3 March 2026, 10:00 in Amsterdam: outside the SMS quiet hours.
const T0 = Date.parse('2026-03-03T09:00:00Z');
const FIRST = 80;
const LATER = 60;
const COMPLAINING = 8;

const experiment = `apiVersion: outputstraat.io/v1alpha1
kind: Flow
metadata: { name: guard, namespace: woonstad-noord }
spec:
  trigger: { kinds: [exp-guard], classifications: [exp-guard] }
  steps:
    - id: first-sms
      send: { channel: sms, template: storno-sms }
    - id: wait-a-month
      wait: { for: 30d }
    - id: done
      stop: { reason: test flow ends }
  reactions:
    - { event: paid, then: stop }
  experiment:
    name: guard
    variants:
      - { name: a }
      - { name: b, flow: guard-b }
    holdout: '10%'
    outcome: { paidWithinDays: 14 }
    minimumSample: 500
    mode: fixed
    guardrails: { complaintRate: '1%' }
---
apiVersion: outputstraat.io/v1alpha1
kind: Flow
metadata: { name: guard-b, namespace: woonstad-noord }
spec:
  extends: { name: guard, namespace: woonstad-noord }
  patches:
    - op: replace
      step: wait-a-month
      with: [{ id: wait-25-days, wait: { for: 25d } }]
---
apiVersion: outputstraat.io/v1alpha1
kind: ClassificationRule
metadata: { name: guard, namespace: woonstad-noord }
spec:
  priority: 1
  appliesTo: { kinds: [exp-guard] }
  rules:
    - { name: guard, when: "receivable.kind == 'exp-guard'", classification: exp-guard, flow: guard }
`;

let s: ReplyStreet;
let cs: ChannelStreet;
let offset = 0;
const clock = () => new Date(Date.now() + offset);
const { api, inboundSms, post, feed } = replyHelpers({
  get cs() {
    return cs;
  },
});

beforeAll(async () => {
  offset = T0 - Date.now();
  s = await startReplyStreet({ 'guard.yaml': experiment }, { clock });
  cs = s.cs;
  await eventually(
    async () => cs.bundles.get('woonstad-noord')?.flows['guard-b'],
    10_000,
    'the experiment in the bundle',
  );
}, 120_000);
afterAll(async () => {
  await s?.stop();
});

const debtor = (prefix: string, i: number) => ({
  id: `D-GUARD-${prefix}-${i}`,
  phone: `+3161${prefix === 'F' ? '1' : '2'}${String(i).padStart(6, '0')}`,
  preferredChannel: 'sms',
});

async function arms(prefix: string) {
  return (await cs.db.any(sql.unsafe`
    SELECT r.external_id, r.debtor->>'id' AS debtor_id, r.debtor->>'phone' AS phone, c.experiment_arm AS arm
    FROM cases c JOIN receivables r ON r.id = c.receivable_id
    WHERE r.external_id LIKE ${`GUARD-${prefix}-%`} ORDER BY r.external_id`)) as unknown as {
    external_id: string;
    debtor_id: string;
    phone: string;
    arm: string | null;
  }[];
}

describe('experiment guardrails on a street', () => {
  it('complaint replies to variant B stop it: no new dossier gets B, the report says why, the feed tells the ERP', async () => {
    for (let i = 0; i < FIRST; i++)
      await post(receivable({ kind: 'exp-guard', externalId: `GUARD-F-${i}` }, debtor('F', i)));
    const first = await eventually(
      async () => {
        const rows = await arms('F');
        return rows.length === FIRST ? rows : undefined;
      },
      60_000,
      'every first case started',
    );
    const inB = first.filter((r) => r.arm === 'b');
    expect(inB.length).toBeGreaterThan(COMPLAINING);
    expect(first.filter((r) => r.arm === 'a').length).toBeGreaterThan(0);

    // Before any complaint the sweep stops nothing and tells the feed nothing.
    const bundles = () => cs.bundles.corporations().flatMap((c) => cs.bundles.get(c) ?? []);
    await refreshAllocations(cs.db, bundles(), clock());
    expect((await findAllocation(cs.db, 'woonstad-noord', 'guard'))!.stopped).toEqual([]);

    // Some of B's debtors dispute the amount in reply to their SMS; nobody in A complains.
    for (const r of inB.slice(0, COMPLAINING)) {
      await messageEventually(cs, r.external_id, (m) => m.status === 'sent', 'the SMS sent');
      expect((await inboundSms({ From: r.phone, Body: 'Dit bedrag klopt niet' })).status).toBe(200);
    }
    const complaints = Number(
      await cs.db.oneFirst(sql.unsafe`SELECT count(*) FROM replies WHERE class = 'dispute'`),
    );
    expect(complaints).toBe(COMPLAINING);

    // Fifteen days on every outcome is known; the sweep judges B's complaint rate and stops it.
    offset = T0 + 15 * DAY - Date.now();
    await refreshAllocations(cs.db, bundles(), clock());
    const stored = (await findAllocation(cs.db, 'woonstad-noord', 'guard'))!;
    expect(stored.stopped).toEqual(['b']);
    expect(stored.allocation.variants.find((v) => v.name === 'b')?.share ?? 0).toBe(0);

    const res = await api('GET', '/v1/experiments/guard/report');
    expect(res.status).toBe(200);
    const report = (await res.json()) as ExperimentReport;
    const b = report.arms.find((a) => a.arm === 'b')!;
    expect(b.n).toBe(inB.length);
    expect(b.guardrail).toMatchObject({
      stopped: true,
      reason: 'complaintRate',
      complaintRate: COMPLAINING / inB.length,
    });
    expect(report.arms.find((a) => a.arm === 'a')!.guardrail).toMatchObject({
      stopped: false,
      complaintRate: 0,
    });

    // The ERP feed: one event for the stop, also after another sweep.
    await refreshAllocations(cs.db, bundles(), clock());
    // The feed shows a transaction's events once no older one is still open: eventually.
    const told = await eventually(
      async () => {
        const events = await feed('experiment.variant-stopped');
        return events.length > 0 ? events : undefined;
      },
      10_000,
      'experiment.variant-stopped on the feed',
    );
    expect(told).toHaveLength(1);
    expect(told[0]!.externalId).toBeNull();
    expect(told[0]!.data).toEqual({
      experiment: 'guard',
      flow: 'guard',
      variant: 'b',
      reason: 'complaintRate',
      n: inB.length,
      complaints: COMPLAINING,
      optOuts: 0,
      complaintRate: COMPLAINING / inB.length,
      optOutRate: 0,
    });

    // New dossiers: none in B, though the declared split would put some of their debtors there.
    for (let i = 0; i < LATER; i++)
      await post(receivable({ kind: 'exp-guard', externalId: `GUARD-L-${i}` }, debtor('L', i)));
    const later = await eventually(
      async () => {
        const rows = await arms('L');
        return rows.length === LATER ? rows : undefined;
      },
      60_000,
      'every later case started',
    );
    const declared = fixedAllocation(0.1, [
      { name: 'a', weight: 1 },
      { name: 'b', weight: 1 },
    ]);
    const wouldBeB = later.filter(
      (r) => armAt(declared, assignmentPoint('woonstad-noord', 'guard', r.debtor_id)) === 'b',
    );
    expect(wouldBeB.length).toBeGreaterThan(0);
    expect(later.filter((r) => r.arm === 'b')).toEqual([]);
    expect(later.filter((r) => r.arm === 'a').length).toBeGreaterThan(wouldBeB.length);
  }, 240_000);
});
