// Corrections at intake (docs/adr/0007, "Corrections"): a re-post of a known externalId with changed
// content. Newer: the receivable takes the new data (amount, balance, due date, description, the fields
// classification reads), a `receivable.corrected` event names the changed fields, every case of it gets a
// timeline sentence, and a changed balance is fed to its running cases like a PATCH of the balance.
// Not newer: nothing changes and `receivable.correction-ignored` says so. Identical: nothing at all.
// The debtor's contact details were already brought up to date (upsertDebtors: newer data only), and
// messages are addressed from the debtor row, so a corrected email address reaches the next reminder.
//
// Lock order (ADR 0007): the debtor rows (upsertDebtors, before this), then the receivable's cases by id,
// then the receivable — as payments and the dispatcher do.
import type { CaseEvent } from '../../core/engine/index.js';
import {
  changedFields,
  correctionSentence,
  isNewer,
  postedBalance,
  type ReceivableInput,
} from '../../core/receivable/index.js';
import { sql, typedRows } from '../../platform/db/index.js';
import type { BundleStore } from '../bundles/index.js';
import {
  appendTimeline,
  type EventInput,
  insertEvents,
  lockCase,
  lockReceivable,
  type Tx,
} from './case-repository.js';
import { feedCase } from './case-runner.js';

export interface RePost {
  corporation: string;
  receivable: ReceivableInput;
}

interface Stored {
  id: string;
  corporation: string;
  external_id: string;
  payload: ReceivableInput;
  version: number | null;
  erp_updated_at: Date | null;
}

const markOf = (s: Pick<Stored, 'version' | 'erp_updated_at'>) => ({
  version: s.version,
  updatedAt: s.erp_updated_at ? s.erp_updated_at.toISOString() : null,
});

/** The stored version marks of a receivable, for the ingress's `stale` answer. */
export async function storedReceivable(
  db: Pick<Tx, 'maybeOne'>,
  corporation: string,
  externalId: string,
): Promise<{ payload: ReceivableInput; version: number | null; updatedAt: string | null } | null> {
  const row = await db.maybeOne(sql.unsafe`
    SELECT payload, version, erp_updated_at FROM receivables
    WHERE corporation = ${corporation} AND external_id = ${externalId}`);
  if (!row) return null;
  return { payload: row.payload as unknown as ReceivableInput, ...markOf(row as unknown as Stored) };
}

/** Applies the re-posts of a batch (receivables already stored) inside `tx`; returns how many corrected. */
export async function correctReceivables(
  tx: Tx,
  bundles: BundleStore,
  rePosts: readonly RePost[],
  now: Date,
): Promise<number> {
  if (rePosts.length === 0) return 0;
  const keys = rePosts.map((p) => ({ corporation: p.corporation, external_id: p.receivable.externalId }));
  const rows = (await tx.any(sql.unsafe`
    SELECT r.id, r.corporation, r.external_id, r.payload, r.version, r.erp_updated_at
    FROM receivables r JOIN ${typedRows(
      [
        ['corporation', 'text'],
        ['external_id', 'text'],
      ],
      keys,
    )} USING (corporation, external_id)
    ORDER BY r.id`)) as unknown as Stored[];
  const ids = new Map(rows.map((r) => [`${r.corporation}\u0000${r.external_id}`, r.id]));
  // In the order posted, per receivable; receivables in id order so concurrent batches lock alike.
  const work = rePosts
    .map((p) => ({
      id: ids.get(`${p.corporation}\u0000${p.receivable.externalId}`),
      receivable: p.receivable,
    }))
    .filter((w): w is { id: string; receivable: ReceivableInput } => w.id !== undefined)
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  let corrected = 0;
  for (const w of work) if (await correctOne(tx, bundles, w.id, w.receivable, now)) corrected++;
  return corrected;
}

async function correctOne(
  tx: Tx,
  bundles: BundleStore,
  receivableId: string,
  posted: ReceivableInput,
  now: Date,
): Promise<boolean> {
  const caseIds = (await tx.anyFirst(sql.unsafe`
    SELECT id FROM cases WHERE receivable_id = ${receivableId} ORDER BY id`)) as string[];
  const cases = [];
  for (const id of caseIds) cases.push(await lockCase(tx, id));
  const r = await lockReceivable(tx, receivableId);
  const stored = (await tx.one(sql.unsafe`
    SELECT payload, version, erp_updated_at FROM receivables WHERE id = ${receivableId}`)) as unknown as Stored;
  const fields = changedFields(stored.payload, posted);
  if (fields.length === 0) return false;
  const base = { corporation: r.corporation, receivableId, externalId: r.external_id, at: now };
  const mark = { version: posted.version ?? null, updatedAt: posted.updatedAt ?? null };
  const storedMark = markOf(stored);
  if (!isNewer(mark, storedMark)) {
    await insertEvents(tx, [
      {
        ...base,
        type: 'receivable.correction-ignored',
        data: { fields, version: mark.version, storedVersion: storedMark.version },
      },
    ]);
    return false;
  }
  // The ERP's balance is authoritative when it changed it; otherwise payments reported here stand.
  const balanceChanged = postedBalance(posted) !== postedBalance(stored.payload);
  const settled = balanceChanged && postedBalance(posted) <= 0 && posted.amount > 0;
  const open = r.status === 'open' || r.status === 'paused';
  const balance = balanceChanged && open ? postedBalance(posted) : r.balance_minor;
  const status = settled && open ? 'paid' : r.status;
  await tx.query(sql.unsafe`
    UPDATE receivables SET payload = ${sql.jsonb(posted as never)}, amount_minor = ${posted.amount},
      balance_minor = ${balance}, status = ${status}, due_date = ${posted.dueDate},
      description = ${posted.description ?? null}, invoice_number = ${posted.invoiceNumber ?? null},
      payment_reference = ${posted.paymentReference}, version = ${mark.version},
      erp_updated_at = ${mark.updatedAt}
    WHERE id = ${receivableId}`);
  const events: EventInput[] = [
    { ...base, type: 'receivable.corrected', data: { fields, version: mark.version } },
  ];
  if (status === 'paid' && r.status !== 'paid')
    events.push({ ...base, type: 'receivable.paid', data: { balance } });
  await insertEvents(tx, events);
  const sentence = { at: now.toISOString(), text: correctionSentence(fields, mark) };
  for (const c of cases) await appendTimeline(tx, c.id, [sentence]);
  if (balance === r.balance_minor) return true;
  const event: CaseEvent =
    status === 'paid' ? { type: 'paid', balance } : { type: 'balanceChanged', balance };
  for (const c of cases) {
    if (c.status === 'active' || c.status === 'paused')
      await feedCase(tx, bundles, c.id, { type: 'event', event }, now);
  }
  return true;
}
