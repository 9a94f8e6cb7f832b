import { randomUUID } from 'node:crypto';
import type { ConfigBundle } from '../../core/bundle/types.js';
import { linkPath, linkPurposesOf } from '../../core/messages/index.js';
import { sql, typedRows } from '../../platform/db/index.js';
import type { Tx } from './case-repository.js';
import { type LinkSeal, sealOfLinks } from './link-seal.js';
import { type LinkKeyRow, type LinkTokens, tokenHash } from './link-tokens.js';

const LINK_DAYS = 90;

/**
 * The open link of one purpose (payment, contact, meter) for a receivable, made when missing: bound to one
 * corporation, one receivable and one purpose, expiring, and stored only as the hash of its token. An open
 * link is shown again when its token can be recomputed (a derived link, see link-tokens.ts); a legacy one
 * keeps working for the messages that carry it, and the next message gets a new link.
 */
export async function ensureLink(
  db: Pick<Tx, 'maybeOne' | 'query'>,
  links: LinkTokens,
  corporation: string,
  receivableId: string,
  purpose: string,
  days = LINK_DAYS,
): Promise<string> {
  const existing = await db.maybeOne(sql.unsafe`
    SELECT id, token_sha256, derived FROM links WHERE receivable_id = ${receivableId}
      AND corporation = ${corporation} AND purpose = ${purpose} AND derived AND closed_at IS NULL
      AND expires_at > now()
    ORDER BY created_at DESC LIMIT 1`);
  const again = existing ? links.tokenFor(existing as unknown as LinkKeyRow) : undefined;
  return again ?? (await insertLink(db, links, corporation, receivableId, purpose, days)).token;
}

/** A new derived link; its token is returned, only its hash is stored. */
async function insertLink(
  db: Pick<Tx, 'query'>,
  links: LinkTokens,
  corporation: string,
  receivableId: string,
  purpose: string,
  days = LINK_DAYS,
): Promise<{ token: string; row: LinkKeyRow }> {
  const id = randomUUID();
  const token = links.tokenOf(id);
  const hash = tokenHash(token);
  await db.query(sql.unsafe`
    INSERT INTO links (id, token_sha256, derived, corporation, receivable_id, purpose, expires_at)
    VALUES (${id}, ${sql.binary(hash)}, true, ${corporation}, ${receivableId}, ${purpose},
      now() + make_interval(days => ${days}))`);
  return { token, row: { id, token_sha256: hash, derived: true } };
}

/**
 * Channels that offer the payment link outside the template's text: a voice message lets the debtor press
 * 1 for it by SMS, a letter prints it as a QR code. Their messages make the link when it is missing.
 */
const OFFERS_PAYMENT_LINK = new Set(['voice', 'letter']);

/** What one message needs links for (linksForTemplates). */
export interface LinkRequest {
  bundle: ConfigBundle;
  template: string;
  receivableId: string;
  /** A voice message or letter offers the payment link although its template does not show it. */
  channelType?: string | undefined;
}

type LinkRow = LinkKeyRow & { purpose: string; corporation: string; open: boolean; receivable_id: string };

/**
 * URLs of the links a message uses, each made for the receivable when missing, and the seal of every
 * derived link of the receivable (link-seal.ts) for storing the message — from one read of its links.
 * Intake makes none: the first message that shows a link makes it, so its days start when the debtor
 * can see it. For several messages at once (a dispatcher's group) the links are read in one statement
 * and the missing ones made in one more; two messages about one receivable share the link the first made.
 */
