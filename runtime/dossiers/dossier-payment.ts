// The payment page of a debtor-scope dossier pays the dossier, not one item (ADR 0007, docs/pages.md):
// what the page and the checkout show is the total of the open items read at that moment, and a paid
// amount is spread over the open items oldest first (core/cases/payment-spread.ts), one payment row per
// item, so totals, events and the dossier's stop follow from the same code as an ERP payment.
//
// Race-freedom: in one transaction the caller's claim comes first (the PSP payment row: applied once),
// then every case the items concern (ordered by id) and then the items (ordered by id) — the order of
// case-events.ts for one receivable, extended to all of them. A balance change or an ERP payment on any
// item waits for the spread or goes first; the spread reads the balances only once it holds the locks.
import {
  type DossierView,
  disputedExternalIds,
  dossierView,
  type PaymentShare,
  spreadPayment,
} from '../../core/cases/index.js';
import type { PaymentInput } from '../../core/receivable/index.js';
import { type Database, sql } from '../../platform/db/index.js';
import { applyLocked, CANDIDATE_CASES, type CaseEventDeps, CaseSetChanged } from './case-events.js';
import type { Tx } from './case-repository.js';
import { dossierItemOf, dossierItems } from './debtor-dossiers.js';

const MAX_ATTEMPTS = 3;

/** The running debtor-scope dossier whose current item the receivable is, if any. */
async function runningDossierOf(db: Database | Tx, corporation: string, receivableId: string) {
  const id = await db.maybeOneFirst(sql.unsafe`
    SELECT c.id FROM case_items ci JOIN cases c ON c.id = ci.case_id
    WHERE ci.receivable_id = ${receivableId} AND ci.left_at IS NULL AND c.corporation = ${corporation}
      AND c.scope = 'debtor' AND c.status IN ('active', 'paused')
    ORDER BY c.id LIMIT 1`);
  return (id as string | null) ?? undefined;
}

/** What the payment page offers for a link: the running dossier's open items and their total. */
export async function payableDossier(
  db: Database,
  corporation: string,
  receivableId: string,
): Promise<{ caseId: string; view: DossierView } | undefined> {
  const caseId = await runningDossierOf(db, corporation, receivableId);
  if (!caseId) return undefined;
  const found = (await dossierItems(db, [caseId])).get(caseId);
  if (!found) return undefined;
  return {
    caseId,
    view: dossierView(found.rows.map(dossierItemOf), disputedExternalIds(found.statuses)),
  };
}

export type DossierPaymentResult =
  /** The receivable is in no running dossier: the caller books the payment on it alone. */
  | { kind: 'none' }
  /** The claim said this payment was applied before. */
  | { kind: 'duplicate' }
  /** Booked: one share per item (none when nothing was open any more: then on the link's receivable). */
  | { kind: 'spread'; shares: PaymentShare[] };

/** Every item of the dossier and the cases they concern, locked: cases by id, then receivables by id. */
async function lockDossier(tx: Tx, caseId: string, receivableId: string): Promise<void> {
  const itemsOf = async () =>
    [
      ...new Set([
        receivableId,
        ...((await tx.anyFirst(sql.unsafe`
          SELECT receivable_id FROM case_items WHERE case_id = ${caseId} AND left_at IS NULL`)) as string[]),
      ]),
    ].sort();
  const casesOf = async (items: string[]) =>
    [
      ...new Set([
        caseId,
        ...((await tx.anyFirst(sql.unsafe`
          SELECT id FROM cases
          WHERE (receivable_id = ANY(${sql.array(items, 'uuid')})
                 OR id IN (SELECT case_id FROM case_items
                           WHERE receivable_id = ANY(${sql.array(items, 'uuid')}) AND left_at IS NULL))
            AND ${CANDIDATE_CASES}`)) as string[]),
      ]),
    ].sort();
  const items = await itemsOf();
  const cases = await casesOf(items);
  await tx.query(
    sql.unsafe`SELECT id FROM cases WHERE id = ANY(${sql.array(cases, 'uuid')}) ORDER BY id FOR UPDATE`,
  );
  await tx.query(
    sql.unsafe`SELECT id FROM receivables WHERE id = ANY(${sql.array(items, 'uuid')}) ORDER BY id FOR UPDATE`,
  );
  // An item joined, or a case appeared, between the first look and the locks: start again.
  const same = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
  const itemsNow = await itemsOf();
  if (!same(itemsNow, items) || !same(await casesOf(itemsNow), cases)) throw new CaseSetChanged();
}

/**
 * Books a PSP payment made on the link of `receivableId`: when that receivable is an item of a running
 * dossier, spread over the dossier's open items oldest first, in one transaction that first runs `claim`
 * (false: applied before, nothing happens). Payment ids are `<paymentId>/<externalId>` per item.
 */
export async function applyDossierPayment(
  deps: CaseEventDeps,
  corporation: string,
  receivableId: string,
  payment: PaymentInput,
  claim: (tx: Tx) => Promise<boolean>,
): Promise<DossierPaymentResult> {
  const caseId = await runningDossierOf(deps.db, corporation, receivableId);
  if (!caseId) return { kind: 'none' };
  for (let attempt = 1; ; attempt++) {
    try {
      return await deps.db.transaction(async (tx): Promise<DossierPaymentResult> => {
        if (!(await claim(tx))) return { kind: 'duplicate' };
        await lockDossier(tx, caseId, receivableId);
        const found = (await dossierItems(tx, [caseId])).get(caseId);
        const rows = found?.rows ?? [];
        const shares = spreadPayment(
          rows.map(dossierItemOf),
          payment.amount,
          disputedExternalIds(found?.statuses),
        );
        if (shares.length === 0) {
          // Everything was settled meanwhile: the payment is still recorded, on the link's receivable.
          await applyLocked(tx, deps, corporation, receivableId, { type: 'payment', payment });
          return { kind: 'spread', shares };
        }
        for (const share of shares) {
          const item = rows.find((r) => r.external_id === share.externalId)!;
          await applyLocked(tx, deps, corporation, item.id, {
            type: 'payment',
            payment: {
              ...payment,
              paymentId: `${payment.paymentId}/${share.externalId}`,
              amount: share.amount,
            },
          });
        }
        return { kind: 'spread', shares };
      });
    } catch (err) {
      if (!(err instanceof CaseSetChanged) || attempt >= MAX_ATTEMPTS) throw err;
    }
  }
}
