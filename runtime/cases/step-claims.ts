import type { Database } from '../db/index.js';
import { sql } from '../db/index.js';

export interface StepRow {
  id: string;
  case_id: string;
  corporation: string;
  step_id: string;
  kind: 'due' | 'watch' | 'send' | 'alert';
  due_at: Date;
  attempts: number;
  payload: Record<string, unknown>;
  result: Record<string, unknown> | null;
}

/**
 * Claims up to `limit` due steps for this replica. SKIP LOCKED lets any number of replicas poll at once
 * without two of them ever taking the same row.
 */
export async function claimDueSteps(
  db: Database,
  instanceId: string,
  now: Date,
  limit: number,
): Promise<StepRow[]> {
  const rows = await db.any(sql.unsafe`
    UPDATE steps SET status = 'claimed', claimed_by = ${instanceId}, claimed_at = now(), attempts = attempts + 1
    WHERE id IN (
      SELECT id FROM steps WHERE status = 'scheduled' AND due_at <= ${now.toISOString()}
      ORDER BY due_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)
    RETURNING id, case_id, corporation, step_id, kind, due_at, attempts, payload, result`);
  return rows as unknown as StepRow[];
}

/**
 * Claims whose replica died (or hung) past the lease go back to the queue. A send that had recorded its
 * message before the crash is sent again with the same message id: at-least-once towards the provider.
 */
export async function releaseStaleClaims(db: Database, leaseMs: number): Promise<number> {
  const rows = await db.any(sql.unsafe`
    UPDATE steps SET status = 'scheduled', claimed_by = NULL, claimed_at = NULL
    WHERE status = 'claimed' AND claimed_at < now() - make_interval(secs => ${leaseMs / 1000})
    RETURNING id`);
  return rows.length;
}

export async function finishStep(
  db: Pick<Database, 'query'>,
  id: string,
  status: 'done' | 'sent' | 'skipped' | 'failed' | 'cancelled',
  reason?: string,
  result?: Record<string, unknown>,
): Promise<void> {
  await db.query(sql.unsafe`
    UPDATE steps SET status = ${status}, reason = ${reason ?? null},
      result = coalesce(result, '{}'::jsonb) || ${sql.jsonb((result ?? {}) as never)}
    WHERE id = ${id}`);
}

export async function retryStepLater(
  db: Database,
  id: string,
  delayMs: number,
  reason: string,
): Promise<void> {
  await db.query(sql.unsafe`
    UPDATE steps SET status = 'scheduled', claimed_by = NULL, claimed_at = NULL, reason = ${reason},
      due_at = now() + make_interval(secs => ${delayMs / 1000})
    WHERE id = ${id}`);
}
