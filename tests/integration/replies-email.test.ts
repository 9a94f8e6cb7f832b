// Email replies through the real pieces: a reminder sent through the SMTP channel with its per-message
// Reply-To, a real reply mail sent with nodemailer to the runtime's reply SMTP endpoint, the base street's
// reply rules, PostgreSQL, NATS (replies-street.ts).
import { createHash, randomBytes } from 'node:crypto';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../platform/db/index.js';
import { eventually } from '../support/street.js';
import { type ChannelStreet, messageEventually, receivable } from './channels-fixture.js';
import {
  debtorId,
  MAX_BYTES,
  REPLY_DOMAIN,
  type ReplyStreet,
  replyHelpers,
  startReplyStreet,
} from './replies-street.js';

let s: ReplyStreet;
let cs: ChannelStreet;
let replyPort: number;
const { post, replyCount } = replyHelpers({
  get cs() {
    return cs;
  },
});

beforeAll(async () => {
  s = await startReplyStreet();
  cs = s.cs;
  replyPort = s.replyPort;
});
afterAll(async () => {
  await s?.stop();
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
