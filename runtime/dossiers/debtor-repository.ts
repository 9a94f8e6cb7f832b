// SQL for debtors: the ERP's tenancy accounts with their current contact details (ADR 0007). Intake keeps
// them current from every receivable; older ERP data never overwrites newer.
import { householdIdOf } from '../../core/debtors/index.js';
import type { ReceivableInput } from '../../core/receivable/index.js';
import { type Column, newIds, sql, typedRows } from '../../platform/db/index.js';
import type { Tx } from './case-repository.js';

export interface DebtorData {
  corporation: string;
  debtor: ReceivableInput['debtor'];
  /** The receivable's `version`, when the ERP sends one. */
  version?: number | undefined;
  /** When the data was current: the receivable's `updatedAt`, else when it was accepted. */
  at: Date;
}

const key = (corporation: string, debtorId: string) => `${corporation}\u0000${debtorId}`;

/** Whether `a` is newer ERP data than `b`: by version when both have one, else by time. */
function newer(a: DebtorData, b: DebtorData): boolean {
  if (a.version !== undefined && b.version !== undefined) return a.version > b.version;
  return a.at.getTime() >= b.at.getTime();
}

const DEBTOR_COLUMNS: readonly Column[] = [
  ['id', 'uuid'],
  ['corporation', 'text'],
  ['debtor_id', 'text'],
  ['household_id', 'text'],
  ['contact', 'jsonb'],
  ['data_version', 'int8'],
  ['data_at', 'timestamptz'],
];

/**
 * Inserts or updates the debtors of a batch in one statement, in a fixed order (so concurrent batches
 * cannot deadlock), and returns the row id of each `(corporation, debtor id)`. A debtor's contact details
 * change only when the data is newer than what is stored and actually differs.
 */
export async function upsertDebtors(tx: Tx, data: readonly DebtorData[]): Promise<Map<string, string>> {
  const newest = new Map<string, DebtorData>();
  for (const d of data) {
    const k = key(d.corporation, d.debtor.id);
    const seen = newest.get(k);
    if (!seen || newer(d, seen)) newest.set(k, d);
  }
  const ordered = [...newest.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (ordered.length === 0) return new Map();
  const ids = newIds(ordered.length);
  const rows = ordered.map(([, d], i) => {
    const { id: debtorId, ...contact } = d.debtor;
    return {
      id: ids[i],
      corporation: d.corporation,
      debtor_id: debtorId,
      household_id: householdIdOf(d.debtor) ?? null,
      contact,
      data_version: d.version ?? null,
      data_at: d.at.toISOString(),
    };
  });
  const stored = await tx.any(sql.unsafe`
    WITH input AS (
      SELECT * FROM ${typedRows(DEBTOR_COLUMNS, rows)}
    ), up AS (
      INSERT INTO debtors AS d (id, corporation, debtor_id, household_id, contact, data_version, data_at)
      SELECT id, corporation, debtor_id, household_id, contact, data_version, data_at FROM input
      ON CONFLICT (corporation, debtor_id) DO UPDATE SET
        contact = EXCLUDED.contact, household_id = EXCLUDED.household_id,
        data_version = EXCLUDED.data_version, data_at = EXCLUDED.data_at
      WHERE (d.contact IS DISTINCT FROM EXCLUDED.contact OR d.household_id IS DISTINCT FROM EXCLUDED.household_id)
        AND CASE WHEN d.data_version IS NOT NULL AND EXCLUDED.data_version IS NOT NULL
                 THEN EXCLUDED.data_version > d.data_version
                 ELSE EXCLUDED.data_at >= d.data_at END
      RETURNING d.id, d.corporation, d.debtor_id
    )
    SELECT id, corporation, debtor_id FROM up
    UNION ALL
    SELECT d.id, d.corporation, d.debtor_id FROM debtors d JOIN input i USING (corporation, debtor_id)
    WHERE NOT EXISTS (SELECT 1 FROM up WHERE up.corporation = i.corporation AND up.debtor_id = i.debtor_id)`);
  const refs = new Map(
    stored.map((r) => [key(r.corporation as string, r.debtor_id as string), r.id as string]),
  );
  // A debtor another transaction inserted while this statement waited on it is not in the statement's
  // snapshot (the upsert locked it nonetheless): read it in a statement of its own.
  const missing = rows.filter((r) => !refs.has(key(r.corporation, r.debtor_id)));
  if (missing.length > 0) {
    const late = await tx.any(sql.unsafe`
      SELECT d.id, d.corporation, d.debtor_id FROM debtors d
      JOIN ${typedRows(
        [
          ['corporation', 'text'],
          ['debtor_id', 'text'],
        ],
        missing,
      )} USING (corporation, debtor_id)
      ORDER BY d.corporation, d.debtor_id FOR UPDATE OF d`);
    for (const r of late) refs.set(key(r.corporation as string, r.debtor_id as string), r.id as string);
  }
  return refs;
}

/** The debtor row id of `(corporation, debtor id)` in a map returned by upsertDebtors. */
export const debtorRefOf = (refs: Map<string, string>, corporation: string, debtorId: string) =>
  refs.get(key(corporation, debtorId));
