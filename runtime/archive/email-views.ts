// An email's HTML and text are archived once, inside its `eml` (the exact bytes the relay received), not
// again as parts of their own: writing them twice was about a tenth of Postgres's work a mail and cost 6 %
// of the dispatch rate (docs/operations.md, "Capacity"). The `eml` row carries what they would have been
// — name, type, size and SHA-256 of each, as `views` — so lists and the evidence file describe them as
// before, and reading one parses it out of the `eml` (mailparser). What the parser gives back is the text
// with LF line ends, so the recorded bytes are of that form (`readingForm`); that a part read back is
// byte for byte what was recorded is tested over arbitrary text (runtime/channels/email-views.test.ts); the
// evidence file checks each part it packs against its recorded hash, these too.
import { createHash } from 'node:crypto';
import { simpleParser } from 'mailparser';

/** A part kept inside another part: what it is, and the size and hash of its bytes when it was archived. */
export interface PartView {
  part: 'html' | 'text';
  contentType: string;
  bytes: number;
  sha256: string;
}

/** A body as a mail reader gets it back from the email: every CRLF an LF (the wire form is CRLF anyway). */
const readingForm = (body: string): string => body.replace(/\r\n/g, '\n');

/** What an email's HTML or text part will read back as, named, sized and hashed (as UTF-8). */
export function emailView(part: PartView['part'], contentType: string, body: string): PartView {
  const read = readingForm(body);
  return {
    part,
    contentType,
    bytes: Buffer.byteLength(read, 'utf8'),
    sha256: createHash('sha256').update(read, 'utf8').digest('hex'),
  };
}

/** The HTML and text of an email read out of its bytes, as `readingForm` recorded them. */
export async function emailBodies(eml: Buffer): Promise<{ html?: Buffer; text?: Buffer }> {
  const mail = await simpleParser(eml, {
    skipHtmlToText: true,
    skipTextToHtml: true,
    skipImageLinks: true,
    keepCidLinks: true,
  });
  return {
    ...(typeof mail.html === 'string' ? { html: Buffer.from(mail.html, 'utf8') } : {}),
    ...(mail.text !== undefined ? { text: Buffer.from(mail.text, 'utf8') } : {}),
  };
}
