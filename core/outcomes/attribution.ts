// What followed a dossier and each of its messages (docs/outcomes.md, "Attribution"). Pure: the history
// comes in, the outcome goes out; the clock only decides whether a dossier's outcome is final.
//
// Per dossier: every payment, arrangement and reply from the dossier's start counts, whatever message
// preceded it. Per message (last touch): a payment or an arrangement belongs to the last message sent at
// or before it; a reply to the message it answers (its reply address or SMS thread), else to the last
// message before it. What happened before the first message belongs to no message.
import { addCents } from './price.js';
import { isComplaintReply, OUTCOME_WINDOWS, type OutcomeWindow, withinDays } from './rules.js';

export interface OutcomeMessage {
  id: string;
  step: string;
  channel: string;
  sentAt: Date;
  /** The channel's price when it was sent, in cents (0 when none was declared). */
  costCents: number;
}

export interface OutcomePayment {
  at: Date;
  /** Minor units paid. */
  amount: number;
  /** The receivable's balance after it; at or below 0 is paid in full. */
  balanceAfter: number;
}

export interface OutcomeReply {
  at: Date;
  replyClass: string;
  /** The message the reply answers, when the street could tell. */
  messageId?: string;
}

export interface DossierHistory {
  startedAt: Date;
  messages: readonly OutcomeMessage[];
  payments: readonly OutcomePayment[];
  arrangements: readonly Date[];
  replies: readonly OutcomeReply[];
}

export type PerWindow<T> = Record<OutcomeWindow, T>;

export interface Outcome {
  paidInFullWithin: PerWindow<boolean>;
  /** Some payment within the window, yet not paid in full within it. */
  paidPartlyWithin: PerWindow<boolean>;
  /** Minor units recovered (all payments counted here). */
  recovered: number;
  arrangement: boolean;
  replied: boolean;
  complaint: boolean;
  costCents: number;
}

export interface DossierOutcome extends Outcome {
  messages: number;
  paidInFullAt?: Date;
  /** Paid in full, or the longest window has passed: the figures will not change any more. */
  final: boolean;
}

export interface MessageOutcome extends Outcome {
  message: OutcomeMessage;
}

const perWindow = <T>(f: (days: OutcomeWindow) => T): PerWindow<T> =>
  Object.fromEntries(OUTCOME_WINDOWS.map((d) => [d, f(d)])) as PerWindow<T>;

const LONGEST = OUTCOME_WINDOWS[OUTCOME_WINDOWS.length - 1] as OutcomeWindow;

function outcomeFrom(
  from: Date,
  payments: readonly OutcomePayment[],
  arrangements: readonly Date[],
  replies: readonly OutcomeReply[],
  costCents: number,
): Outcome {
  const settled = payments.find((p) => p.balanceAfter <= 0);
  const full = perWindow((d) => settled !== undefined && withinDays(from, settled.at, d));
  return {
    paidInFullWithin: full,
    paidPartlyWithin: perWindow(
      (d) => !full[d] && payments.some((p) => p.amount > 0 && withinDays(from, p.at, d)),
    ),
    recovered: payments.reduce((sum, p) => sum + p.amount, 0),
    arrangement: arrangements.length > 0,
    replied: replies.length > 0,
    complaint: replies.some((r) => isComplaintReply(r.replyClass)),
    costCents,
  };
}

const byTime =
  <T>(at: (x: T) => Date) =>
  (a: T, b: T) =>
    at(a).getTime() - at(b).getTime();

export function dossierOutcome(history: DossierHistory, now: Date): DossierOutcome {
  const after = (at: Date) => at.getTime() >= history.startedAt.getTime();
  const payments = history.payments.filter((p) => after(p.at)).sort(byTime((p) => p.at));
  const cost = history.messages.reduce((sum, m) => addCents(sum, m.costCents), 0);
  const outcome = outcomeFrom(
    history.startedAt,
    payments,
    history.arrangements.filter(after),
    history.replies.filter((r) => after(r.at)),
    cost,
  );
  const paidInFullAt = payments.find((p) => p.balanceAfter <= 0)?.at;
  const final = paidInFullAt !== undefined || !withinDays(history.startedAt, now, LONGEST);
  return { ...outcome, messages: history.messages.length, ...(paidInFullAt ? { paidInFullAt } : {}), final };
}

/** The message sent last at or before `at`, or undefined when none was. */
function lastBefore(sorted: readonly OutcomeMessage[], at: Date): OutcomeMessage | undefined {
  let found: OutcomeMessage | undefined;
  for (const m of sorted) {
    if (m.sentAt.getTime() > at.getTime()) break;
    found = m;
  }
  return found;
}

export function messageOutcomes(history: DossierHistory): MessageOutcome[] {
  const sorted = [...history.messages].sort(byTime((m) => m.sentAt));
  const ids = new Set(sorted.map((m) => m.id));
  const payments = [...history.payments].sort(byTime((p) => p.at));
  const owner = (at: Date) => lastBefore(sorted, at)?.id;
  const replyOwner = (r: OutcomeReply) => (r.messageId && ids.has(r.messageId) ? r.messageId : owner(r.at));
  return sorted.map((message) => ({
    message,
    ...outcomeFrom(
      message.sentAt,
      payments.filter((p) => owner(p.at) === message.id),
      history.arrangements.filter((a) => owner(a) === message.id),
      history.replies.filter((r) => replyOwner(r) === message.id),
      message.costCents,
    ),
  }));
}
