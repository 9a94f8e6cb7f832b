// The fixed parts of the outcome rules (docs/outcomes.md): the windows after which "paid within N days"
// is judged, and the reply classes that count as a complaint. One place, read by the pure attribution,
// the SQL that computes the same figures at scale, and the experiments' guardrails.
import type { ReplyClass } from '../replies/index.js';

/** Days after a dossier start (or a message) within which a payment counts. */
export const OUTCOME_WINDOWS = [3, 7, 14, 30] as const;
export type OutcomeWindow = (typeof OUTCOME_WINDOWS)[number];

/** Reply classes that count as a complaint: the debtor asks us to stop, or disputes the claim. */
export const COMPLAINT_REPLY_CLASSES: readonly ReplyClass[] = ['stop', 'dispute'];

export const isComplaintReply = (replyClass: string): boolean =>
  (COMPLAINT_REPLY_CLASSES as readonly string[]).includes(replyClass);

export const DAY_MS = 86_400_000;

/** Whether `at` falls within `days` days after `from` (inclusive at both ends). */
export function withinDays(from: Date, at: Date, days: number): boolean {
  const ms = at.getTime() - from.getTime();
  return ms >= 0 && ms <= days * DAY_MS;
}
