// One payment for a whole debtor-scope dossier (the payment page pays the dossier's total, ADR 0007):
// spread over its open items, oldest due date first, the way a collections team books it. Pure; the
// PSP webhook applies the shares under the dossier's and the items' locks, so a balance change or an ERP
// payment arriving at the same moment is either in the balances read here or comes after.
import { type DossierItem, openItems } from './dossier.js';

/** What one item gets of the payment, in minor units, and its balance after it. */
export interface PaymentShare {
  externalId: string;
  amount: number;
  balanceAfter: number;
}

/**
 * Pays the open, undisputed items oldest first: each item takes what it still owes until the amount runs
 * out; the item where it runs out keeps the rest of its balance open. An amount above the total (the
 * total fell between checkout and payment) is not lost: the newest item takes the excess, as a single
 * receivable would, and ends below zero. No open items: no shares (the caller books it elsewhere).
 */
export function spreadPayment(
  items: readonly DossierItem[],
  amount: number,
  disputed: ReadonlySet<string> = new Set(),
): PaymentShare[] {
  if (!Number.isInteger(amount) || amount <= 0)
    throw new RangeError('a payment is a positive amount in cents');
  const open = openItems(items, disputed);
  const shares: PaymentShare[] = [];
  let left = amount;
  for (const item of open) {
    if (left <= 0) break;
    const paid = Math.min(left, item.balance);
    shares.push({ externalId: item.input.externalId, amount: paid, balanceAfter: item.balance - paid });
    left -= paid;
  }
  const newest = shares.at(-1);
  if (left > 0 && newest) {
    newest.amount += left;
    newest.balanceAfter -= left;
  }
  return shares;
}
