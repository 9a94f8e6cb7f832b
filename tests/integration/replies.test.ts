// Debtors' replies through the real pieces: the Twilio inbound webhook signed by the official twilio SDK,
// a real reply mail sent with nodemailer to the runtime's reply SMTP endpoint, the reply rules of the
// base street, PostgreSQL, NATS and the ERP API. A second corporation ("reply-zuid") with its own Twilio
// Messaging Service shows that a reply reaches only the corporation that owns the number.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import nodemailer from 'nodemailer';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../platform/db/index.js';
import { eventually } from '../support/street.js';
import {
  type ChannelStreet,
  MESSAGING_SERVICE,
  messageEventually,
  receivable,
  startChannelStreet,
} from './channels-fixture.js';

const REPLY_DOMAIN = 'replies.street.test';
const MAX_BYTES = 64 * 1024;
const ZUID = { id: 'reply-zuid', key: 'reply-zuid-erp-key', service: `MG${'7'.repeat(32)}` };
const ZUID_TOKEN = randomBytes(16).toString('hex');

const zuid = `apiVersion: outputstraat.io/v1alpha1
kind: Corporation
metadata: { name: ${ZUID.id}, namespace: ${ZUID.id} }
spec:
  displayName: Reply Zuid
  base: outputstraat-base
  senderDomains: [reply-zuid.example]
  sender: { email: noreply@reply-zuid.example }
  ingress: { apiKeySecretRef: { name: erp-api-key } }
---
apiVersion: v1
kind: Secret
metadata: { name: erp-api-key, namespace: ${ZUID.id} }
type: Opaque
stringData: { api-key: ${ZUID.key} }
---
apiVersion: outputstraat.io/v1alpha1
kind: Channel
metadata: { name: sms, namespace: ${ZUID.id} }
spec:
  type: sms
  provider: twilio
  credentialsSecretRef: { name: twilio-credentials }
  twilio: { messagingServiceSid: ${ZUID.service} }
`;

const env: Record<string, string> = {
  OST_REPLY_DOMAIN: REPLY_DOMAIN,
  OST_REPLY_SMTP_HOST: '127.0.0.1',
  OST_REPLY_SMTP_MAX_BYTES: String(MAX_BYTES),
  OST_REPLY_SMTP_SOCKET_TIMEOUT_MS: '5000',
  OST_SECRET_REPLY_ZUID__TWILIO_CREDENTIALS__accountSid: `AC${'1'.repeat(32)}`,
  OST_SECRET_REPLY_ZUID__TWILIO_CREDENTIALS__authToken: ZUID_TOKEN,
};

let cs: ChannelStreet;
let replyPort: number;

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

beforeAll(async () => {
  replyPort = await freePort();
  Object.assign(process.env, env, { OST_REPLY_SMTP_PORT: String(replyPort) });
  cs = await startChannelStreet({
    'replies.yaml': readFileSync('flows/classification/replies.yaml', 'utf8'),
    'zuid.yaml': zuid,
  });
  await eventually(async () => cs.street.runtimes[0]!.bundles.get(ZUID.id), 10_000, 'the second corporation');
  await eventually(
    async () => cs.street.runtimes[0]!.bundles.get('woonstad-noord')?.replies?.rules.length || undefined,
    10_000,
    'the reply rules in the bundle',
  );
});

afterAll(async () => {
  await cs?.stop();
  for (const key of [...Object.keys(env), 'OST_REPLY_SMTP_PORT']) delete process.env[key];
});

const api = (method: string, path: string, body?: unknown, key = 'demo-woonstad-noord-key') =>
  fetch(`${cs.runtimeUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

const INBOUND = '/v1/providers/twilio/inbound';

/** An inbound SMS as Twilio posts it, signed with the official SDK for the given auth token. */
async function inboundSms(
  fields: { From: string; Body: string; MessageSid?: string; MessagingServiceSid?: string; To?: string },
  authToken = cs.twilio.authToken,
): Promise<Response> {
  const params: Record<string, string> = {
    AccountSid: cs.twilio.accountSid,
    MessageSid: `SM${randomBytes(16).toString('hex')}`,
    MessagingServiceSid: MESSAGING_SERVICE,
    To: '+3197010203040',
    NumMedia: '0',
    ...fields,
  };
  const signature = twilio.getExpectedTwilioSignature(authToken, `${cs.publicUrl}${INBOUND}`, params);
  return fetch(`${cs.runtimeUrl}${INBOUND}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    body: new URLSearchParams(params).toString(),
  });
}

