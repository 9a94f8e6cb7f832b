import { randomUUID } from 'node:crypto';
import type { ConfigBundle } from '../../core/bundle/types.js';
import { linkPath, linkPurposesOf } from '../../core/messages/index.js';
import { sql } from '../../platform/db/index.js';
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

/**
 * URLs of the links a message uses, each made for the receivable when missing, and the seal of every
 * derived link of the receivable (link-seal.ts) for storing the message — from one read of its links.
 * Intake makes none: the first message that shows a link makes it, so its days start when the debtor
 * can see it.
 */
export async function linksForTemplate(
  tx: Tx,
  links: LinkTokens,
  bundle: ConfigBundle,
  publicUrl: string,
  template: string,
  receivableId: string,
  channelType?: string,
): Promise<{ urls: Record<string, string>; seal: LinkSeal }> {
  const urls: Record<string, string> = {};
  const purposes = new Set(linkPurposesOf(bundle, template));
  if (channelType && OFFERS_PAYMENT_LINK.has(channelType)) purposes.add('payment');
  const corporation = bundle.corporation.id;
  const rows = (await tx.any(sql.unsafe`
    SELECT id, token_sha256, derived, purpose, corporation,
      (closed_at IS NULL AND expires_at > now()) AS open
    FROM links WHERE receivable_id = ${receivableId} AND derived
    ORDER BY created_at DESC`)) as unknown as (LinkKeyRow & {
    purpose: string;
    corporation: string;
    open: boolean;
  })[];
  const sealed: LinkKeyRow[] = [...rows];
  for (const purpose of purposes) {
    // The newest open link of this purpose, as ensureLink finds it.
    const open = rows.find((r) => r.purpose === purpose && r.corporation === corporation && r.open);
    let token = open ? links.tokenFor(open) : undefined;
    if (!token) {
      const made = await insertLink(tx, links, corporation, receivableId, purpose);
      token = made.token;
      sealed.push(made.row);
    }
    urls[purpose] = linkUrl(bundle, publicUrl, linkPath(purpose, token));
  }
  return { urls, seal: sealOfLinks(links, sealed) };
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
