// Links to the contact-data and meter-reading forms: like payment links, 144 random bits, bound to one
// corporation, one receivable and one purpose, and expiring. An open link for the same purpose is reused.
import { randomBytes } from 'node:crypto';
import { type Database, sql } from '../db/index.js';

export type FormPurpose = 'contact' | 'meter';

export const FORM_LINK_DAYS = 60;

type Queryable = Pick<Database, 'maybeOne' | 'query'>;

export async function ensureFormLink(
  db: Queryable,
  corporation: string,
  receivableId: string,
  purpose: FormPurpose,
  days = FORM_LINK_DAYS,
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
