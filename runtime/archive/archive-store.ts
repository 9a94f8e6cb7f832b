// The archive of exact content: each part of a message (the SMTP bytes, the HTML, the SMS text, the TwiML,
// the PDF) as bytea, written by the adapter before the provider gets it. A resend after a crash reads the
// stored parts and hands over the same bytes, so the archive always holds what the debtor received.
// Link tokens are stored sealed (runtime/dossiers/link-seal.ts: each token replaced by its link's
// placeholder of the same length) and put back on reading; `sha256` is of the bytes as sent. PDFs are
// stored as they are: their text is compressed and the link is drawn as a QR code (docs/pages.md).
import { createHash } from 'node:crypto';
import type { CommonQueryMethods } from 'slonik';
import { sql } from '../../platform/db/index.js';
import { type LinkSeal, type LinkTokens, linkSealFor } from '../dossiers/index.js';
import { emailBodies, type PartView } from './email-views.js';

export type PartName = 'eml' | 'html' | 'text' | 'sms' | 'voice' | 'twiml' | 'pdf' | 'json';

export interface ArchivedPart {
  part: PartName;
  contentType: string;
  body: Buffer;
  /** The parts this one holds, read out of it (an email's HTML and text): none of them is stored again. */
  views?: readonly PartView[];
}

export interface StoredPart extends ArchivedPart {
  sha256: string;
  createdAt: Date;
}

/** The part a message's content URL serves by default, per channel type. */
export const PRIMARY_PART: Record<string, PartName> = {
  email: 'eml',
  sms: 'sms',
  voice: 'twiml',
  letter: 'pdf',
  webhook: 'json',
};

export const sha256Hex = (body: Buffer) => createHash('sha256').update(body).digest('hex');

/** Parts kept as they are: see the top of this file. */
const UNSEALED: ReadonlySet<PartName> = new Set(['pdf']);

/** The parts of one message to archive, sealed with its links' seal. */
export interface MessageParts {
  corporation: string;
  messageId: string;
  parts: readonly ArchivedPart[];
  seal: LinkSeal;
}

/**
 * Stores the parts of several messages once, in one statement: an existing part of the same message is
 * kept as it was (the first send wins). Returns `<message id>|<part>` of the parts this call stored; one
 * it did not store was archived before (by an earlier attempt or another replica) and is what the
 * provider must get.
 */
export async function archiveMessages(
  db: CommonQueryMethods,
  messages: readonly MessageParts[],
): Promise<Set<string>> {
  const rows = messages.flatMap((m) =>
    m.parts.map(
      (p) =>
        sql.fragment`(${m.messageId}, ${m.corporation}, ${p.part}, ${p.contentType},
        ${sql.binary(UNSEALED.has(p.part) ? p.body : m.seal.sealBytes(p.body))}, ${sha256Hex(p.body)},
        ${p.views ? sql.jsonb(p.views as never) : null})`,
    ),
  );
  if (rows.length === 0) return new Set();
  const stored = await db.any(sql.unsafe`
    INSERT INTO message_parts (message_id, corporation, part, content_type, body, sha256, views)
    VALUES ${sql.join(rows, sql.fragment`, `)}
    ON CONFLICT (message_id, part) DO NOTHING
    RETURNING message_id, part`);
  return new Set(stored.map((r) => `${r.message_id}|${r.part}`));
}

/** archiveMessages for one message; returns the parts this call stored. */
export async function archiveParts(
  db: CommonQueryMethods,
  links: LinkTokens,
  corporation: string,
  messageId: string,
  parts: ArchivedPart[],
  /** The seal of the message's links when the caller read them already (message-facts.ts). */
  known?: LinkSeal,
): Promise<Set<PartName>> {
  if (parts.length === 0) return new Set();
  const seal = known ?? (await linkSealFor(db, links, { messageId }));
  const stored = await archiveMessages(db, [{ corporation, messageId, parts, seal }]);
  return new Set(parts.map((p) => p.part).filter((part) => stored.has(`${messageId}|${part}`)));
}

function storedPart(r: Record<string, unknown>, seal: LinkSeal): StoredPart {
  const part = r.part as PartName;
  const body = r.body as Buffer;
  return {
    part,
    contentType: r.content_type as string,
    body: UNSEALED.has(part) ? body : seal.unsealBytes(body),
    sha256: r.sha256 as string,
    createdAt: r.created_at as Date,
  };
}

/** The parts a stored part holds (its `views`), read out of it; one that cannot be read is left out. */
async function viewsOf(stored: StoredPart, views: readonly PartView[]): Promise<StoredPart[]> {
  // An eml the parser cannot read (altered in the database) holds nothing to show: its own bytes are still
  // served, and the evidence file refuses it by its hash.
  const bodies: { html?: Buffer; text?: Buffer } =
    stored.part === 'eml' && views.length > 0 ? await emailBodies(stored.body).catch(() => ({})) : {};
  return views.flatMap((v) => {
    const body = bodies[v.part];
    return body
      ? [{ part: v.part, contentType: v.contentType, body, sha256: v.sha256, createdAt: stored.createdAt }]
      : [];
  });
}

const PART_COLUMNS = sql.fragment`part, content_type, body, sha256, created_at, views`;

export async function readParts(
  db: CommonQueryMethods,
  links: LinkTokens,
  messageId: string,
): Promise<StoredPart[]> {
  const rows = await db.any(sql.unsafe`
    SELECT ${PART_COLUMNS} FROM message_parts WHERE message_id = ${messageId} ORDER BY created_at, part`);
  if (rows.length === 0) return [];
  const seal = await linkSealFor(db, links, { messageId });
  const parts: StoredPart[] = [];
  for (const r of rows) {
    const stored = storedPart(r, seal);
    parts.push(stored, ...(await viewsOf(stored, (r.views as PartView[] | null) ?? [])));
  }
  return parts;
}

/** One part of a message: stored as itself, or read out of the part that holds it. */
export async function readPart(
  db: CommonQueryMethods,
  links: LinkTokens,
  messageId: string,
  part: PartName,
): Promise<StoredPart | undefined> {
  const r = await db.maybeOne(sql.unsafe`
    SELECT ${PART_COLUMNS} FROM message_parts
    WHERE message_id = ${messageId}
      AND (part = ${part} OR views @> jsonb_build_array(jsonb_build_object('part', ${part}::text)))
    ORDER BY part = ${part} DESC LIMIT 1`);
  if (!r) return undefined;
  const stored = storedPart(r, await linkSealFor(db, links, { messageId }));
  if (stored.part === part) return stored;
  const views = ((r.views as PartView[] | null) ?? []).filter((v) => v.part === part);
  return (await viewsOf(stored, views))[0];
}

/**
 * The parts of the message row aliased `m`, as a list reads them: each stored part with its size and hash,
 * and the parts it holds with theirs as recorded (columns part, content_type, bytes, sha256).
 */
export const partsListOf = sql.fragment`(
  SELECT p.part, p.content_type, octet_length(p.body) AS bytes, p.sha256 FROM message_parts p
  WHERE p.message_id = m.id
  UNION ALL
  SELECT v ->> 'part', v ->> 'contentType', (v ->> 'bytes')::int, v ->> 'sha256'
  FROM message_parts p CROSS JOIN LATERAL jsonb_array_elements(p.views) v
  WHERE p.message_id = m.id AND p.views IS NOT NULL)`;
