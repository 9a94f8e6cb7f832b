// An email's exact bytes in one synchronous pass. nodemailer's MailComposer still decides the MIME tree and
// writes every header (addresses, encoded words, folding, the boundary, Date, Message-ID) and its encoders
// do the quoted-printable and base64; what this replaces is nodemailer's streaming of that tree (a
// Transform per part, a turn of the event loop between parts, two more Transforms for the line ends), which
// took most of the 0.34–0.42 ms of the dispatch pod's thread a mail that building cost in the bench
// (docs/operations.md, "Capacity"). The bytes equal what nodemailer's stream transport makes with
// `newline: 'windows'` for the same mail: mime-bytes.test.ts compares them byte for byte.
import type { Readable } from 'node:stream';
import * as base64 from 'nodemailer/lib/base64';
import DKIM from 'nodemailer/lib/dkim';
import MailComposer from 'nodemailer/lib/mail-composer';
import type Mail from 'nodemailer/lib/mailer';
import type MimeNode from 'nodemailer/lib/mime-node';
import * as qp from 'nodemailer/lib/qp';

/** The RFC 5322 bytes of `mail` with CRLF line ends, DKIM-signed when `dkim` is given. */
export async function mimeBytes(mail: Mail.Options, dkim?: DKIM.Options): Promise<Buffer> {
  const tree = new MailComposer(mail).compile();
  let text = lastNewline(nodeText(tree));
  // nodemailer signs before it turns the line ends into CRLF; so does this, so the signature is the same.
  if (dkim) text = (await collect(new DKIM(dkim).sign(Buffer.from(text, 'latin1')))).toString('latin1');
  return Buffer.from(crlf(text), 'latin1');
}

/** One node and its children, as MimeNode.stream writes them (headers are ASCII; bodies encoded). */
function nodeText(node: MimeNode): string {
  let out = `${utf8AsLatin1(node.buildHeaders())}\r\n\r\n`;
  const content = node.content;
  if (content !== undefined && content !== '') {
    if (typeof content !== 'string' && !Buffer.isBuffer(content))
      throw new TypeError('mimeBytes takes text and Buffer content only, not streams');
    const encoding = node.getTransferEncoding();
    if (encoding === 'quoted-printable') out += qp.wrap(qp.encode(content), 76);
    else if (encoding === 'base64') out += base64.wrap(base64.encode(content), 76);
    else out += Buffer.isBuffer(content) ? content.toString('latin1') : utf8AsLatin1(content);
  }
  if (node.multipart) {
    node.childNodes.forEach((child, i) => {
      out += `${i > 0 ? '\r\n' : ''}--${node.boundary}\r\n${nodeText(child)}`;
    });
    out += `\r\n--${node.boundary}--\r\n`;
  }
  return out;
}

/** A string's UTF-8 bytes held one char a byte, so the whole message is one latin1 string. */
const utf8AsLatin1 = (s: string) =>
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range, where nothing changes
  /[^\x00-\x7f]/.test(s) ? Buffer.from(s, 'utf8').toString('latin1') : s;

/** The message ends with a line break (nodemailer's LastNewline). */
function lastNewline(s: string): string {
  if (s.endsWith('\n')) return s;
  return s.endsWith('\r') ? `${s}\n` : `${s}\r\n`;
}

/** Every LF not after a CR becomes CRLF (nodemailer's LeWindows). */
const crlf = (s: string) => s.replace(/(?<!\r)\n/g, '\r\n');

function collect(stream: Readable): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.once('error', reject);
    stream.once('end', () => resolve(Buffer.concat(chunks)));
  });
}
