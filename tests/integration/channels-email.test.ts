import { createHash, createVerify } from 'node:crypto';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../platform/db/index.js';
import { signTrackingToken } from '../../runtime/tracking/tracking-token.js';
import { decodeQuotedPrintable } from '../support/mail.js';
import type { ReceivedMail } from '../support/smtp-sink.js';
import { eventually } from '../support/street.js';
import {
  type ChannelStreet,
  EMAIL_WEBHOOK_SECRET,
  historyOf,
  MESSAGING_SERVICE,
  messageEventually,
  receivable,
  startChannelStreet,
  TRACKING_SECRET,
} from './channels-fixture.js';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** DKIM relaxed/relaxed verification (RFC 6376 §3.4.2, §3.4.4, §3.7) against the public key we hold. */
function verifyDkim(raw: string, publicKey: string): { ok: boolean; tags: Record<string, string> } {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split + 2);
  const body = raw.slice(split + 4);
  const fields = head.split(/\r\n(?![ \t])/).filter((f) => f.length > 0);
  const dkimField = fields.find((f) => /^dkim-signature:/i.test(f))!;
  const tags = Object.fromEntries(
    dkimField
      .slice(dkimField.indexOf(':') + 1)
      .replace(/\r\n[ \t]+/g, '')
      .split(';')
      .map((t) => t.trim())
      .filter(Boolean)
      .map((t) => [t.slice(0, t.indexOf('=')), t.slice(t.indexOf('=') + 1).replace(/\s+/g, '')]),
  );
  const relaxedHeader = (f: string) => {
    const i = f.indexOf(':');
    return `${f.slice(0, i).trim().toLowerCase()}:${f
      .slice(i + 1)
      .replace(/\r\n/g, '')
      .replace(/[ \t]+/g, ' ')
      .trim()}`;
  };
  let canonicalBody = body
    .split('\r\n')
    .map((l) => l.replace(/[ \t]+/g, ' ').replace(/ $/, ''))
    .join('\r\n')
    .replace(/(\r\n)*$/, '');
  canonicalBody = canonicalBody.length > 0 ? `${canonicalBody}\r\n` : '';
  const bh = createHash('sha256').update(canonicalBody).digest('base64');
  const used = new Set<string>();
  const signed = (tags.h ?? '').split(':').map((name) => {
    const f = [...fields]
      .reverse()
      .find((c) => c.toLowerCase().startsWith(`${name.toLowerCase()}:`) && !used.has(c));
    if (!f) return '';
    used.add(f);
    return `${relaxedHeader(f)}\r\n`;
  });
  const withoutB = relaxedHeader(dkimField).replace(/b=[^;]*$/, 'b=');
  const verifier = createVerify('RSA-SHA256');
  verifier.update(signed.join('') + withoutB);
  return { ok: bh === tags.bh && verifier.verify(publicKey, tags.b ?? '', 'base64'), tags };
}

const header = (raw: string, name: string) =>
  new RegExp(`^${name}:[ \\t]*(.*(?:\\r\\n[ \\t].*)*)`, 'im').exec(raw)?.[1]?.replace(/\r\n[ \t]+/g, ' ');

