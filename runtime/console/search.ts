// Finding a debtor within one corporation: by name, postcode + house number, phone, email, debtor id,
// externalId or payment reference. Each way is one index of migration 020 (or a unique key); the
// expressions below repeat the indexed ones exactly, so every branch is an index lookup, never a scan.
// bench/console-search.ts measures it over 100,000 debtors.
import type { FragmentSqlToken } from 'slonik';
import { type Database, sql } from '../../platform/db/index.js';

export interface SearchHit {
  debtorId: string;
  name: string;
  address: string | null;
}

const POSTCODE = /^\s*(\d{4})\s*([A-Za-z]{2})[\s,-]*(\d+\s*[A-Za-z0-9-]{0,6})\s*$/;
const EMAIL = /^[^\s@]+@[^\s@]+$/;
const PHONE = /^[+()\d\s-]{9,20}$/;
export const MAX_QUERY = 100;
const LIMIT = 25;

/** The debtors matching `q` in this corporation, at most 25, by name. An empty or overlong query finds none. */
export async function searchDebtors(db: Database, corporation: string, q: string): Promise<SearchHit[]> {
  const query = q.trim();
  if (query.length < 2 || query.length > MAX_QUERY) return [];
  // A debtor id, an externalId or a payment reference first: exact keys, one index lookup each.
  const exact = await hitsWhere(
    db,
    sql.fragment`corporation = ${corporation} AND id IN (
      SELECT id FROM debtors WHERE corporation = ${corporation} AND debtor_id = ${query}
      UNION SELECT debtor_ref FROM receivables WHERE corporation = ${corporation} AND external_id = ${query}
      UNION SELECT debtor_ref FROM receivables WHERE corporation = ${corporation}
        AND payment_reference IS NOT NULL AND payment_reference = ${query})`,
  );
  if (exact.length > 0) return exact;
  const postcode = POSTCODE.exec(query);
  if (postcode) {
    const code = `${postcode[1]}${postcode[2]!.toUpperCase()}`;
    const number = postcode[3]!.replace(/\s+/g, '').toUpperCase();
    return hitsWhere(
      db,
      sql.fragment`corporation = ${corporation}
      AND upper(regexp_replace(contact->'address'->>'postalCode', '\\s+', '', 'g')) = ${code}
      AND upper(regexp_replace(contact->'address'->>'houseNumber', '\\s+', '', 'g')) = ${number}`,
    );
  }
  if (EMAIL.test(query)) {
    return hitsWhere(
      db,
      sql.fragment`corporation = ${corporation} AND contact ? 'email'
      AND lower(contact->>'email') = ${query.toLowerCase()}`,
    );
  }
  if (PHONE.test(query) && query.replace(/\D/g, '').length >= 9) {
    return hitsWhere(
      db,
      sql.fragment`corporation = ${corporation} AND contact ? 'phone'
      AND right(regexp_replace(contact->>'phone', '[^0-9]', '', 'g'), 9) = ${query.replace(/\D/g, '').slice(-9)}`,
    );
  }
  // A part of the name (trigram index; a pattern's % and _ are matched literally).
  const like = `%${query.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return hitsWhere(
    db,
    sql.fragment`corporation = ${corporation} AND id IN (
      SELECT id FROM debtors WHERE lower(contact->>'name') LIKE ${like} AND corporation = ${corporation}
      LIMIT ${LIMIT})`,
  );
}

async function hitsWhere(db: Database, where: FragmentSqlToken): Promise<SearchHit[]> {
  const rows = await db.any(sql.unsafe`
    SELECT debtor_id, contact->>'name' AS name, contact->'address' AS address
    FROM debtors WHERE ${where} ORDER BY contact->>'name', debtor_id LIMIT ${LIMIT}`);
  return rows.map((r) => ({
    debtorId: r.debtor_id as string,
    name: (r.name as string | null) ?? '',
    address: formatAddress(r.address),
  }));
}

export function formatAddress(value: unknown): string | null {
  const a = value as { street?: string; houseNumber?: string; postalCode?: string; city?: string } | null;
  if (!a || typeof a !== 'object') return null;
  return [`${a.street ?? ''} ${a.houseNumber ?? ''}`.trim(), `${a.postalCode ?? ''} ${a.city ?? ''}`.trim()]
    .filter(Boolean)
    .join(', ');
}
