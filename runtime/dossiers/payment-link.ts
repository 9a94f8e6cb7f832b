import { randomBytes } from 'node:crypto';
import type { ConfigBundle } from '../../core/bundle/types.js';
import { linkPath, linkPurposesOf } from '../../core/messages/index.js';
import { sql } from '../../platform/db/index.js';
import type { Tx } from './case-repository.js';

const LINK_DAYS = 90;

/**
 * The open link of one purpose (payment, contact, meter) for a receivable, made when missing: 144 random
 * bits, URL-safe, unguessable, bound to one corporation, one receivable and one purpose, expiring.
 */
export async function ensureLink(
  db: Pick<Tx, 'maybeOne' | 'query'>,
  corporation: string,
  receivableId: string,
  purpose: string,
  days = LINK_DAYS,
): Promise<string> {
  const existing = await db.maybeOne(sql.unsafe`
    SELECT token FROM links WHERE receivable_id = ${receivableId} AND corporation = ${corporation}
      AND purpose = ${purpose} AND closed_at IS NULL AND expires_at > now()
    ORDER BY created_at DESC LIMIT 1`);
  if (existing) return existing.token as string;
  const token = randomBytes(18).toString('base64url');
  await db.query(sql.unsafe`
    INSERT INTO links (token, corporation, receivable_id, purpose, expires_at)
    VALUES (${token}, ${corporation}, ${receivableId}, ${purpose}, now() + make_interval(days => ${days}))`);
  return token;
}

/**
 * Channels that offer the payment link outside the template's text: a voice message lets the debtor press
 * 1 for it by SMS, a letter prints it as a QR code. Their messages make the link when it is missing.
 */
const OFFERS_PAYMENT_LINK = new Set(['voice', 'letter']);

/**
 * URLs of the links a message uses, each made for the receivable when missing. Intake makes none: the
 * first message that shows a link makes it, so its days start when the debtor can see it.
 */
export async function linksForTemplate(
  tx: Tx,
  bundle: ConfigBundle,
  publicUrl: string,
  template: string,
  receivableId: string,
  channelType?: string,
): Promise<Record<string, string>> {
  const links: Record<string, string> = {};
  const purposes = new Set(linkPurposesOf(bundle, template));
  if (channelType && OFFERS_PAYMENT_LINK.has(channelType)) purposes.add('payment');
  for (const purpose of purposes) {
    const token = await ensureLink(tx, bundle.corporation.id, receivableId, purpose);
    links[purpose] = linkUrl(bundle, publicUrl, linkPath(purpose, token));
  }
  return links;
}

/** Links live under the corporation's own payment host; without one, under the runtime's public URL. */
export function linkUrl(bundle: ConfigBundle, publicUrl: string, path: string): string {
  const host = bundle.corporation.paymentHost;
  return host ? `https://${host}${path}` : `${publicUrl}${path}`;
}
