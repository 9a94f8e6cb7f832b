// What a dispatch message needs once every send it carries ended (ADR 0004, "One message a group"). A send
// that must run again makes the whole message come back: the sends that ended are then stale and do
// nothing (their step rows say so), so coming back is always safe and acking only when all are done is
// the one way nothing is lost.

/**
 * What one send needs of its message: nothing more (`done`), nothing more after it became a dead letter
 * (`given-up`), to be looked at again later (`busy`: another dispatcher holds its step), to run again
 * (`retry`: it failed and may pass), or to come back soon untouched (`held`: the database went away while
 * this process stops).
 */
export type Verdict = 'done' | 'given-up' | 'busy' | 'retry' | 'held';

/** ack/term: gone from the stream; held: back at once; retry: back after the redelivery wait; busy: after a quarter lease. */
export type Settlement = 'ack' | 'term' | 'held' | 'retry' | 'busy';

export function settlement(verdicts: readonly Verdict[]): Settlement {
  if (verdicts.includes('held')) return 'held';
  if (verdicts.includes('retry')) return 'retry';
  if (verdicts.includes('busy')) return 'busy';
  if (verdicts.length > 0 && verdicts.every((v) => v === 'given-up')) return 'term';
  return 'ack';
}
