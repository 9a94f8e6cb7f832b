// What an email's bytes cost the dispatch pod's thread: mimeBytes (runtime/channels/mime-bytes.ts) against
// nodemailer's stream transport making the same bytes, alternating, in this process (no server). A reminder of
// the bench's size: 5.2 KB of HTML with attributes and euro signs, 1.9 KB of text.
// `npx tsx bench/mime-bytes.ts [mails] [rounds]`.
import { randomUUID } from 'node:crypto';
import nodemailer from 'nodemailer';
import { mimeBytes } from '../runtime/channels/mime-bytes.js';
import { wholeNumber } from './options.js';

const count = wholeNumber('mails', process.argv[2] ?? '5000', 1);
const rounds = wholeNumber('rounds', process.argv[3] ?? '3', 1);

const line =
  '<p style="margin:0;font-family:Arial">Beste heer Jansen, uw huur van € 712,50 is nog niet betaald. Betaal via <a href="https://pay.example/p/x?a=1&amp;b=2">iDEAL</a>.</p>\n';
const html = `<html><body>${line.repeat(30)}</body></html>`;
const text = 'Beste heer Jansen,\n\nUw huur van € 712,50 is nog niet betaald.\n'.repeat(30);
const mail = (i: number) => ({
  from: { name: 'Woonstichting Thuis', address: 'incasso@thuis.example' },
  to: `huurder${i}@example.org`,
  replyTo: `reply+${i}@r.thuis.example`,
  subject: 'Herinnering: uw huur van december',
  text,
  html,
  messageId: `<0195c3a0-1111-7000-8000-${i}@thuis.example>`,
  baseBoundary: randomUUID().replaceAll('-', ''),
  headers: { 'X-Outputstraat-Message-Id': `m${i}`, 'X-Outputstraat-Corporation': 'thuis' },
});
const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });

async function timed(make: (i: number) => Promise<unknown>): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < count; i++) await make(i);
  return ((performance.now() - started) * 1_000) / count;
}

for (let round = 1; round <= rounds; round++) {
  const ours = await timed((i) => mimeBytes(mail(i)));
  const theirs = await timed((i) => transport.sendMail({ ...mail(i), textEncoding: 'quoted-printable' }));
  console.log(
    `round ${round}: mimeBytes ${ours.toFixed(1)} µs a mail, nodemailer's stream transport ${theirs.toFixed(1)} µs ` +
      `(${(ours / theirs).toFixed(2)}×; ${count.toLocaleString('en-US')} mails of ${html.length + text.length} characters)`,
  );
}
