// A dossier's items and total (ADR 0007, "Flows"): what a debtor-scope dossier is about, as templates,
// CEL and the engine see it. Pure; the runtime (intake, dispatch, payments) and the simulator both call
// it, so a message's total and the engine's "total 0 is paid" cannot disagree.
import type { CaseEvent } from '../engine/index.js';
import type { ReceivableInput } from '../receivable/index.js';
import type { ReceivableState } from './receivable-state.js';

/** One receivable of a dossier with its current balance and status. */
export interface DossierItem {
  input: ReceivableInput;
  balance: number;
  status: ReceivableState['status'];
}

/** What templates see as `dossier`. Amounts in minor units (cents). */
export interface DossierView {
  /** Sum of the balances of the open, undisputed items. */
  total: number;
  /** Number of items in `items`. */
  count: number;
  currency: string;
  items: { externalId: string; description?: string; dueDate: string; amount: number; balance: number }[];
}

/**
 * The externalIds a debtor disputes, from the debtors row's `statuses` (`dispute.externalIds`). Disputed
 * items leave the total.
 */
export function disputedExternalIds(statuses: unknown): ReadonlySet<string> {
  const dispute = (statuses as { dispute?: { externalIds?: unknown } } | null | undefined)?.dispute;
  const ids = dispute?.externalIds;
  return new Set(Array.isArray(ids) ? ids.filter((x): x is string => typeof x === 'string') : []);
}

const byDueDate = (a: DossierItem, b: DossierItem) =>
  a.input.dueDate < b.input.dueDate
    ? -1
    : a.input.dueDate > b.input.dueDate
      ? 1
      : a.input.externalId < b.input.externalId
        ? -1
        : a.input.externalId > b.input.externalId
          ? 1
          : 0;

/** Open items with something still to pay, oldest due date first; disputed ones left out. */
export function openItems(items: readonly DossierItem[], disputed: ReadonlySet<string>): DossierItem[] {
  return items
    .filter((i) => i.status === 'open' && i.balance > 0 && !disputed.has(i.input.externalId))
    .sort(byDueDate);
}

export function dossierView(
  items: readonly DossierItem[],
  disputed: ReadonlySet<string> = new Set(),
): DossierView {
  const open = openItems(items, disputed);
  return {
    total: open.reduce((sum, i) => sum + i.balance, 0),
    count: open.length,
    currency: open[0]?.input.currency ?? items[0]?.input.currency ?? 'EUR',
    items: open.map((i) => ({
      externalId: i.input.externalId,
      ...(i.input.description !== undefined ? { description: i.input.description } : {}),
      dueDate: i.input.dueDate,
      amount: i.input.amount,
      balance: i.balance,
    })),
  };
}

/**
 * The receivable a debtor-scope dossier stands for, so existing templates and CEL keep working: its
 * oldest open item with `balance` = the total. Nothing open: the oldest item, paid when any item was
 * paid (else as that item is), with balance 0.
 */
export function dossierReceivable(
  items: readonly DossierItem[],
  disputed: ReadonlySet<string> = new Set(),
): ReceivableState {
  const all = [...items].sort(byDueDate);
  const open = openItems(all, disputed);
  const first = open[0] ?? all[0];
  if (!first) throw new RangeError('a dossier has at least one item');
  if (open.length > 0) {
    const total = open.reduce((sum, i) => sum + i.balance, 0);
    return { input: first.input, balance: total, status: 'open' };
  }
  const status = all.some((i) => i.status === 'paid' || (i.status === 'open' && i.balance <= 0))
    ? 'paid'
    : first.status;
  return { input: first.input, balance: 0, status };
}

/**
 * The event a dossier gets for a change reported on one of its items, given the dossier after it:
 * balance events speak of the dossier's total (0 is paid); a cancelled item only lowers the total while
 * others are open. Status events (pause, arrangement …) concern the whole dossier as they are.
 */
export function dossierEvent(
  event: CaseEvent,
  after: { total: number; status: ReceivableState['status'] },
): CaseEvent {
  switch (event.type) {
    case 'paid':
    case 'partiallyPaid':
    case 'balanceChanged':
      if (after.total <= 0) return { type: 'paid', balance: 0 };
      return {
        type: event.type === 'balanceChanged' ? 'balanceChanged' : 'partiallyPaid',
        balance: after.total,
      };
    case 'cancelled':
      if (after.total > 0) return { type: 'balanceChanged', balance: after.total };
      return after.status === 'paid' ? { type: 'paid', balance: 0 } : event;
    default:
      return event;
  }
}
