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

const TOKEN_CHAR = /[A-Za-z0-9_-]/g;
/** A base64 MIME body: its part's headers name the encoding, a blank line, then lines of base64. */
const BASE64_PART =
  /(Content-Transfer-Encoding:[ \t]*base64[^\r\n]*\r?\n(?:[^\r\n]+\r?\n)*\r?\n)((?:[A-Za-z0-9+/]+=*\r?\n)+)/gi;

/**
 * The pattern of a token that a quoted-printable soft break may split, kept per token: V8 compiles a
 * regular expression to machine code only after it ran a few times, and a new one per message would run
 * interpreted over every byte of every part (the bench's profile: a millisecond per part).
 */
const softBreakPatterns = new Map<string, RegExp>();
const MAX_PATTERNS = 10_000;
function softBreakPattern(token: string): RegExp {
  let pattern = softBreakPatterns.get(token);
  if (!pattern) {
    if (softBreakPatterns.size >= MAX_PATTERNS) softBreakPatterns.clear();
    pattern = new RegExp(token.split('').join('(?:=\\r?\\n)?'), 'g');
    softBreakPatterns.set(token, pattern);
  }
  return pattern;
}

/** `from` -> `to` (same length, token alphabet), also where a quoted-printable soft break splits `from`. */
function swapper(from: string, to: string): (text: string) => string {
  return (text) => {
    if (!text.includes(from[0]!)) return text;
    // Without a soft break anywhere (JSON, HTML, plain text) the token can only occur whole.
    if (!text.includes('=\n') && !text.includes('=\r\n')) return text.replaceAll(from, to);
    return text.replace(softBreakPattern(from), (match) => {
      let i = 0;
      return match.replace(TOKEN_CHAR, () => to[i++]!);
    });
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
