import { randomBytes } from 'node:crypto';
import type { ConfigBundle } from '../../core/bundle/types.js';
import { sql } from '../db/index.js';
import type { Tx } from './case-repository.js';

const PAYMENT_LINK_DAYS = 90;

/** 144 random bits, URL-safe: unguessable, bound to one corporation, one receivable and one purpose. */
export async function ensurePaymentLink(tx: Tx, corporation: string, receivableId: string): Promise<string> {
  const existing = await tx.maybeOne(sql.unsafe`
    SELECT token FROM links WHERE receivable_id = ${receivableId} AND purpose = 'payment' AND closed_at IS NULL
      AND expires_at > now() ORDER BY created_at DESC LIMIT 1`);
  if (existing) return existing.token as string;
  const token = randomBytes(18).toString('base64url');
  await tx.query(sql.unsafe`
    INSERT INTO links (token, corporation, receivable_id, purpose, expires_at)
    VALUES (${token}, ${corporation}, ${receivableId}, 'payment', now() + make_interval(days => ${PAYMENT_LINK_DAYS}))`);
  return token;
}

/** Links live under the corporation's own payment host; without one, under the runtime's public URL. */
export function linkUrl(bundle: ConfigBundle, publicUrl: string, path: string): string {
  const host = bundle.corporation.paymentHost;
  return host ? `https://${host}${path}` : `${publicUrl}${path}`;
}
