// Machine opens and clicks on a real street: a link scanner, a HEAD or a prefetch on a tracked link is
// kept in the message's history as `clicked.machine` and fires none of the flow's reactions; the same
// link clicked by a person does. The rules themselves are unit-tested in core/tracking.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../platform/db/index.js';
import { decodeQuotedPrintable } from '../support/mail.js';
import { eventually } from '../support/street.js';
import {
  type ChannelStreet,
  historyOf,
  messageEventually,
  receivable,
  startChannelStreet,
} from './channels-fixture.js';

// A flow whose clicked reaction sends a second email at once: a reaction that fired is a mail in the sink.
const clickFlow = `apiVersion: outputstraat.io/v1alpha1
kind: ClassificationRule
metadata: { name: click-tests, namespace: outputstraat-base }
spec:
  priority: 6
  appliesTo: { kinds: [test-click] }
  rules:
    - { name: test-click, when: "receivable.kind == 'test-click'", classification: test-click, flow: test-click }
---
apiVersion: outputstraat.io/v1alpha1
kind: Flow
metadata: { name: test-click, namespace: outputstraat-base }
spec:
  trigger: { kinds: [test-click], classifications: [test-click] }
  channels: { fallback: [email] }
  steps:
    - id: first-mail
      send: { channel: email, template: storno-email }
    - id: wait-a-month
      wait: { for: 30d }
    - id: done
      stop: { reason: test flow ends }
  reactions:
    - event: clicked
      then: send
      channel: email
      template: storno-reminder-email
`;

const SCANNER = 'Mozilla/5.0 (compatible; Barracuda Sentinel (EE))';
const BROWSER =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

describe('machine opens and clicks', () => {
  let cs: ChannelStreet;
  beforeAll(async () => {
    cs = await startChannelStreet({ 'click-tests.yaml': clickFlow });
  });
  afterAll(async () => {
    await cs?.stop();
  });

  const mailsTo = (address: string) => cs.street.smtp.messages.filter((m) => m.to.includes(address));
  const caseState = async (externalId: string) =>
    (await cs.db.oneFirst(sql.unsafe`
      SELECT c.state FROM cases c JOIN receivables r ON r.id = c.receivable_id
      WHERE r.external_id = ${externalId}`)) as { messages: { clicked?: boolean; opened?: boolean }[] };
  const feedTypes = async (externalId: string) =>
    (await cs.db.anyFirst(sql.unsafe`
      SELECT e.type FROM events e JOIN receivables r ON r.id = e.receivable_id
      WHERE r.external_id = ${externalId} ORDER BY e.seq`)) as string[];

  it('a scanner click 2 s after delivery, a HEAD and a prefetch fire nothing; a person clicking the same link does', async () => {
    const address = 'scanned@example.org';
    const r = receivable({ kind: 'test-click' }, { email: address });
    expect((await cs.street.post('/v1/receivables', r)).status).toBe(202);
    const mail = await eventually(async () => mailsTo(address)[0], 10_000, 'the first mail');
    const sent = await messageEventually(cs, r.externalId, (m) => m.status === 'sent', 'sent');
    const sentAt = (await cs.db.oneFirst(
      sql.unsafe`SELECT sent_at FROM messages WHERE id = ${sent.id}`,
    )) as Date;
    const link = /href="https:\/\/[^/]+(\/t\/c\/[^"]+)"/.exec(decodeQuotedPrintable(mail.raw))![1]!;
    const pixel = /<img src="https:\/\/[^/]+(\/t\/o\/[^"]+)"/.exec(decodeQuotedPrintable(mail.raw))![1]!;

    // Two seconds after delivery, as a scanner would, then a HEAD and a browser prefetch of the link.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, sentAt.getTime() + 2000 - Date.now())));
    const scanned = await fetch(`${cs.runtimeUrl}${link}`, {
      redirect: 'manual',
      headers: { 'user-agent': SCANNER },
    });
    expect(scanned.status).toBe(302); // the scanner still sees the real target: nothing to flag
    const head = await fetch(`${cs.runtimeUrl}${link}`, { method: 'HEAD', redirect: 'manual' });
    expect(head.status).toBe(302);
    const prefetch = await fetch(`${cs.runtimeUrl}${link}`, {
      redirect: 'manual',
      headers: { 'user-agent': BROWSER, 'sec-purpose': 'prefetch' },
    });
    expect(prefetch.status).toBe(302);
    // Apple Mail Privacy Protection loads the pixel on delivery with a bare user agent.
    expect(
      (await fetch(`${cs.runtimeUrl}${pixel}`, { headers: { 'user-agent': 'Mozilla/5.0' } })).status,
    ).toBe(200);

    const history = await historyOf(cs, sent.id);
    const machine = history.filter((h) => h.status.endsWith('.machine'));
    expect(machine.map((h) => [h.status, (h.detail as { rule: string }).rule])).toEqual([
      ['clicked.machine', 'barracuda'],
      ['clicked.machine', 'method-head'],
      ['clicked.machine', 'prefetch'],
      ['opened.machine', 'apple-mail-privacy-protection'],
    ]);
    expect(history.map((h) => h.status)).not.toContain('clicked');
    expect(history.map((h) => h.status)).not.toContain('opened');
    expect(await feedTypes(r.externalId)).not.toContain('message.clicked');
    expect((await caseState(r.externalId)).messages[0]).not.toMatchObject({ clicked: true });
    // The reaction's mail would go out within a second of a person's click; give it three.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(mailsTo(address)).toHaveLength(1);

    // A person in a browser clicks the same link: the clicked reaction sends the second mail.
    const human = await fetch(`${cs.runtimeUrl}${link}`, {
      redirect: 'manual',
      headers: { 'user-agent': BROWSER },
    });
    expect(human.status).toBe(302);
    await eventually(async () => mailsTo(address)[1], 10_000, 'the mail the clicked reaction sends');
    expect((await historyOf(cs, sent.id)).map((h) => h.status)).toContain('clicked');
    expect(await feedTypes(r.externalId)).toContain('message.clicked');
    expect((await caseState(r.externalId)).messages[0]).toMatchObject({ clicked: true });
  });
});
