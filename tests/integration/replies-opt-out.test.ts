// "STOP" by SMS and what it does to the tenant's next SMS step: the reply records the opt-out on the debtor
// (runtime/replies), and when the flow's next SMS step comes due the engine sees the opt-out and sends on
// the flow's next channel (email at the SMTP sink) — no second SMS. Real Twilio-speaking server, Postgres,
// NATS and SMTP (replies-street.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../platform/db/index.js';
import { eventually } from '../support/street.js';
import { messageEventually, messagesOf, receivable } from './channels-fixture.js';
import { debtorId, phone, type ReplyStreet, replyHelpers, startReplyStreet } from './replies-street.js';

// Two SMS-first sends a month apart; email is the next channel.
const FLOW = `apiVersion: outputstraat.io/v1alpha1
kind: ClassificationRule
metadata: { name: opt-out-tests, namespace: outputstraat-base }
spec:
  priority: 5
  appliesTo: { kinds: [test-opt-out] }
  rules:
    - { name: test-opt-out, when: "receivable.kind == 'test-opt-out'", classification: test-opt-out, flow: test-opt-out }
---
apiVersion: outputstraat.io/v1alpha1
kind: Flow
metadata: { name: test-opt-out, namespace: outputstraat-base }
spec:
  trigger: { kinds: [test-opt-out], classifications: [test-opt-out] }
  channels: { fallback: [sms, email] }
  steps:
    - id: first
      send: { templates: { email: storno-email, sms: storno-sms } }
    - id: wait-a-month
      wait: { for: 30d }
    - id: second
      send: { templates: { email: storno-email, sms: storno-sms } }
    - id: wait-again
      wait: { for: 30d }
    - id: done
      stop: { reason: test flow ends }
`;

let s: ReplyStreet;
const { inboundSms, post } = replyHelpers({
  get cs() {
    return s.cs;
  },
});

beforeAll(async () => {
  s = await startReplyStreet({ 'opt-out-flow.yaml': FLOW });
  await eventually(
    async () => s.cs.bundles.get('woonstad-noord')?.flows['test-opt-out'],
    10_000,
    'the test flow in the bundle',
  );
});
afterAll(async () => {
  await s?.stop();
});

describe('SMS opt-out by reply', () => {
  it('"STOP" makes the next SMS step go out on the next channel, and no SMS is sent', async () => {
    const cs = s.cs;
    const id = debtorId();
    const number = phone();
    const email = `${id.toLowerCase()}@example.org`;
    const r = receivable({ kind: 'test-opt-out' }, { id, phone: number, email, preferredChannel: 'sms' });
    await post(r);
    const first = await messageEventually(cs, r.externalId, (m) => m.status === 'sent', 'first SMS sent');
    expect(first.channel_type).toBe('sms');
    const smsTo = () => cs.twilio.requests.filter((q) => q.kind === 'message' && q.params.To === number);
    expect(smsTo()).toHaveLength(1);

    expect((await inboundSms({ From: number, Body: 'STOP' })).status).toBe(200);
    expect(
      await cs.db.oneFirst(sql.unsafe`
        SELECT opt_outs FROM debtors WHERE corporation = 'woonstad-noord' AND debtor_id = ${id}`),
    ).toEqual(['sms']);

    // The month's wait is over: the second step comes due.
    const caseId = await cs.db.oneFirst(sql.unsafe`
      SELECT c.id FROM cases c JOIN receivables r ON r.id = c.receivable_id WHERE r.external_id = ${r.externalId}`);
    await eventually(
      async () =>
        (
          await cs.db.query(sql.unsafe`
            UPDATE steps SET due_at = now() WHERE case_id = ${caseId} AND status = 'scheduled' AND kind = 'due'`)
        ).rowCount > 0 || undefined,
      10_000,
      'the wait scheduled',
    );
    const second = await messageEventually(
      cs,
      r.externalId,
      (m) => m.id !== first.id && m.status === 'sent',
      'second message sent',
    );
    expect(second).toMatchObject({ channel_type: 'email', recipient: email });
    await eventually(
      async () => cs.street.smtp.messages.some((m) => m.to.includes(email)) || undefined,
      10_000,
      'the mail at the SMTP sink',
    );
    expect((await messagesOf(cs, r.externalId)).map((m) => m.channel_type)).toEqual(['sms', 'email']);
    expect(smsTo()).toHaveLength(1);
  });
});