export async function linksForTemplates(
  tx: Pick<Tx, 'any' | 'query'>,
  links: LinkTokens,
  publicUrl: string,
  requests: readonly LinkRequest[],
): Promise<{ urls: Record<string, string>; seal: LinkSeal }[]> {
  if (requests.length === 0) return [];
  const receivableIds = [...new Set(requests.map((r) => r.receivableId))];
  const rows = (await tx.any(sql.unsafe`
    SELECT id, token_sha256, derived, purpose, corporation, receivable_id,
      (closed_at IS NULL AND expires_at > now()) AS open
    FROM links WHERE receivable_id = ANY(${sql.array(receivableIds, 'uuid')}) AND derived
    ORDER BY created_at DESC`)) as unknown as LinkRow[];
  const byReceivable = new Map<string, LinkRow[]>(receivableIds.map((id) => [id, []]));
  for (const row of rows) byReceivable.get(row.receivable_id)?.push(row);
  const made: { id: string; hash: Buffer; corporation: string; receivable_id: string; purpose: string }[] =
    [];
  const urls = requests.map((req) => {
    const out: Record<string, string> = {};
    const known = byReceivable.get(req.receivableId)!;
    const purposes = new Set(linkPurposesOf(req.bundle, req.template));
    if (req.channelType && OFFERS_PAYMENT_LINK.has(req.channelType)) purposes.add('payment');
    const corporation = req.bundle.corporation.id;
    for (const purpose of purposes) {
      // The newest open link of this purpose, as ensureLink finds it.
      const open = known.find((r) => r.purpose === purpose && r.corporation === corporation && r.open);
      let token = open ? links.tokenFor(open) : undefined;
      if (!token) {
        const id = randomUUID();
        token = links.tokenOf(id);
        const hash = tokenHash(token);
        made.push({ id, hash, corporation, receivable_id: req.receivableId, purpose });
        known.unshift({
          id,
          token_sha256: hash,
          derived: true,
          purpose,
          corporation,
          receivable_id: req.receivableId,
          open: true,
        });
      }
      out[purpose] = linkUrl(req.bundle, publicUrl, linkPath(purpose, token));
    }
    return out;
  });
  if (made.length > 0) {
    const rowsJson = made.map((m) => ({ ...m, hash: m.hash.toString('hex') }));
    await tx.query(sql.unsafe`
      INSERT INTO links (id, token_sha256, derived, corporation, receivable_id, purpose, expires_at)
      SELECT t.id, decode(t.hash, 'hex'), true, t.corporation, t.receivable_id, t.purpose,
        now() + make_interval(days => ${LINK_DAYS})
      FROM ${typedRows(
        [
          ['id', 'uuid'],
          ['hash', 'text'],
          ['corporation', 'text'],
          ['receivable_id', 'uuid'],
          ['purpose', 'text'],
        ],
        rowsJson,
      )}`);
  }
  // Sealed with every derived link of the receivable, the ones just made included.
  return requests.map((req, i) => ({
    urls: urls[i]!,
    seal: sealOfLinks(links, byReceivable.get(req.receivableId)!),
  }));
}

/** linksForTemplates for one message. */
export async function linksForTemplate(
  tx: Tx,
  links: LinkTokens,
  bundle: ConfigBundle,
  publicUrl: string,
  template: string,
  receivableId: string,
  channelType?: string,
): Promise<{ urls: Record<string, string>; seal: LinkSeal }> {
  const [one] = await linksForTemplates(tx, links, publicUrl, [
    { bundle, template, receivableId, channelType },
  ]);
  return one!;
}

/** Links live under the corporation's own payment host; without one, under the runtime's public URL. */
export function linkUrl(bundle: ConfigBundle, publicUrl: string, path: string): string {
  const host = bundle.corporation.paymentHost;
  return host ? `https://${host}${path}` : `${publicUrl}${path}`;
}

/**
 * A page of the staff console (docs/console.md): under the payment host's /console, or without one under
 * the runtime's public URL at /c/<corporation>/console (the development prefix).
 */
export function consoleUrl(bundle: ConfigBundle, publicUrl: string, path: string): string {
  const host = bundle.corporation.paymentHost;
  return host
    ? `https://${host}/console${path}`
    : `${publicUrl}/c/${encodeURIComponent(bundle.corporation.id)}/console${path}`;
}
