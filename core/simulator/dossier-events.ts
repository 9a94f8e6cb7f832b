// A debtor-scope dossier in the simulator (ADR 0007): payments and status events on its items, and
// what a hand-over gives away. The dossier's total and its "0 is paid" come from core/cases/dossier.ts,
// as in the runtime.
import { type DossierItem, dossierEvent, dossierReceivable, dossierView, openItems } from '../cases/index.js';
import type { Effect } from '../engine/index.js';
import { formatMoney, type Locale } from '../render/index.js';
import { applyToReceivable, type ReceivableChange } from './scenario-events.js';
import type { SimEvent, SimulationResult, TimelineRow } from './types.js';

const money = (items: readonly DossierItem[], minor: number, locale: Locale) =>
  formatMoney(minor, items[0]?.input.currency ?? 'EUR', locale);

/**
 * A payment or status event on a dossier's item (`item`; else every item for paid and cancelled, the
 * oldest open one for a balance): the item changes as a receivable would (in place), the dossier hears
 * of its total.
 */
export function changeItems(
  items: DossierItem[],
  event: Exclude<SimEvent, { step: string } | { type: 'receivable' }>,
  locale: Locale,
): ReceivableChange {
  const item = 'item' in event && typeof event.item === 'string' ? event.item : undefined;
  const named = item !== undefined;
  const oldest = openItems(items, new Set())[0] ?? items[0]!;
  const targets = named
    ? items.filter((i) => i.input.externalId === item)
    : event.type === 'paid' || event.type === 'cancelled'
      ? items
      : [oldest];
  if (targets.length === 0) throw new RangeError(`event ${event.type}: the dossier has no item "${item}"`);
  let first: ReceivableChange | undefined;
  for (const item of targets) {
    const change = applyToReceivable(
      { input: item.input, balance: item.balance, status: item.status },
      event,
      locale,
    );
    item.balance = change.receivable.balance;
    item.status = change.receivable.status;
    first ??= change;
  }
  const receivable = dossierReceivable(items);
  const total = dossierView(items).total;
  const which = named ? ` on ${item}` : '';
  return {
    receivable,
    ...(first!.event ? { event: dossierEvent(first!.event, { total, status: receivable.status }) } : {}),
    ...(first!.text ? { text: `${first!.text}${which}; dossier total ${money(items, total, locale)}` } : {}),
  };
}

/** What a hand-over gives the target flow's dossier: the open items (the runtime joins or starts it). */
export function handOverRow(
  items: readonly DossierItem[],
  e: Extract<Effect, { type: 'handOver' }>,
  at: string,
  locale: Locale,
): { row: TimelineRow; handedOver: NonNullable<SimulationResult['handedOver']> } {
  const open = openItems(items, new Set());
  const total = open.reduce((sum, i) => sum + i.balance, 0);
  const n = open.length === 1 ? '1 open item' : `${open.length} open items`;
  const text =
    open.length === 0
      ? `Nothing handed over to flow '${e.flow}': no open items`
      : `Handed over to flow '${e.flow}': ${n} (${money(items, total, locale)})`;
  return {
    row: { at, text, stepId: e.stepId, kind: 'engine' },
    handedOver: { at, flow: e.flow, reason: e.reason, items: open.map((i) => i.input.externalId), total },
  };
}