describe('email channel: DKIM, tracking, bounces and alerts', () => {
  let cs: ChannelStreet;
  const mailTo = async (address: string, after = 0): Promise<ReceivedMail> =>
    eventually(
      async () => cs.street.smtp.messages.slice(after).find((m) => m.to.includes(address)),
      10_000,
      `mail to ${address}`,
    );

  beforeAll(async () => {
    cs = await startChannelStreet();
  });
  afterAll(async () => {
    await cs?.stop();
  });

  it('a mail goes out DKIM-signed with tracked links, and the archive returns the bytes the relay received', async () => {
    const r = receivable({}, { email: 'dkim@example.org' });
    expect((await cs.street.post('/v1/receivables', r)).status).toBe(202);
    const mail = await mailTo('dkim@example.org');
    const id = header(mail.raw, 'X-Outputstraat-Message-Id')!;
    expect(header(mail.raw, 'Message-ID')).toBe(`<${id}@woonstad-noord.example>`);
    expect(header(mail.raw, 'From')).toBe('Woonstad Noord <noreply@woonstad-noord.example>');
    expect(mail.from).toBe('noreply@woonstad-noord.example');

    const dkim = verifyDkim(mail.raw, cs.dkimPublicKey);
    expect(dkim.tags).toMatchObject({ d: 'woonstad-noord.example', s: 'ost2026', a: 'rsa-sha256' });
    expect(dkim.tags.h).toContain('from');
    expect(dkim.ok).toBe(true);
    // A changed body no longer verifies.
    expect(verifyDkim(mail.raw.replace('620,79', '999,99'), cs.dkimPublicKey).ok).toBe(false);

    const decoded = decodeQuotedPrintable(mail.raw);
    const hrefs = [...decoded.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!);
    expect(hrefs.length).toBeGreaterThan(0);
    for (const href of hrefs.filter((h) => h.startsWith('http'))) {
      expect(href).toMatch(/^https:\/\/betalen\.woonstad-noord\.example\/t\/c\/[A-Za-z0-9_-]+$/);
    }
    expect(decoded).toMatch(/<img src="https:\/\/betalen\.woonstad-noord\.example\/t\/o\/[A-Za-z0-9_-]+"/);
    // The plain-text part keeps the payment link itself.
    expect(decoded).toMatch(/https:\/\/betalen\.woonstad-noord\.example\/p\/[A-Za-z0-9_-]{24}/);

    await messageEventually(cs, r.externalId, (m) => m.status === 'sent', 'sent');
    const res = await cs.street.get(`/v1/messages/${id}/content`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('message/rfc822');
    expect(Buffer.from(await res.arrayBuffer()).equals(Buffer.from(mail.raw, 'utf8'))).toBe(true);

    // The HTML and text are stored once, inside the eml; the archive reads them out of it, each with the
    // size and hash recorded at sending and what a mail reader gets from the bytes the relay received.
    expect(
      await cs.db.anyFirst(sql.unsafe`SELECT part FROM message_parts WHERE message_id = ${id} ORDER BY part`),
    ).toEqual(['eml']);
    const list = (await (await cs.street.get(`/v1/receivables/${r.externalId}/messages`)).json()) as {
      messages: {
        id: string;
        parts: { part: string; contentType: string; bytes: number; sha256: string; url: string }[];
      }[];
    };
    const listed = list.messages.find((m) => m.id === id)!;
    expect(listed.parts.map((p) => p.part)).toEqual(['eml', 'html', 'text']);
    const reader = await simpleParser(Buffer.from(mail.raw, 'utf8'));
    const read: Record<string, Buffer> = {};
    for (const p of listed.parts) {
      const part = await cs.street.get(p.url);
      expect(part.status).toBe(200);
      const body = Buffer.from(await part.arrayBuffer());
      expect({ part: p.part, bytes: body.length, sha256: sha256(body) }).toEqual({
        part: p.part,
        bytes: p.bytes,
        sha256: p.sha256,
      });
      expect(part.headers.get('x-content-sha256')).toBe(p.sha256);
      expect(part.headers.get('content-type')).toBe(p.contentType);
      read[p.part] = body;
    }
    expect(read.html!.toString('utf8')).toBe(reader.html);
    expect(read.html!.toString('utf8')).toContain('/t/o/');
    expect(read.text!.toString('utf8')).toBe(reader.text);
  });

  it('an email archived before its HTML and text moved into the eml (rows of their own) lists and reads as before', async () => {
    const r = receivable({}, { email: 'legacy@example.org' });
    expect((await cs.street.post('/v1/receivables', r)).status).toBe(202);
    await mailTo('legacy@example.org');
    await messageEventually(cs, r.externalId, (m) => m.status === 'sent', 'sent');
    const receivableId = await cs.db.oneFirst(sql.unsafe`
      SELECT id FROM receivables WHERE external_id = ${r.externalId}`);
    const bodies = {
      eml: 'Subject: oud\r\n\r\noud\r\n',
      html: '<p>oud\r\nbericht</p>',
      text: 'oud\r\nbericht',
    };
    const id = await cs.db.oneFirst(sql.unsafe`
      INSERT INTO messages (receivable_id, corporation, channel, channel_type, template, status, recipient, content)
      VALUES (${receivableId}, 'woonstad-noord', 'email', 'email', 'legacy', 'sent', 'legacy@example.org', '{}')
      RETURNING id`);
    for (const [part, body] of Object.entries(bodies)) {
      await cs.db.query(sql.unsafe`
        INSERT INTO message_parts (message_id, corporation, part, content_type, body, sha256)
        VALUES (${id}, 'woonstad-noord', ${part}, ${`text/${part}`}, ${sql.binary(Buffer.from(body))},
          ${sha256(Buffer.from(body))})`);
    }
    const list = (await (await cs.street.get(`/v1/receivables/${r.externalId}/messages`)).json()) as {
      messages: { id: string; parts: { part: string; bytes: number; sha256: string; url: string }[] }[];
    };
    const listed = list.messages.find((m) => m.id === id)!;
    expect(listed.parts.map((p) => [p.part, p.bytes])).toEqual(
      Object.entries(bodies).map(([part, body]) => [part, Buffer.byteLength(body)]),
    );
    for (const p of listed.parts) {
      const res = await cs.street.get(p.url);
      expect(await res.text()).toBe(bodies[p.part as keyof typeof bodies]);
      expect(res.headers.get('x-content-sha256')).toBe(p.sha256);
    }
  });

  it('a DKIM key that cannot sign fails the send naming the Secret, instead of mailing unsigned', async () => {
    const name = 'OST_SECRET_WOONSTAD_NOORD__SMTP_CREDENTIALS__dkimPrivateKey';
    const key = process.env[name];
    process.env[name] = 'not a private key';
    try {
      const r = receivable({}, { email: 'dkim-broken@example.org' });
      expect((await cs.street.post('/v1/receivables', r)).status).toBe(202);
      const message = await messageEventually(cs, r.externalId, () => true, 'message');
      const failed = await eventually(
        async () =>
          (await historyOf(cs, message.id)).find((h) => h.detail?.code === 'OST_ERR_CHANNEL_DKIM_KEY'),
        10_000,
        'the failed attempt in the history',
      );
      expect(String(failed.detail?.error)).toContain(
        'secret smtp-credentials key dkimPrivateKey is not a private key that signs',
      );
      expect(cs.street.smtp.messages.some((m) => m.to.includes('dkim-broken@example.org'))).toBe(false);
    } finally {
      process.env[name] = key;
    }
  });

  it('opening and clicking are recorded for the message and reach its case; the click lands on the payment page', async () => {
    const r = receivable({}, { email: 'track@example.org' });
    await cs.street.post('/v1/receivables', r);
    const mail = await mailTo('track@example.org');
    const id = header(mail.raw, 'X-Outputstraat-Message-Id')!;
    await messageEventually(cs, r.externalId, (m) => m.status === 'sent', 'sent');
    const decoded = decodeQuotedPrintable(mail.raw);
    const pixel = /<img src="https:\/\/[^/]+(\/t\/o\/[^"]+)"/.exec(decoded)![1]!;
    const payment = /https:\/\/betalen\.woonstad-noord\.example\/p\/[A-Za-z0-9_-]{24}/.exec(decoded)![0];

    const open = await fetch(`${cs.runtimeUrl}${pixel}`);
    expect(open.status).toBe(200);
    expect(open.headers.get('content-type')).toBe('image/gif');
    expect((await open.arrayBuffer()).byteLength).toBeGreaterThan(30);

    // The pay button: its tracked link redirects to the payment link the message was composed with.
    const clicks = [...decoded.matchAll(/href="https:\/\/[^/]+(\/t\/c\/[^"]+)"/g)].map((m) => m[1]!);
    const landed: string[] = [];
    for (const path of clicks) {
      const res = await fetch(`${cs.runtimeUrl}${path}`, { redirect: 'manual' });
      expect(res.status).toBe(302);
      landed.push(res.headers.get('location')!);
    }
    expect(landed).toContain(payment);

    const history = (await historyOf(cs, id)).map((h) => h.status);
    expect(history).toEqual(expect.arrayContaining(['sending', 'sent', 'opened', 'clicked']));
    expect(history.filter((s) => s === 'opened')).toHaveLength(1);
    const state = (await cs.db.oneFirst(sql.unsafe`
      SELECT c.state FROM cases c JOIN receivables r ON r.id = c.receivable_id WHERE r.external_id = ${r.externalId}`)) as {
      messages: { opened?: boolean; clicked?: boolean }[];
    };
    expect(state.messages[0]).toMatchObject({ opened: true, clicked: true });
  });

  it('a forged, re-signed or expired tracking token gets a plain 404 and changes nothing', async () => {
    const r = receivable({}, { email: 'forged@example.org' });
    await cs.street.post('/v1/receivables', r);
    const mail = await mailTo('forged@example.org');
    const id = header(mail.raw, 'X-Outputstraat-Message-Id')!;
    await messageEventually(cs, r.externalId, (m) => m.status === 'sent', 'sent');
    const token = /\/t\/c\/([A-Za-z0-9_-]+)/.exec(decodeQuotedPrintable(mail.raw))![1]!;
    const flip = (t: string, i: number) => t.slice(0, i) + (t[i] === 'A' ? 'B' : 'A') + t.slice(i + 1);
    const expired = signTrackingToken(TRACKING_SECRET, {
      messageId: id,
      kind: 'click',
      target: 'https://evil.example/',
      expiresAt: new Date(Date.now() - 1000),
    });
    const otherKey = signTrackingToken('not-our-secret', {
      messageId: id,
      kind: 'click',
      target: 'https://evil.example/',
      expiresAt: new Date(Date.now() + 86_400_000),
    });
    const openAsClick = signTrackingToken(TRACKING_SECRET, {
      messageId: id,
      kind: 'open',
      target: '',
      expiresAt: new Date(Date.now() + 86_400_000),
    });
    const before = {
      history: (await historyOf(cs, id)).length,
      events: await cs.db.oneFirst(sql.unsafe`SELECT count(*) FROM events`),
      state:
        await cs.db.oneFirst(sql.unsafe`SELECT state FROM cases c JOIN receivables r ON r.id = c.receivable_id
        WHERE r.external_id = ${r.externalId}`),
    };
    for (const bad of [
      `/t/c/${flip(token, 10)}`,
      `/t/c/${flip(token, token.length - 3)}`,
      `/t/c/${expired}`,
      `/t/c/${otherKey}`,
      `/t/c/${openAsClick}`,
      `/t/o/${token}`,
      '/t/c/not-a-token',
    ]) {
      const res = await fetch(`${cs.runtimeUrl}${bad}`, { redirect: 'manual' });
      expect(res.status, bad).toBe(404);
      expect(res.headers.get('location')).toBeNull();
      expect(await res.text()).toContain('OST_ERR_NOT_FOUND');
    }
    expect((await historyOf(cs, id)).length).toBe(before.history);
    expect(await cs.db.oneFirst(sql.unsafe`SELECT count(*) FROM events`)).toBe(before.events);
    expect(
      await cs.db.oneFirst(sql.unsafe`SELECT state FROM cases c JOIN receivables r ON r.id = c.receivable_id
        WHERE r.external_id = ${r.externalId}`),
    ).toEqual(before.state);
  });

  it('a bounce reported by the provider webhook moves the case to its SMS step', async () => {
    const r = receivable({}, { email: 'bounce@example.org', phone: '+31611112222' });
    await cs.street.post('/v1/receivables', r);
    const mail = await mailTo('bounce@example.org');
    const id = header(mail.raw, 'X-Outputstraat-Message-Id')!;
    await messageEventually(cs, r.externalId, (m) => m.status === 'sent', 'sent');
    const smsBefore = cs.twilio.requests.filter((q) => q.kind === 'message').length;

    const url = `${cs.runtimeUrl}/v1/providers/email/bounces`;
    const body = JSON.stringify({
      messageId: id,
      type: 'hard-bounce',
      diagnostic: '550 5.1.1 <bounce@example.org> unknown',
    });
    const refused = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(refused.status).toBe(403);
    const wrong = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-outputstraat-webhook-secret': 'guess' },
      body,
    });
    expect(wrong.status).toBe(403);
    expect((await messageEventually(cs, r.externalId, () => true, 'message')).status).toBe('sent');

    const ok = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-outputstraat-webhook-secret': EMAIL_WEBHOOK_SECRET },
      body,
    });
    expect(ok.status).toBe(202);
    const [sms] = (await cs.twilio.waitFor('message', smsBefore + 1, 10_000)).slice(smsBefore);
    expect(sms!.params.To).toBe('+31611112222');
    expect(sms!.params.MessagingServiceSid).toBe(MESSAGING_SERVICE);
    expect(sms!.params.From).toBeUndefined();
    expect(sms!.params.Body).toMatch(
      /^Woonstad Noord: de automatische afschrijving van uw huur \(€ 620,79\) is niet gelukt\. .* https:\/\/betalen\.woonstad-noord\.example\/p\/[A-Za-z0-9_-]{24} /,
    );
    const smsRow = await messageEventually(
      cs,
      r.externalId,
      (m) => m.channel_type === 'sms' && m.status === 'sent',
      'SMS sent',
    );
    expect(sms!.params.StatusCallback).toBe(`${cs.publicUrl}/v1/providers/twilio/status?m=${smsRow.id}`);
    expect(smsRow.provider_id).toBe(sms!.sid);
    const email = await messageEventually(cs, r.externalId, (m) => m.id === id, 'email');
    expect(email.status).toBe('bounced');
    const bounced = (await historyOf(cs, id)).find((h) => h.status === 'bounced')!;
    expect(bounced.source).toBe('email-webhook');
    expect(JSON.stringify(bounced.detail)).not.toContain('bounce@example.org');
    // What Twilio got is what the archive holds.
    const archived = await cs.street.get(`/v1/messages/${smsRow.id}/content`);
    expect(archived.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await archived.text()).toBe(sms!.params.Body);
  });

  it('a delivery status notification arriving on the inbound SMTP endpoint bounces the mail', async () => {
    const r = receivable({}, { email: 'dsn@example.org', phone: '+31633334444' });
    await cs.street.post('/v1/receivables', r);
    const mail = await mailTo('dsn@example.org');
    const id = header(mail.raw, 'X-Outputstraat-Message-Id')!;
    await messageEventually(cs, r.externalId, (m) => m.status === 'sent', 'sent');
    const returned = mail.raw.slice(0, mail.raw.indexOf('\r\n\r\n'));
    const dsn = [
      'From: Mail Delivery System <MAILER-DAEMON@mx.example.org>',
      'To: noreply@woonstad-noord.example',
      'Subject: Undelivered Mail Returned to Sender',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=us-ascii',
      '',
      'The mail could not be delivered.',
      '--b1',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.example.org',
      '',
      'Final-Recipient: rfc822; dsn@example.org',
      'Action: failed',
      'Status: 5.1.1',
      'Diagnostic-Code: smtp; 550 5.1.1 <dsn@example.org>: Recipient address rejected',
      '',
      '--b1',
      'Content-Type: text/rfc822-headers',
      '',
      returned,
      '--b1--',
      '',
    ].join('\r\n');
    const sender = nodemailer.createTransport({
      host: '127.0.0.1',
      port: cs.bounceSmtpPort,
      ignoreTLS: true,
    });
    await sender.sendMail({ envelope: { from: '', to: ['bounces@woonstad-noord.example'] }, raw: dsn });
    sender.close();
    await messageEventually(cs, r.externalId, (m) => m.id === id && m.status === 'bounced', 'bounced email');
    const bounced = (await historyOf(cs, id)).find((h) => h.status === 'bounced')!;
    expect(bounced).toMatchObject({ source: 'smtp-dsn', detail: { status: '5.1.1' } });
    expect(JSON.stringify(bounced.detail)).not.toContain('dsn@example.org');
    const sms = await messageEventually(
      cs,
      r.externalId,
      (m) => m.channel_type === 'sms' && m.status === 'sent',
      'SMS',
    );
    expect(sms.recipient).toBe('+31633334444');
  });

  it('an alert step emails the consultants a case summary with the suggested action, untracked', async () => {
    const before = cs.street.smtp.messages.length;
    const r = receivable({ kind: 'test-alert' }, { email: 'tenant-alert@example.org' });
    expect((await cs.street.post('/v1/receivables', r)).status).toBe(202);
    const mail = await mailTo('incasso@woonstad-noord.example', before);
    const raw = decodeQuotedPrintable(mail.raw);
    expect(mail.to).toEqual(['incasso@woonstad-noord.example']);
    expect(header(mail.raw, 'Subject')).toContain('Bel_de_huurder');
    expect(raw).toContain('Actie: Bel de huurder');
    expect(raw).toContain('Bel de huurder vandaag nog.');
    expect(raw).toContain('K. Balogun');
    expect(raw).toContain(r.externalId);
    expect(raw).toContain('€ 620,79');
    expect(raw).not.toContain('/t/o/');
    expect(raw).not.toContain('/t/c/');
    expect(cs.street.smtp.messages.slice(before).some((m) => m.to.includes('tenant-alert@example.org'))).toBe(
      false,
    );
  });
});
