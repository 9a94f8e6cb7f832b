// What the street keeps of a message — its content in `messages`, its parts in the archive — would hold
// every link token in plain text. So it is kept "sealed": each token of the receivable's derived links is
// replaced by that link's placeholder, and put back when the message is read (a resend, the archive API).
// A placeholder is as long as a token and uses the same alphabet, so sealing never moves a byte: a
// quoted-printable soft line break inside a token stays where it was, a base64 MIME part keeps its line
// lengths, and unsealing gives back exactly the bytes that were sent (the archive's sha256 still holds).
// Without OST_LINK_SECRET a placeholder is only a name of the link, not a way in.
import { createHash } from 'node:crypto';
import { sql } from '../../platform/db/index.js';
import type { Tx } from './case-repository.js';
import type { LinkKeyRow, LinkTokens } from './link-tokens.js';

export interface LinkSeal {
  seal(text: string): string;
  unseal(text: string): string;
  /** The same on bytes (latin1 maps each byte to one character and back). */
  sealBytes(data: Buffer): Buffer;
  unsealBytes(data: Buffer): Buffer;
  /** The same on a JSON value (a message's content as stored in `messages.content`). */
  sealJson<T>(value: T): T;
  unsealJson<T>(value: T): T;
}

/** The placeholder of a link in stored messages: 24 characters of the token alphabet, named by its id. */
export function placeholderOf(linkId: string): string {
  return createHash('sha256')
    .update(`outputstraat-link-placeholder:${linkId}`)
    .digest()
    .subarray(0, 18)
    .toString('base64url');
}

/** A base64 MIME body: its part's headers name the encoding, a blank line, then lines of base64. */
const BASE64_PART =
  /(Content-Transfer-Encoding:[ \t]*base64[^\r\n]*\r?\n(?:[^\r\n]+\r?\n)*\r?\n)((?:[A-Za-z0-9+/]+=*\r?\n)+)/gi;

/**
 * Where a quoted-printable soft line break ("=" CRLF or "=" LF) splits `from`: the ranges of its two
 * halves. A token is shorter than a quoted-printable line, so at most one soft break falls inside it.
 * Found with indexOf around each soft break rather than a regular expression per token: every message
 * has tokens of its own, and a new expression runs interpreted over every byte of every part (the bench's
 * profile: a quarter millisecond per message).
 */
function splitOccurrences(text: string, from: string): [number, number, number, number][] {
  const n = from.length;
  const found: [number, number, number, number][] = [];
  for (let b = text.indexOf('=', 0); b >= 0; b = text.indexOf('=', b + 1)) {
    const len = text[b + 1] === '\n' ? 2 : text[b + 1] === '\r' && text[b + 2] === '\n' ? 3 : 0;
    if (len === 0) continue;
    const leftStart = Math.max(0, b - (n - 1));
    const left = text.slice(leftStart, b);
    const joined = left + text.slice(b + len, b + len + n - 1);
    for (let i = joined.indexOf(from); i >= 0; i = joined.indexOf(from, i + 1)) {
      const head = left.length - i;
      if (head > 0 && head < n) found.push([leftStart + i, b, b + len, b + len + (n - head)]);
    }
  }
  return found;
}

/** `from` -> `to` (same length, token alphabet), also where a quoted-printable soft break splits `from`. */
function swapper(from: string, to: string): (text: string) => string {
  return (text) => {
    if (!text.includes(from[0]!)) return text;
    const whole = text.includes(from) ? text.replaceAll(from, to) : text;
    // Without a soft break anywhere (JSON, HTML, plain text) the token can only occur whole.
    if (!whole.includes('=\n') && !whole.includes('=\r\n')) return whole;
    const split = splitOccurrences(whole, from);
    if (split.length === 0) return whole;
    const out: string[] = [];
    let at = 0;
    for (const [start, breakAt, resume, end] of split) {
      const head = breakAt - start;
      out.push(whole.slice(at, start), to.slice(0, head), whole.slice(breakAt, resume), to.slice(head));
      at = end;
    }
    out.push(whole.slice(at));
    return out.join('');
  };
}

/** Applies `swap` inside each base64-encoded MIME body too, keeping its line layout. */
function withinBase64Parts(text: string, swap: (text: string) => string): string {
  return text.replace(BASE64_PART, (_whole, head: string, body: string) => {
    const lines = body.split(/(?<=\n)/);
    const decoded = Buffer.from(lines.join('').replace(/\s+/g, ''), 'base64').toString('latin1');
    const swapped = swap(decoded);
    if (swapped === decoded) return `${head}${body}`;
    let encoded = Buffer.from(swapped, 'latin1').toString('base64');
    const relaid = lines.map((line) => {
      const width = line.replace(/\r?\n$/, '').length;
      const chunk = encoded.slice(0, width);
      encoded = encoded.slice(width);
      return `${chunk}${line.slice(width)}`;
    });
    return `${head}${relaid.join('')}`;
  });
}

export function linkSeal(pairs: readonly { token: string; placeholder: string }[]): LinkSeal {
  const forward = pairs.map((p) => swapper(p.token, p.placeholder));
  const backward = pairs.map((p) => swapper(p.placeholder, p.token));
  const run = (swaps: ((t: string) => string)[]) => (text: string) => {
    if (swaps.length === 0) return text;
    const all = (t: string) => swaps.reduce((acc, swap) => swap(acc), t);
    return withinBase64Parts(all(text), all);
  };
  const seal = run(forward);
  const unseal = run(backward);
  return {
    seal,
    unseal,
    sealBytes: (data) => Buffer.from(seal(data.toString('latin1')), 'latin1'),
    unsealBytes: (data) => Buffer.from(unseal(data.toString('latin1')), 'latin1'),
    sealJson: (value) => JSON.parse(seal(JSON.stringify(value))),
    unsealJson: (value) => JSON.parse(unseal(JSON.stringify(value))),
  };
}

/**
 * The seal of one receivable's messages (or of the receivable of one message): every link of it whose
 * token this runtime can recompute. Legacy links (made before migration 009) cannot be sealed; only
 * messages archived before that migration carry them.
 */
export async function linkSealFor(
  db: Pick<Tx, 'any'>,
  links: LinkTokens,
  of: { receivableId: string } | { messageId: string },
): Promise<LinkSeal> {
  const rows = await db.any(
    'receivableId' in of
      ? sql.unsafe`SELECT id, token_sha256, derived FROM links WHERE receivable_id = ${of.receivableId} AND derived`
      : sql.unsafe`SELECT l.id, l.token_sha256, l.derived FROM links l
          JOIN messages m ON m.receivable_id = l.receivable_id WHERE m.id = ${of.messageId} AND l.derived`,
  );
  return sealOfLinks(links, rows as unknown as LinkKeyRow[]);
}

/** The seal of these links (each whose token this runtime can recompute), read by the caller. */
export function sealOfLinks(links: LinkTokens, rows: readonly LinkKeyRow[]): LinkSeal {
  const pairs = [];
  for (const row of rows) {
    const token = links.tokenFor(row);
    if (token) pairs.push({ token, placeholder: placeholderOf(row.id) });
  }
  return linkSeal(pairs);
}
