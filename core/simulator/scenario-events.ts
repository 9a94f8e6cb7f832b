// Turning a scenario's events into engine inputs: message events find the engine id of the message they
// are about; payments and status changes update the receivable first, as the ERP's PATCH would.
import type { ReceivableState } from '../cases/index.js';
import type { CaseEvent } from '../engine/index.js';
import { formatMoney, type Locale } from '../render/index.js';
import type { SimEvent, SimMessage } from './types.js';

const MESSAGE_EVENTS: ReadonlySet<string> = new Set(['bounced', 'delivered', 'opened', 'clicked', 'failed']);

export function isMessageEvent(e: SimEvent): e is Extract<SimEvent, { step: string }> {
  return MESSAGE_EVENTS.has(e.type);
}

/** The latest message of the step that went out (optionally only on a channel name or type). */
export function messageOfStep(
  messages: readonly SimMessage[],
  step: string,
  channel: string | undefined,
): SimMessage | undefined {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (m.step !== step || m.error) continue;
    if (channel !== undefined && m.channel !== channel && m.channelType !== channel) continue;
    return m;
  }
  return undefined;
}

export interface ReceivableChange {
  receivable: ReceivableState;
  /** The engine event to feed; none for an opt-out (the engine reads it from the receivable's state). */
  event?: CaseEvent;
  /** The simulator's own sentence for the timeline, when the change is worth one. */
  text?: string;
}

/** The receivable after a payment or status event, and the engine event to feed. */
export function applyToReceivable(
  r: ReceivableState,
  e: Exclude<SimEvent, { step: string } | { type: 'receivable' }>,
  locale: Locale,
): ReceivableChange {
  const currency = r.input.currency ?? 'EUR';
  const money = (minor: number) => formatMoney(minor, currency, locale);
  switch (e.type) {
    case 'paid':
      return {
        receivable: { ...r, balance: 0, status: 'paid' },
        event: { type: 'paid' },
        text: `Payment received: balance ${money(0)}`,
      };
    case 'partiallyPaid':
    case 'balanceChanged': {
      const balance = Math.max(0, e.balance);
      const status = balance <= 0 ? 'paid' : r.status === 'paid' ? 'open' : r.status;
      const what = e.type === 'partiallyPaid' ? 'Partial payment received' : 'Balance changed';
      return {
        receivable: { ...r, balance, status },
        event: { type: e.type, balance },
        text: `${what}: balance ${money(balance)}`,
      };
    }
    case 'cancelled':
      return { receivable: { ...r, status: 'cancelled' }, event: withNote(e) };
    case 'paused':
      return { receivable: { ...r, status: r.status === 'open' ? 'paused' : r.status }, event: withNote(e) };
    case 'resumed':
      return { receivable: { ...r, status: r.status === 'paused' ? 'open' : r.status }, event: withNote(e) };
    case 'arrangement':
      return { receivable: r, event: withNote(e) };
    case 'deceased':
      return { receivable: r, event: { type: 'deceased' }, text: 'Debtor reported deceased' };
    case 'frozen': {
      // scheduleEvents resolved `until` to an instant.
      const until = e.until === undefined ? undefined : new Date(e.until).toISOString();
      const kind = e.kind ?? 'debt-assistance';
      return {
        receivable: r,
        event: { type: 'frozen', kind, ...(until ? { until } : {}) },
        text: `Debtor status: ${kind}${until ? ` until ${until}` : ''}`,
      };
    }
    case 'unfrozen':
      return { receivable: r, event: { type: 'unfrozen' }, text: 'Debtor status cleared: debt assistance' };
    case 'optOut':
      return {
        receivable: { ...r, optOuts: [...new Set([...(r.optOuts ?? []), e.channel])] },
        text: `Debtor opted out of ${e.channel}`,
      };
  }
}

function withNote(e: { type: 'arrangement' | 'paused' | 'resumed' | 'cancelled'; note?: string }): CaseEvent {
  return e.note === undefined ? { type: e.type } : { type: e.type, note: e.note };
}

/** Whether an engine sentence repeats the simulator's own sentence about a balance event. */
export function repeatsBalanceSentence(text: string): boolean {
  return /^(Payment received|Partial payment received|Balance changed)\b/.test(text);
}
