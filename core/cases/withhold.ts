/**
 * Why a message may not go out now, or undefined: the one rule the runtime's dispatcher and the
 * simulator both apply. A completed case still delivers the sends its last steps asked for; a stopped or
 * paused one does not; nothing goes out for a paid, cancelled or paused receivable or a paused
 * corporation — except an alert that tells the consultants why the case ended or stays paused, and the
 * letter to the estate of a deceased debtor that the flow asks for (spec.onDeceased: estateLetter). "Paid" is the
 * receivable's status (set by a payment), not a zero balance: campaigns (contact data, meter readings,
 * letters) carry no amount and are not paid.
 */
export function withholdReason(
  caseStatus: string,
  receivableStatus: string,
  corporationPaused: boolean,
  /**
   * An alert about the case's end or hold itself (a deceased debtor, a freeze that ended under
   * onFreezeEnd: alert), or the estate letter after a deceased debtor's stop: only a paused corporation
   * holds it.
   */
  aboutEnd = false,
  /** A send that goes out although the case is paused (a reminder before an arrangement's instalment). */
  duringPause = false,
): string | undefined {
  if (aboutEnd) return corporationPaused ? 'corporation is paused' : undefined;
  if (caseStatus === 'stopped' || (caseStatus === 'paused' && !duringPause)) return `case is ${caseStatus}`;
  if (receivableStatus === 'paid') return 'receivable is paid';
  if (receivableStatus !== 'open') return `receivable is ${receivableStatus}`;
  if (corporationPaused) return 'corporation is paused';
  return undefined;
}
