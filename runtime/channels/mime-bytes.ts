// An email's exact bytes in one synchronous pass. nodemailer's MimeNode still writes every header (addresses,
// encoded words, folding, the boundary, Date, Message-ID) and its DKIM signer is used as it
// is; what this replaces is nodemailer's streaming of the tree (a Transform per part, a turn of the event
// loop between parts, two more Transforms for the line ends), which took most of the 0.34–0.42 ms of the
// dispatch pod's thread a mail that building cost in the bench (docs/operations.md, "Capacity"), and, for
// the shapes the street sends (text, HTML or both), MailComposer's building of the tree: it drew 8 random
// bytes from the system for each part, which the boundary never uses. Quoted-printable is our own
// (quoted-printable.ts; nodemailer's was about a quarter of the build). The bytes equal what nodemailer's stream
// transport makes with `newline: 'windows'` for the same mail: mime-bytes.test.ts compares them byte for byte.
import type { Readable } from 'node:stream';
import DKIM from 'nodemailer/lib/dkim';
import type Mail from 'nodemailer/lib/mailer';
import MimeNode from 'nodemailer/lib/mime-node';
import { qpEncode, qpWrap } from './quoted-printable.js';

/** What the street puts in an email. */
export interface Email {
  from: string | Mail.Address;
  to: string;
  replyTo?: string;
  subject?: string;
  text?: string;
  html?: string;
  messageId: string;
  /** The random part of every MIME boundary of the message. */
  baseBoundary: string;
  headers?: Record<string, string>;
  /** The Date header; now when not given. */
  date?: Date;
}

/** The RFC 5322 bytes of `mail` with CRLF line ends, DKIM-signed when `dkim` is given. */
export async function mimeBytes(mail: Email, dkim?: DKIM.Options): Promise<Buffer> {
  let text = lastNewline(nodeText(tree(mail)));
  // nodemailer signs before it turns the line ends into CRLF; so does this, so the signature is the same.
  if (dkim) text = (await collect(new DKIM(dkim).sign(Buffer.from(text, 'latin1')))).toString('latin1');
  return Buffer.from(crlf(text), 'latin1');
}

const normalize = (MimeNode.prototype as unknown as { _normalizeHeaderKey(key: unknown): string })
  ._normalizeHeaderKey;

/**
 * A MimeNode whose header names are normalised once per name: nodemailer runs three regular expressions over a
 * name each time a header is set or read (a tenth of the build), and the street's names are a handful.
 */
class Node extends MimeNode {
  private static readonly names = new Map<string, string>();
  _normalizeHeaderKey(key: unknown): string {
    if (typeof key !== 'string') return normalize.call(this, key);
    let name = Node.names.get(key);
    if (name === undefined) {
      name = normalize.call(this, key);
      if (Node.names.size < 256) Node.names.set(key, name);
    }
    return name;
  }
}

/**
 * The tree MailComposer.compile builds for a text, an HTML or both (multipart/alternative), the same headers.
 * Quoted-printable for every text part and encoded word, as nodemailer picks for Latin text after counting each
 * character of it (a tenth of a millisecond a mail in the bench's profile); any text stays valid.
 */
function tree(mail: Email): MimeNode {
  const options = { baseBoundary: mail.baseBoundary, textEncoding: 'quoted-printable' } as const;
  const parts: [string, string][] = [];
  if (mail.text) parts.push(['text/plain; charset=utf-8', mail.text]);
  if (mail.html) parts.push(['text/html; charset=utf-8', mail.html]);
  let root: MimeNode;
  if (parts.length > 1) {
    root = new Node('multipart/alternative', options);
    for (const [type, content] of parts) root.appendChild(new Node(type, options)).setContent(content);
  } else {
    const [type, content] = parts[0] ?? ['text/plain', ''];
    root = new Node(type, options).setContent(content);
  }
  if (mail.headers) root.addHeader(mail.headers);
  const fields: [string, unknown][] = [
    ['from', mail.from],
    ['to', mail.to],
    ['reply-to', mail.replyTo],
    ['subject', mail.subject],
    ['message-id', mail.messageId],
    ['date', mail.date],
  ];
  for (const [field, value] of fields) if (value) root.setHeader(field, value as string);
  root.messageId();
  return root;
}

/** One node and its children, as MimeNode.stream writes them (headers are ASCII; bodies encoded). */
function nodeText(node: MimeNode): string {
  let out = `${utf8AsLatin1(node.buildHeaders())}\r\n\r\n`;
  const content = node.content;
  if (content !== undefined && content !== '') {
    if (typeof content !== 'string') throw new TypeError('mimeBytes takes text content only, not streams');
    // A text part is quoted-printable (the tree's textEncoding) or, plain ASCII in short lines, 7bit as it is.
    out +=
      node.getTransferEncoding() === 'quoted-printable' ? qpWrap(qpEncode(content)) : utf8AsLatin1(content);
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

/** Every LF not after a CR becomes CRLF (nodemailer's LeWindows), found by index: a regular expression with a
 * lookbehind took twice as long over a whole email. */
function crlf(s: string): string {
  let out = '';
  let from = 0;
  for (let lf = s.indexOf('\n'); lf !== -1; lf = s.indexOf('\n', lf + 1)) {
    if (lf > 0 && s.charCodeAt(lf - 1) === 13) continue;
    out += `${s.slice(from, lf)}\r\n`;
    from = lf + 1;
  }
  return from === 0 ? s : out + s.slice(from);
}

function collect(stream: Readable): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.once('error', reject);
    stream.once('end', () => resolve(Buffer.concat(chunks)));
  });
}
