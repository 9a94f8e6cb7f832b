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

export type PartName = 'eml' | 'html' | 'text' | 'sms' | 'voice' | 'twiml' | 'pdf' | 'json';

export interface ArchivedPart {
  part: PartName;
  contentType: string;
  body: Buffer;
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
        ${sql.binary(UNSEALED.has(p.part) ? p.body : m.seal.sealBytes(p.body))}, ${sha256Hex(p.body)})`,
    ),
  );
  if (rows.length === 0) return new Set();
  const stored = await db.any(sql.unsafe`
    INSERT INTO message_parts (message_id, corporation, part, content_type, body, sha256)
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

export async function readParts(
  db: CommonQueryMethods,
  links: LinkTokens,
  messageId: string,
): Promise<StoredPart[]> {
  const rows = await db.any(sql.unsafe`
    SELECT part, content_type, body, sha256, created_at FROM message_parts
    WHERE message_id = ${messageId} ORDER BY created_at, part`);
  if (rows.length === 0) return [];
  const seal = await linkSealFor(db, links, { messageId });
  return rows.map((r) => storedPart(r, seal));
}

export async function readPart(
  db: CommonQueryMethods,
  links: LinkTokens,
  messageId: string,
  part: PartName,
): Promise<StoredPart | undefined> {
  const r = await db.maybeOne(sql.unsafe`
    SELECT part, content_type, body, sha256, created_at FROM message_parts
    WHERE message_id = ${messageId} AND part = ${part}`);
  if (!r) return undefined;
  return storedPart(r, await linkSealFor(db, links, { messageId }));
}
