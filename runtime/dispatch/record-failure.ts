// Step 3 of a send when the provider did not take it: the attempt is kept in the message's status
// history and the step goes back to the schedule with a growing wait; after the last attempt the message
// and the step fail and the case is told (its flow may fall back to another channel).
import { backoffDelay } from '../../platform/backoff.js';
import { sql } from '../../platform/db/index.js';
import {
  feedCase,
  finishStep,
  type LockedStep,
  lockCase,
  lockStep,
  retryStepLater,
} from '../dossiers/index.js';
import type { DispatchDeps, DispatchWork, Prepared } from './dispatch-types.js';

const MAX_ATTEMPTS = 5;
const backoffMs = (attempt: number) =>
  backoffDelay(attempt - 1, { initialMs: 30_000, maxMs: 30 * 60_000, jitter: 'none' });

/** The step is still this dispatcher's attempt: queued with this attempt, and held by nobody else. */
const stillHeld = (step: LockedStep | undefined, work: DispatchWork, instanceId: string) =>
  step?.status === 'queued' &&
  step.attempts === work.attempt &&
  (step.claimed_by === null || step.claimed_by === instanceId);

/** What a failed attempt was, kept in the message's history (cleared with it by the retention sweep). */
const attemptDetail = (work: DispatchWork, err: Error & { code?: string }) => ({
  attempt: work.attempt,
  code: err.code ?? null,
  error: err.message,
});

export async function recordFailure(
  deps: DispatchDeps,
  p: Prepared,
  work: DispatchWork,
  err: Error,
  now: Date,
): Promise<'retry' | 'failed' | 'stale'> {
  const reason = err.message;
  const detail = attemptDetail(work, err as Error & { code?: string });
  if (work.attempt < MAX_ATTEMPTS) {
    return deps.db.transaction(async (tx) => {
      const delayMs = backoffMs(work.attempt);
      if (!(await retryStepLater(tx, p.step.id, work.attempt, delayMs, reason, deps.instanceId))) {
        return 'stale' as const;
      }
      await tx.query(sql.unsafe`
        INSERT INTO message_status_history (message_id, corporation, status, source, detail)
        VALUES (${p.messageId}, ${p.caseRow.corporation}, 'attempt-failed', 'dispatch',
          ${sql.jsonb({ ...detail, retryInMs: delayMs } as never)})`);
      return 'retry' as const;
    });
  }
  let recorded = false;
  await deps.db.transaction(async (tx) => {
    await lockCase(tx, p.caseRow.id);
    const step = await lockStep(tx, p.step.id);
    if (!stillHeld(step, work, deps.instanceId)) return;
    recorded = true;
    await tx.query(sql.unsafe`SELECT set_config('outputstraat.status_source', 'dispatch', true),
      set_config('outputstraat.status_detail', ${JSON.stringify(detail)}, true)`);
    await tx.query(sql.unsafe`UPDATE messages SET status = 'failed' WHERE id = ${p.messageId}`);
    await finishStep(tx, p.step.id, 'failed', reason);
    if (p.engineMessageId) {
      await feedCase(
        tx,
        deps.bundles,
        p.caseRow.id,
        { type: 'event', event: { type: 'failed', messageId: p.engineMessageId } },
        now,
      );
    }
  });
  return recorded ? 'failed' : 'stale';
}
