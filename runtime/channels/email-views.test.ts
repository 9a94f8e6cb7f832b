// An email's HTML and text are archived only inside its `eml` (runtime/archive/email-views.ts): what is
// read back out of the bytes mimeBytes made must be, byte for byte, what was recorded for it at sending
// (`emailView`), or the evidence file would refuse a dossier whose archive nobody touched.
import { createHash, generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emailBodies, emailView } from '../archive/index.js';
import { type Email, mimeBytes } from './mime-bytes.js';

const base: Omit<Email, 'baseBoundary'> = {
  from: { name: 'Woonstichting Thuis', address: 'incasso@thuis.example' },
  to: 'huurder@example.org',
  subject: 'Herinnering: uw huur van december',
  messageId: '<0195c3a0-1111-7000-8000-000000000001@thuis.example>',
};

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** The size and hash of each body as read out of the email mimeBytes makes of them. */
async function readBack(html: string, text: string, dkim?: Parameters<typeof mimeBytes>[1]) {
  const bodies = await emailBodies(await mimeBytes({ ...base, baseBoundary: 'b0b0b0b0', html, text }, dkim));
  const of = (b: Buffer | undefined) => b && { bytes: b.length, sha256: sha256(b) };
  return { html: of(bodies.html), text: of(bodies.text) };
}

/** The size and hash recorded for each at sending. */
function recorded(html: string, text: string) {
  const of = (part: 'html' | 'text', body: string) => {
    const { bytes, sha256 } = emailView(part, 'text/plain', body);
    return { bytes, sha256 };
  };
  return { html: of('html', html), text: of('text', text) };
}

describe("an email's HTML and text read out of its bytes", () => {
  const cases: [string, string, string][] = [
    [
      'a reminder with CRLF and LF, a long line, links and a euro sign',
      `<p style="margin:0">Beste heer Jansen,</p>\n${'<p>Uw huur van € 712,50 — betaal via <a href="https://pay.example/p/x?a=1&amp;b=2">iDEAL</a>.</p>\r\n'.repeat(30)}<img src="https://t.example/o/abc.gif" alt="">`,
      'Beste heer Jansen,\r\n\r\nUw huur van € 712,50 is nog niet betaald.\n.Regel met een punt \nBetaal: https://pay.example/p/x?a=1&b=2\n',
    ],
    ['lone CRs, a CR before CRLF, trailing blanks', '<p>a\rb</p>\r\r\n  ', 'x\ry\r\r\n\t \n\n'],
    ['quoted-printable lookalikes and dots', '=3D=\n=\r\n.\n..\n', '=0D=0A\n.\n'],
    ['no line end at all, emoji and combining marks', '<p>😀 é ü ÿ ﬁ</p>', 'ǅ ẞ 👩‍👩‍👧'],
    ['lone surrogates and NUL', '<p>\uD800 x \uDFFF\u0000</p>', 'a\uDBFF\u0000b'],
    ['lines far over 76 characters', `<p>${'é'.repeat(1500)}</p>`, 'a'.repeat(2000)],
  ];
  for (const [name, html, text] of cases)
    it(`gives back what was recorded: ${name}`, async () => {
      expect(await readBack(html, text)).toEqual(recorded(html, text));
    });

  it('gives back what was recorded when the email is DKIM-signed', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const dkim = {
      domainName: 'thuis.example',
      keySelector: 'os',
      privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    };
    const [, html, text] = cases[0]!;
    expect(await readBack(html, text, dkim)).toEqual(recorded(html, text));
  });

  it('gives back what was recorded for any HTML and text (hostile bytes included)', async () => {
    const body = fc.oneof(
      fc.string({ unit: 'binary', minLength: 1, maxLength: 500 }),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 500 }),
      fc
        .array(fc.constantFrom('\r', '\n', '\r\n', '=', '.', ' ', '\t', 'é', '€', 'a', '<p>', '=0A'), {
          minLength: 1,
          maxLength: 200,
        })
        .map((parts) => parts.join('')),
    );
    await fc.assert(
      fc.asyncProperty(body, body, async (html, text) => {
        expect(await readBack(html, text)).toEqual(recorded(html, text));
      }),
      { numRuns: 400 },
    );
  });
});