const debtorId = () => `D-REPLY-${randomBytes(4).toString('hex')}`;
const phone = () => `+316${String(10_000_000 + Math.floor(Math.random() * 89_999_999))}`;

async function post(r: { externalId: string }, key = 'demo-woonstad-noord-key') {
  expect((await api('POST', '/v1/receivables', r, key)).status).toBe(202);
}

const replyCount = async () => Number(await cs.db.oneFirst(sql.unsafe`SELECT count(*) FROM replies`));

async function feed(
  types: string,
): Promise<{ type: string; externalId: string | null; data: Record<string, unknown> }[]> {
  const res = await api('GET', `/v1/events?type=${types}&limit=1000`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { events: never[] }).events;
}

describe('SMS replies', () => {
  it('"Ik heb al betaald" pauses every running dossier of the tenant and opens a task; the feed shows it', async () => {
    const id = debtorId();
    const number = phone();
    const first = receivable({}, { id, phone: number, preferredChannel: 'sms' });
    const second = receivable({}, { id, phone: number, preferredChannel: 'email' });
    await post(first);
    await post(second);
    const sms = await messageEventually(cs, first.externalId, (m) => m.status === 'sent', 'SMS sent');
    await messageEventually(cs, second.externalId, (m) => m.status === 'sent', 'mail sent');

    const res = await inboundSms({ From: number, Body: 'Ik heb al betaald' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/xml; charset=utf-8');
    expect(await res.text()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response></Response>');

    const reply = await cs.db.one(sql.unsafe`
      SELECT p.*, d.debtor_id FROM replies p JOIN debtors d ON d.id = p.debtor_ref WHERE p.message_id = ${sms.id}`);
    expect(reply).toMatchObject({
      corporation: 'woonstad-noord',
      debtor_id: id,
      channel: 'sms',
      sender: number,
      text: 'Ik heb al betaald',
      class: 'already-paid',
      action: 'pause-and-task',
      decided_by: 'replies/already-paid',
    });
    const states = await eventually(
      async () => {
        const rows = await cs.db.any(sql.unsafe`
        SELECT r.external_id, r.status, c.status AS case_status FROM receivables r JOIN cases c ON c.receivable_id = r.id
        WHERE r.external_id IN (${first.externalId}, ${second.externalId}) ORDER BY r.external_id`);
        return rows.every((r) => r.case_status === 'paused') ? rows : undefined;
      },
      10_000,
      'both dossiers paused',
    );
    expect(states.map((s) => s.status)).toEqual(['paused', 'paused']);

    const tasks = (await (await api('GET', '/v1/tasks?status=open')).json()) as {
      tasks: { id: string; kind: string; debtorId: string; replyId: string; title: string }[];
    };
    const task = tasks.tasks.find((t) => t.replyId === reply.id);
    expect(task).toMatchObject({
      kind: 'reply',
      debtorId: id,
      title: 'SMS reply "already-paid": check before collecting further',
    });

    const events = await eventually(
      async () => {
        const e = (await feed('reply.received,task.created')).filter((x) => x.data.reply === reply.id);
        return e.length === 2 ? e : undefined;
      },
      10_000,
      'reply.received and task.created on the feed',
    );
    expect(events.map((e) => e.type)).toEqual(['reply.received', 'task.created']);
    expect(events[0]).toMatchObject({
      externalId: first.externalId,
      data: { channel: 'sms', classification: 'already-paid', action: 'pause-and-task', messageId: sms.id },
    });
    expect(JSON.stringify(events)).not.toContain('betaald');
    expect(events[1]!.data).toMatchObject({ task: task!.id, kind: 'reply', status: 'open' });

    // The dossier the SMS belonged to says so in its timeline, next to the pause.
    const view = (await (await api('GET', `/v1/receivables/${first.externalId}`)).json()) as {
      cases: { timeline: { text: string }[] }[];
    };
    const sentences = view.cases.flatMap((c) => c.timeline.map((t) => t.text));
    expect(sentences).toContain('SMS reply received: already-paid (replies/already-paid)');
    expect(sentences).toContain('a task was opened for a consultant');
    expect(sentences.join('\n')).not.toContain('Ik heb al betaald');

    const replies = (await (await api('GET', `/v1/debtors/${id}/replies`)).json()) as { replies: unknown[] };
    expect(replies.replies).toEqual([
      expect.objectContaining({
        id: reply.id,
        channel: 'sms',
        from: number,
        text: 'Ik heb al betaald',
        class: 'already-paid',
        externalId: first.externalId,
      }),
    ]);
    const metrics = await (await fetch(`${cs.metricsUrl}/metrics`)).text();
    expect(metrics).toMatch(
      /outputstraat_replies_total\{corporation="woonstad-noord",class="already-paid"\} [1-9]/,
    );

    // Twilio retries a webhook it got no answer to: the same MessageSid is one reply.
    const before = await replyCount();
    const sid = `SM${randomBytes(16).toString('hex')}`;
    expect((await inboundSms({ From: number, Body: 'nog iets', MessageSid: sid })).status).toBe(200);
    expect((await inboundSms({ From: number, Body: 'nog iets', MessageSid: sid })).status).toBe(200);
    expect(await replyCount()).toBe(before + 1);
  });

  it('"STOP" records an SMS opt-out on the debtor and an event; nothing is paused', async () => {
    const id = debtorId();
    const number = phone();
    const r = receivable({}, { id, phone: number, preferredChannel: 'sms' });
    await post(r);
    await messageEventually(cs, r.externalId, (m) => m.status === 'sent', 'SMS sent');
    expect((await inboundSms({ From: number, Body: 'STOP' })).status).toBe(200);
    const debtor = await cs.db.one(sql.unsafe`
      SELECT opt_outs FROM debtors WHERE corporation = 'woonstad-noord' AND debtor_id = ${id}`);
    expect(debtor.opt_outs).toEqual(['sms']);
    expect((await inboundSms({ From: number, Body: 'stop' })).status).toBe(200);
    expect(
      (
        await cs.db.one(
          sql.unsafe`SELECT opt_outs FROM debtors WHERE corporation = 'woonstad-noord' AND debtor_id = ${id}`,
        )
      ).opt_outs,
    ).toEqual(['sms']);
    const optOuts = await eventually(
      async () => {
        const e = (await feed('debtor.opted-out')).filter((x) => x.externalId === r.externalId);
        return e.length > 0 ? e : undefined;
      },
      10_000,
      'debtor.opted-out on the feed',
    );
    expect(optOuts).toHaveLength(1);
    expect(optOuts[0]!.data).toMatchObject({ channel: 'sms' });
    expect(
      await cs.db.oneFirst(sql.unsafe`SELECT status FROM receivables WHERE external_id = ${r.externalId}`),
    ).toBe('open');
    expect(
      await cs.db.oneFirst(sql.unsafe`
        SELECT count(*)::int FROM tasks t JOIN debtors d ON d.id = t.debtor_ref WHERE d.debtor_id = ${id}`),
    ).toBe(0);

    // Erasing the debtor erases what the replies hold of them: the number and the text.
    expect((await api('PATCH', `/v1/receivables/${r.externalId}`, { status: 'cancelled' })).status).toBe(200);
    expect((await api('DELETE', `/v1/debtors/${id}`)).status).toBe(200);
    const erased = await cs.db.any(sql.unsafe`
      SELECT p.sender, p.text, p.class, p.erased_at FROM replies p JOIN messages m ON m.id = p.message_id
      JOIN receivables r ON r.id = m.receivable_id WHERE r.external_id = ${r.externalId}`);
    expect(erased).toHaveLength(2);
    for (const row of erased) {
      expect(row).toMatchObject({ sender: null, text: null, class: 'stop' });
      expect(row.erased_at).not.toBeNull();
    }
    expect((await api('GET', `/v1/debtors/${id}/replies`)).status).toBe(404);
  });

  it('a forged or foreign signature, or a number the corporation does not own, gets 403 and stores nothing', async () => {
    const id = debtorId();
    const number = phone();
    const r = receivable({}, { id, phone: number, preferredChannel: 'sms' });
    await post(r);
    await messageEventually(cs, r.externalId, (m) => m.status === 'sent', 'SMS sent');
    const before = await replyCount();
    const refused = [
      await inboundSms({ From: number, Body: 'Ik heb al betaald' }, 'someone-elses-token'),
      // Woonstad Noord's token, but a Messaging Service that is not Woonstad Noord's.
      await inboundSms({ From: number, Body: 'STOP', MessagingServiceSid: `MG${'9'.repeat(32)}` }),
      // Reply Zuid's token for Woonstad Noord's Messaging Service.
      await inboundSms({ From: number, Body: 'STOP' }, ZUID_TOKEN),
      await fetch(`${cs.runtimeUrl}${INBOUND}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          From: number,
          Body: 'STOP',
          MessagingServiceSid: MESSAGING_SERVICE,
        }).toString(),
      }),
    ];
    for (const res of refused) {
      expect(res.status).toBe(403);
      expect(((await res.json()) as { code: string }).code).toBe('OST_ERR_PROVIDER_SIGNATURE');
    }
    // Signed, but the body was changed on the way: the signature covers every parameter.
    const params = {
      AccountSid: cs.twilio.accountSid,
      From: number,
      Body: 'Hallo',
      MessagingServiceSid: MESSAGING_SERVICE,
      MessageSid: `SM${randomBytes(16).toString('hex')}`,
    };
    const signature = twilio.getExpectedTwilioSignature(
      cs.twilio.authToken,
      `${cs.publicUrl}${INBOUND}`,
      params,
    );
    const tampered = await fetch(`${cs.runtimeUrl}${INBOUND}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
      body: new URLSearchParams({ ...params, Body: 'STOP' }).toString(),
    });
    expect(tampered.status).toBe(403);
    expect(await replyCount()).toBe(before);
    expect(
      (
        await cs.db.one(
          sql.unsafe`SELECT opt_outs FROM debtors WHERE corporation = 'woonstad-noord' AND debtor_id = ${id}`,
        )
      ).opt_outs,
    ).toEqual([]);

    // Hostile fields under a valid signature: 400 naming the field, nothing stored.
    const bad = await inboundSms({ From: 'not-a-number', Body: 'STOP' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('From');
    expect(await replyCount()).toBe(before);
  });

  it("a reply to another corporation's number stays with that corporation and touches no debtor of this one", async () => {
    const id = debtorId();
    const number = phone();
    const r = receivable({}, { id, phone: number, preferredChannel: 'sms' });
    await post(r);
    await messageEventually(cs, r.externalId, (m) => m.status === 'sent', 'SMS sent');
    const res = await inboundSms(
      { From: number, Body: 'Ik heb al betaald', MessagingServiceSid: ZUID.service },
      ZUID_TOKEN,
    );
    expect(res.status).toBe(200);
    const stored = await cs.db.one(sql.unsafe`SELECT * FROM replies WHERE sender = ${number}`);
    expect(stored).toMatchObject({
      corporation: ZUID.id,
      debtor_ref: null,
      message_id: null,
      class: 'already-paid',
    });
    expect(
      await cs.db.oneFirst(sql.unsafe`SELECT status FROM receivables WHERE external_id = ${r.externalId}`),
    ).toBe('open');
    // Woonstad Noord sees neither the reply nor its task; Reply Zuid cannot read Woonstad Noord's debtor.
    const mine = (await (await api('GET', `/v1/debtors/${id}/replies`)).json()) as { replies: unknown[] };
    expect(mine.replies).toEqual([]);
    expect((await api('GET', `/v1/debtors/${id}/replies`, undefined, ZUID.key)).status).toBe(404);
    const zuidTasks = (await (await api('GET', '/v1/tasks', undefined, ZUID.key)).json()) as {
      tasks: { id: string; replyId: string }[];
    };
    const task = zuidTasks.tasks.find((t) => t.replyId === stored.id);
    expect(task).toBeDefined();
    const woonstadTasks = (await (await api('GET', '/v1/tasks')).json()) as { tasks: { id: string }[] };
    expect(woonstadTasks.tasks.some((t) => t.id === task!.id)).toBe(false);
    // Another corporation's task is 404 to change, and stays as it was.
    const foreign = await api('PATCH', `/v1/tasks/${task!.id}`, { status: 'done' });
    expect(foreign.status).toBe(404);
    expect(await cs.db.oneFirst(sql.unsafe`SELECT status FROM tasks WHERE id = ${task!.id}`)).toBe('open');
  });
});

describe('tasks', () => {
  it('are assigned, snoozed and closed through PATCH /v1/tasks/{id}; closing puts task.closed on the feed', async () => {
    const id = debtorId();
    const number = phone();
    const r = receivable({}, { id, phone: number, preferredChannel: 'sms' });
    await post(r);
    await messageEventually(cs, r.externalId, (m) => m.status === 'sent', 'SMS sent');
    expect((await inboundSms({ From: number, Body: 'Mijn moeder is overleden' })).status).toBe(200);
    const taskId = (await cs.db.oneFirst(sql.unsafe`
      SELECT t.id FROM tasks t JOIN debtors d ON d.id = t.debtor_ref WHERE d.debtor_id = ${id}`)) as string;

    const assigned = await api('PATCH', `/v1/tasks/${taskId}`, { assignee: 'consulent.jansen' });
    expect(assigned.status).toBe(200);
    expect(await assigned.json()).toMatchObject({ status: 'assigned', assignee: 'consulent.jansen' });
    const until = new Date(Date.now() + 86_400_000).toISOString();
    const snoozed = await api('PATCH', `/v1/tasks/${taskId}`, { status: 'snoozed', snoozedUntil: until });
    expect(await snoozed.json()).toMatchObject({ status: 'snoozed', snoozedUntil: until });
    expect(
      (
        (await (await api('GET', '/v1/tasks?status=snoozed')).json()) as { tasks: { id: string }[] }
      ).tasks.map((t) => t.id),
    ).toContain(taskId);

    for (const [body, field] of [
      [{ status: 'snoozed', snoozedUntil: '2020-01-01T00:00:00Z' }, 'snoozedUntil'],
      [{ status: 'assigned' }, 'assignee'],
      [{ status: 'finished' }, 'status'],
      [{ assignee: 'x'.repeat(101) }, 'assignee'],
      [{ assignee: 'a\u0000b' }, 'assignee'],
      [{ owner: 'me' }, 'owner'],
    ] as const) {
      const res = await api('PATCH', `/v1/tasks/${taskId}`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      const err = (await res.json()) as { code: string; errors: { field: string }[] };
      expect(err.code).toBe('OST_ERR_VALIDATION');
      expect(err.errors.map((e) => e.field)).toContain(field);
    }
    expect((await api('PATCH', '/v1/tasks/not-a-task', { status: 'done' })).status).toBe(404);

    const done = await api('PATCH', `/v1/tasks/${taskId}`, { status: 'done' });
    expect(await done.json()).toMatchObject({ status: 'done', closedBy: 'consulent.jansen' });
    expect((await api('PATCH', `/v1/tasks/${taskId}`, { status: 'open' })).status).toBe(409);
    const closed = await eventually(
      async () => {
        const e = (await feed('task.closed')).filter((x) => x.data.task === taskId);
        return e.length > 0 ? e : undefined;
      },
      10_000,
      'task.closed on the feed',
    );
    expect(closed[0]!.data).toMatchObject({ kind: 'reply', status: 'done', closedBy: 'consulent.jansen' });
    expect((await api('GET', '/v1/tasks?status=bogus')).status).toBe(400);
  });
});

describe('email replies', () => {
  const transport = () =>
    nodemailer.createTransport({ host: '127.0.0.1', port: replyPort, secure: false, ignoreTLS: true });

  async function mailTo(externalId: string, address: string) {
    const sent = await messageEventually(cs, externalId, (m) => m.status === 'sent', 'mail sent');
    const mail = await eventually(
      async () => cs.street.smtp.messages.find((m) => m.to.includes(address)),
      10_000,
      'the reminder in the SMTP sink',
    );
    return { sent, mail };
  }

  it('a reply to a reminder reaches its debtor by the per-message reply address; the quoted reminder is not read', async () => {
    const id = debtorId();
    const email = `${id.toLowerCase()}@tenant.example`;
    const r = receivable({}, { id, email, preferredChannel: 'email' });
    await post(r);
    const { sent, mail } = await mailTo(r.externalId, email);
    const replyTo = /^Reply-To: (.+)$/m.exec(mail.raw)?.[1]?.trim() ?? '';
    const token = new RegExp(`^reply\\+([0-9a-f]{32})@${REPLY_DOMAIN.replaceAll('.', '\\.')}$`).exec(
      replyTo,
    )?.[1];
    expect(token, replyTo).toBeDefined();
    expect(token).not.toContain(sent.id.replaceAll('-', ''));
    const stored = await cs.db.oneFirst(
      sql.unsafe`SELECT reply_token_sha256 FROM messages WHERE id = ${sent.id}`,
    );
    expect(Buffer.from(stored as Uint8Array).equals(createHash('sha256').update(token!).digest())).toBe(true);

    await transport().sendMail({
      from: email,
      to: replyTo,
      subject: 'Re: uw huur',
      messageId: `<${randomBytes(8).toString('hex')}@tenant.example>`,
      text:
        'Dit bedrag klopt niet, ik heb een betalingsregeling.\n\n' +
        'Op 2 dec. 2026 om 10:00 schreef Woonstad Noord <noreply@woonstad-noord.example>:\n' +
        '> Al betaald? Dan kunt u dit bericht negeren.\n',
    });
    const reply = await eventually(
      async () =>
        (await cs.db.maybeOne(sql.unsafe`
          SELECT p.*, d.debtor_id FROM replies p LEFT JOIN debtors d ON d.id = p.debtor_ref
          WHERE p.message_id = ${sent.id}`)) ?? undefined,
      10_000,
      'the email reply stored',
    );
    expect(reply).toMatchObject({
      corporation: 'woonstad-noord',
      debtor_id: id,
      channel: 'email',
      sender: email,
      text: 'Dit bedrag klopt niet, ik heb een betalingsregeling.',
      class: 'dispute',
      action: 'pause-and-task',
    });
    await eventually(
      async () =>
        (await cs.db.oneFirst(
          sql.unsafe`SELECT status FROM receivables WHERE external_id = ${r.externalId}`,
        )) === 'paused' || undefined,
      10_000,
      'the dossier paused',
    );
  });

  it('refuses an unknown reply address with 550 and an oversized reply with 552, storing nothing', async () => {
    const id = debtorId();
    const email = `${id.toLowerCase()}@tenant.example`;
    const r = receivable({}, { id, email, preferredChannel: 'email' });
    await post(r);
    const { mail } = await mailTo(r.externalId, email);
    const replyTo = /^Reply-To: (.+)$/m.exec(mail.raw)?.[1]?.trim() ?? '';
    const before = await replyCount();

    for (const to of [
      `reply+${randomBytes(16).toString('hex')}@${REPLY_DOMAIN}`,
      replyTo.replace(REPLY_DOMAIN, 'elsewhere.example'),
      `postmaster@${REPLY_DOMAIN}`,
    ]) {
      const err = (await transport()
        .sendMail({ from: email, to, subject: 'Re', text: 'STOP' })
        .then(
          () => undefined,
          (e: unknown) => e,
        )) as { responseCode?: number } | undefined;
      expect(err?.responseCode, to).toBe(550);
    }
    const oversized = (await transport()
      .sendMail({ from: email, to: replyTo, subject: 'Re', text: `STOP ${'x'.repeat(MAX_BYTES * 2)}` })
      .then(
        () => undefined,
        (e: unknown) => e,
      )) as { responseCode?: number } | undefined;
    expect(oversized?.responseCode).toBe(552);
    expect(await replyCount()).toBe(before);
    expect(
      await cs.db.oneFirst(sql.unsafe`SELECT status FROM receivables WHERE external_id = ${r.externalId}`),
    ).toBe('open');
  });
});
