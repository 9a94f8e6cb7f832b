// SMS replies and tasks through the real pieces: the Twilio inbound webhook signed by the official twilio
// SDK, the base street's reply rules, PostgreSQL, NATS and the ERP API (replies-street.ts).
import { randomBytes } from 'node:crypto';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../platform/db/index.js';
import { eventually } from '../support/street.js';
import { type ChannelStreet, MESSAGING_SERVICE, messageEventually, receivable } from './channels-fixture.js';
import {
  debtorId,
  INBOUND,
  phone,
  type ReplyStreet,
  replyHelpers,
  startReplyStreet,
  ZUID,
  ZUID_TOKEN,
} from './replies-street.js';

let s: ReplyStreet;
let cs: ChannelStreet;
const { api, inboundSms, post, replyCount, feed } = replyHelpers({
  get cs() {
    return cs;
  },
});

beforeAll(async () => {
  s = await startReplyStreet();
  cs = s.cs;
});
afterAll(async () => {
  await s?.stop();
});

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
    // Both dossiers say who paused them: the tenant's reply with its class, not the ERP.
    for (const externalId of [first.externalId, second.externalId]) {
      const said = (
        (await (await api('GET', `/v1/receivables/${externalId}`)).json()) as typeof view
      ).cases.flatMap((c) => c.timeline.map((t) => t.text));
      expect(said).toContain("Paused by the tenant's reply (already-paid)");
      expect(said.join('\n')).not.toContain('by the ERP');
    }
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
