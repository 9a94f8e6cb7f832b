// Erasure of one debtor's personal data within one corporation (GDPR art. 17), in one short transaction:
// every table of the personal-data registry, the fact that it happened (an `erasures` row and a
// `debtor.erased` event on the ERP's feed), and the non-personal facts kept (amounts, dates, statuses,
// message counts per channel). A debtor with a live dossier is refused, not silently erased: the ERP
// cancels (or settles) the receivables first. docs/privacy.md and ADR 0009 say why.
import { createHash } from 'node:crypto';
import { createError } from '../../core/errors/index.js';
import { type Database, sql } from '../../platform/db/index.js';
import { insertEvents, type Tx } from './case-repository.js';
import { eraseRows } from './erase-rows.js';
import { type DebtorRows, ROOT_TABLES } from './personal-data.js';

export interface ErasureResult {
  debtorId: string;
  status: 'erased';
  /** The erasures row that records it. */
  erasure: string;
  erasedAt: string;
  /** Receivables whose personal data was erased; they stay, with their amounts, dates and statuses. */
  receivables: number;
  /** Rows changed over all tables. */
  rows: number;
}

/** Open, or paused: a dossier collections staff still work on. */
const LIVE = ['open', 'paused'];
const SHOWN = 10;

/**
 * The erasures row's reference to the debtor: SHA-256 of the corporation and the debtor id. Whoever knows
 * the id (the ERP, an auditor) can find the erasure; the row alone does not say whom it was about.
 */
export const debtorHash = (corporation: string, debtorId: string) =>
  createHash('sha256').update(`outputstraat-erasure\u0000${corporation}\u0000${debtorId}`).digest('hex');

const list = (ids: readonly string[]) =>
  `${ids.slice(0, SHOWN).join(', ')}${ids.length > SHOWN ? ` and ${ids.length - SHOWN} more` : ''}`;

/** Erases the debtor, or answers as the last erasure did when nothing of the debtor is left; 404 when unknown. */
export async function eraseDebtor(
  db: Database,
  corporation: string,
  debtorId: string,
): Promise<ErasureResult> {
  const hash = debtorHash(corporation, debtorId);
  return db.transaction(async (tx) => {
    // Two requests for one debtor queue here rather than both erasing.
    await tx.query(sql.unsafe`SELECT pg_advisory_xact_lock(hashtextextended(${hash}, 0))`);
    const receivables = (await tx.any(sql.unsafe`
      SELECT id, external_id, status FROM receivables
      WHERE corporation = ${corporation} AND debtor ->> 'id' = ${debtorId}
      ORDER BY accepted_at, id FOR UPDATE`)) as unknown as {
      id: string;
      external_id: string;
      status: string;
    }[];
    if (receivables.length === 0) return earlierErasure(tx, corporation, debtorId, hash);
    const rows: DebtorRows = {
      debtorId,
      receivableIds: receivables.map((r) => r.id),
      externalIds: receivables.map((r) => r.external_id),
    };
    await refuseWhileInUse(tx, debtorId, receivables, rows);
    const counts: Record<string, number> = {};
    for (const group of ROOT_TABLES) {
      const erased = await eraseRows(tx, group, corporation, {
        where: group.root.ofDebtor(rows),
        erasure: true,
      });
      for (const [table, n] of Object.entries(erased)) counts[table] = (counts[table] ?? 0) + n;
    }
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    const row = await tx.one(sql.unsafe`
      INSERT INTO erasures (corporation, debtor_hash, receivables, row_counts, total_rows)
      VALUES (${corporation}, ${hash}, ${receivables.length}, ${sql.jsonb(counts)}, ${total})
      RETURNING id, erased_at`);
    const erasedAt = new Date(row.erased_at as string).toISOString();
    await insertEvents(tx, [
      {
        corporation,
        type: 'debtor.erased',
        data: { debtorId, erasedAt, receivables: receivables.length },
      },
    ]);
    return {
      debtorId,
      status: 'erased' as const,
      erasure: row.id as string,
      erasedAt,
      receivables: receivables.length,
      rows: total,
    };
  });
}

async function earlierErasure(
  tx: Tx,
  corporation: string,
  debtorId: string,
  hash: string,
): Promise<ErasureResult> {
  const row = await tx.maybeOne(sql.unsafe`
    SELECT id, erased_at, receivables, total_rows FROM erasures
    WHERE corporation = ${corporation} AND debtor_hash = ${hash} ORDER BY erased_at DESC LIMIT 1`);
  // The same answer for a debtor of another corporation as for one that never existed.
  if (!row) throw createError('OST_ERR_NOT_FOUND', [`debtor ${debtorId}`]);
  return {
    debtorId,
    status: 'erased',
    erasure: row.id as string,
    erasedAt: new Date(row.erased_at as string).toISOString(),
    receivables: Number(row.receivables),
    rows: Number(row.total_rows),
  };
}

/** 409 while a dossier is live, a message is being handed over, or a letter waits for the printer. */
async function refuseWhileInUse(
  tx: Tx,
  debtorId: string,
  receivables: readonly { external_id: string; status: string }[],
  rows: DebtorRows,
): Promise<void> {
  const live = receivables.filter((r) => LIVE.includes(r.status)).map((r) => r.external_id);
  if (live.length > 0) {
    throw createError('OST_ERR_CONFLICT', [
      `debtor ${debtorId} has ${live.length} receivable(s) still open or paused: ${list(live)}`,
      'cancel them (PATCH /v1/receivables/{externalId} with {"status": "cancelled"}) or report them paid, then erase again',
    ]);
  }
  const busy = await tx.oneFirst(sql.unsafe`
    SELECT count(*) FROM messages
    WHERE receivable_id = ANY(${sql.array(rows.receivableIds, 'uuid')}) AND status = 'sending'`);
  if (Number(busy) > 0) {
    throw createError('OST_ERR_CONFLICT', [
      `a message to debtor ${debtorId} is being handed to its provider right now`,
      'erase again in a minute',
    ]);
  }
  const waiting = await tx.maybeOneFirst(sql.unsafe`
    SELECT max(b.close_at) FROM print_letters l JOIN print_batches b ON b.id = l.batch_id
    JOIN messages m ON m.id = l.message_id
    WHERE m.receivable_id = ANY(${sql.array(rows.receivableIds, 'uuid')}) AND b.status <> 'uploaded'`);
  if (waiting) {
    throw createError('OST_ERR_CONFLICT', [
      `a letter to debtor ${debtorId} waits in a print batch that closes at ${new Date(waiting as string).toISOString()}`,
      'erase again once the batch has been uploaded to the printer',
    ]);
  }
}
