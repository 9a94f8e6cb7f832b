// mimeBytes makes the bytes nodemailer's stream transport makes for the same mail: the same headers,
// boundary and Date (fixed here for both), the same encoded bodies, the same DKIM signature. Any drift
// after a nodemailer upgrade fails here, before a mail differs from its archive's description.
import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';
import { describe, expect, it } from 'vitest';
import { type Email, mimeBytes } from './mime-bytes.js';

const fixed = { date: new Date('2026-12-06T01:02:03Z'), baseBoundary: 'b0b0b0b0b0b0b0b0' };
const reference = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });

async function nodemailerBytes(mail: Email, dkim?: Mail.Options['dkim']): Promise<Buffer> {
  // quoted-printable for text, as the street asks of mimeBytes
  const info = await reference.sendMail({
    ...mail,
    textEncoding: 'quoted-printable',
    ...(dkim ? { dkim } : {}),
  });
  return info.message as Buffer;
}

const base: Email = {
  ...fixed,
  from: { name: 'Woonstichting Thuis', address: 'incasso@thuis.example' },
  to: 'huurder@example.org',
  replyTo: 'reply+abc@r.thuis.example',
  subject: 'Herinnering: uw huur van december',
  messageId: '<0195c3a0-1111-7000-8000-000000000001@thuis.example>',
  headers: { 'X-Outputstraat-Message-Id': '0195c3a0', 'X-Outputstraat-Corporation': 'thuis' },
};

const reminder = {
  text: 'Beste heer Jansen,\n\nUw huur van € 712,50 is nog niet betaald.\n.Regel met een punt \nBetaal: https://pay.example/p/x?a=1&b=2\n',
  html: `<p style="margin:0">Beste heer Jansen,</p>\n${'<p>Uw huur van € 712,50 — betaal via <a href="https://pay.example/p/x?a=1&amp;b=2">iDEAL</a>.</p>\r\n'.repeat(40)}`,
};

describe('mimeBytes', () => {
  const cases: [string, Email][] = [
    ['text and HTML', { ...base, ...reminder }],
    ['text only', { ...base, text: reminder.text }],
    ['HTML only', { ...base, html: reminder.html }],
    ['plain ASCII text (7bit)', { ...base, text: 'Hello\nworld\n' }],
    ['no body at all', { ...base }],
    [
      'names, subject and recipients that need encoding and folding',
      {
        ...base,
        ...reminder,
        from: { name: 'Stichting "Wonen" & Zorg — Ærø, Zuid-Holland', address: 'info@thuis.example' },
        to: 'A. de Vries <a@example.org>, "Jansen, B." <b@münchen.example>',
        subject: `Herinnering ${'über € lange onderwerpregel '.repeat(8)}`,
      },
    ],
    ['a subject with a line break in it', { ...base, text: 'x', subject: 'Hallo\r\nBcc: evil@example.org' }],
    ['a very long line', { ...base, text: 'a'.repeat(2000), html: `<p>${'é'.repeat(1500)}</p>` }],
  ];

  for (const [name, mail] of cases)
    it(`equals nodemailer's bytes: ${name}`, async () => {
      const ours = await mimeBytes(mail);
      expect(ours.toString('latin1')).toBe((await nodemailerBytes(mail)).toString('latin1'));
    });

  it("equals nodemailer's bytes when DKIM-signed, signature included", async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const dkim = {
      domainName: 'thuis.example',
      keySelector: 'os',
      privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    };
    const mail = { ...base, ...reminder };
    const ours = await mimeBytes(mail, dkim);
    expect(ours.subarray(0, 15).toString()).toBe('DKIM-Signature:');
    expect(ours.toString('latin1')).toBe((await nodemailerBytes(mail, dkim)).toString('latin1'));
  });

  it('equals nodemailer for any text, HTML, subject and sender name (hostile bytes included)', async () => {
    const text = fc.string({ unit: 'binary', maxLength: 600 });
    await fc.assert(
      fc.asyncProperty(text, text, text, text, async (body, html, subject, sender) => {
        const mail: Email = {
          ...base,
          from: { name: sender, address: 'info@thuis.example' },
          subject,
          text: body,
          html,
        };
        const ours = await mimeBytes(mail);
        expect(ours.toString('latin1')).toBe((await nodemailerBytes(mail)).toString('latin1'));
      }),
      { numRuns: 300 },
    );
  });

  it('refuses stream content instead of sending it unread', async () => {
    const { Readable } = await import('node:stream');
    await expect(mimeBytes({ ...base, text: Readable.from(['x']) as unknown as string })).rejects.toThrow(
      /not streams/,
    );
  });
});
