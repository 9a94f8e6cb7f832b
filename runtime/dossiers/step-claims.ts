// SQL for claiming and finishing step rows. A step row is the truth about a step: whoever holds a claim
// (a scheduler for timers, a dispatcher for sends and alerts) must still find it as claimed, with the
// attempt it was given, when it records the outcome. A queued send is held by nobody (claimed_by NULL)
// until a dispatcher takes it; from then on claimed_by names that dispatcher and claimed_at is its lease,
// renewed while the send is in flight, so no other replica takes a step whose send is still going on.
import type { Database } from '../../platform/db/index.js';
import { sql, typedRows } from '../../platform/db/index.js';
import type { Tx } from './case-repository.js';

export type StepKind = 'due' | 'watch' | 'send' | 'alert';

export interface StepRow {
  id: string;
  case_id: string;
  corporation: string;
  step_id: string;
  kind: StepKind;
  due_at: Date;
  attempts: number;
  payload: Record<string, unknown>;
  result: Record<string, unknown> | null;
}

/** A due step as the scheduler sees it: the row plus what it needs to route and spread it. */
export interface DueStep extends StepRow {
  status: string;
  spread_hour: Date | null;
  flow: string;
  flow_revision: string;
  bundle_revision: string;
}

type Queryable = Pick<Database, 'query' | 'any' | 'maybeOne'>;

const STEP_COLUMNS = sql.fragment`s.id, s.case_id, s.corporation, s.step_id, s.kind, s.due_at, s.attempts,
  s.payload, s.result`;

/** What the scheduler claims in one go: timers (due, watch) or sends (send, alert), each on its own index. */
export type StepLane = 'timers' | 'sends';

/** The lane's kinds as a literal, so the planner matches migration 032's partial index of that lane. */
export const LANE_KINDS: Record<StepLane, ReturnType<typeof sql.fragment>> = {
  timers: sql.fragment`kind IN ('due', 'watch')`,
  sends: sql.fragment`kind IN ('send', 'alert')`,
};

/**
 * Locks up to `limit` due, unclaimed steps of one lane inside the caller's transaction. SKIP LOCKED lets
 * any number of replicas poll at once without two of them ever taking the same row; the caller decides
 * per row (claim, queue for dispatch, or move to a spread slot) before it commits.
 * The street is shared, so the steps are taken per corporation in lanes: each corporation with due steps
 * gets an equal share of the round (the oldest first within it), so one corporation's bulk of a hundred
 * thousand never makes another's single storno wait behind it. The lanes are found with one index probe
 * per corporation (migration 032's index of the lane), not by reading the due steps, and whether a lane has
 * a due step with one more. A round may hold a few more than `limit` (the shares are rounded up).
 */
export async function lockDueSteps(tx: Tx, now: Date, limit: number, lane: StepLane): Promise<DueStep[]> {
  const rows = await tx.any(dueStepsQuery(now, limit, lane));
  return rows as unknown as DueStep[];
}

/** lockDueSteps' statement (exported so a test can EXPLAIN what a round reads). */
export function dueStepsQuery(now: Date, limit: number, lane: StepLane) {
  const due = now.toISOString();
  const kinds = LANE_KINDS[lane];
  return sql.unsafe`
    WITH RECURSIVE lanes AS (
      (SELECT corporation FROM steps WHERE status = 'scheduled' AND ${kinds} ORDER BY corporation LIMIT 1)
      UNION ALL
      SELECT (SELECT s.corporation FROM steps s
              WHERE s.status = 'scheduled' AND ${kinds} AND s.corporation > l.corporation
              ORDER BY s.corporation LIMIT 1)
      FROM lanes l WHERE l.corporation IS NOT NULL
    ), due_lanes AS (
      -- One probe per corporation (a lateral LIMIT 1): as EXISTS, the planner made it a semi-join that
      -- read the lane's whole index for due_at, every round (10 ms a round beside 50,000 pending).
      SELECT l.corporation FROM lanes l CROSS JOIN LATERAL (
        SELECT 1 FROM steps d WHERE d.corporation = l.corporation AND d.status = 'scheduled'
          AND ${kinds} AND d.due_at <= ${due} LIMIT 1) d
      WHERE l.corporation IS NOT NULL
    ), taken AS (
      SELECT t.id FROM due_lanes l CROSS JOIN LATERAL (
        SELECT id FROM steps
        WHERE corporation = l.corporation AND status = 'scheduled' AND ${kinds} AND due_at <= ${due}
        ORDER BY due_at
        LIMIT (SELECT ceil(${limit}::float8 / greatest(count(*), 1))::int FROM due_lanes)
        FOR UPDATE SKIP LOCKED) t
    )
    -- Each row's case by its key (a lateral LIMIT 1): the planner cannot know how few rows a round takes,
    -- and a plain join was planned as a hash join over every case.
    SELECT ${STEP_COLUMNS}, s.status, s.spread_hour, c.flow, c.flow_revision, c.bundle_revision
    FROM steps s CROSS JOIN LATERAL (
      SELECT flow, flow_revision, bundle_revision FROM cases WHERE id = s.case_id LIMIT 1) c
    WHERE s.id IN (SELECT id FROM taken)
    ORDER BY s.due_at`;
}

/**
 * Claims locked steps for this replica: timers become 'claimed' (the scheduler runs them), sends and
 * alerts become 'queued' (a dispatcher runs them, and names itself when it takes one). Each claim is a new
 * attempt.
 */
export async function claimSteps(
  tx: Tx,
  ids: readonly string[],
  instanceId: string,
): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map();
  const rows = await tx.any(sql.unsafe`
    UPDATE steps SET
      status = CASE WHEN kind IN ('send', 'alert') THEN 'queued' ELSE 'claimed' END,
      claimed_by = CASE WHEN kind IN ('send', 'alert') THEN NULL ELSE ${instanceId} END,
      claimed_at = now(), attempts = attempts + 1
    WHERE id = ANY(${sql.array(ids, 'uuid')})
    RETURNING id, attempts`);
  return new Map(rows.map((r) => [r.id as string, r.attempts as number]));
}

/** A spread step that must wait for its slot: due later, still scheduled, its hour booked. */
export async function deferToSlot(tx: Tx, id: string, at: Date, hourStart: Date): Promise<void> {
  await tx.query(sql.unsafe`
    UPDATE steps SET due_at = ${at.toISOString()}, spread_hour = ${hourStart.toISOString()}
    WHERE id = ${id}`);
}

export async function markSpreadBooked(tx: Tx, id: string, hourStart: Date): Promise<void> {
  await tx.query(sql.unsafe`UPDATE steps SET spread_hour = ${hourStart.toISOString()} WHERE id = ${id}`);
}

/**
 * Claims whose holder died (or hung) past the lease go back to the queue: a timer the scheduler did not
 * finish (`leaseMs`), or a send whose dispatch message was lost (`queuedLeaseMs`, counted from the claim
 * or from the moment a dispatcher took it; longer, since a queued send may wait for a dispatcher and a
 * dispatcher that dies is covered by JetStream's redelivery). The next claim is a new attempt; a send
 * that had recorded its message goes out again with the same message id.
 */
export async function releaseStaleClaims(
  db: Queryable,
  leaseMs: number,
  queuedLeaseMs: number,
): Promise<number> {
  const rows = await db.any(sql.unsafe`
    UPDATE steps SET status = 'scheduled', claimed_by = NULL, claimed_at = NULL
    WHERE (status = 'claimed' AND claimed_at < now() - make_interval(secs => ${leaseMs / 1000}))
       OR (status = 'queued' AND claimed_at < now() - make_interval(secs => ${queuedLeaseMs / 1000}))
    RETURNING id`);
  return rows.length;
}

/** Gives claims back at once (their dispatch message could not be published). */
export async function releaseClaims(db: Queryable, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.query(sql.unsafe`
    UPDATE steps SET status = 'scheduled', claimed_by = NULL, claimed_at = NULL
    WHERE id = ANY(${sql.array(ids, 'uuid')}) AND status IN ('claimed', 'queued')`);
}

/**
 * The scheduler's back-pressure: steps queued for dispatch and not finished yet, and of those the ones no
 * dispatcher has taken yet (on OST_DISPATCH or in a dispatcher's buffer) — what a newly queued send waits
 * behind.
 */
export async function countQueued(db: Queryable): Promise<{ queued: number; waiting: number }> {
  const row = await db.maybeOne(sql.unsafe`
    SELECT count(*)::int AS queued, (count(*) FILTER (WHERE claimed_by IS NULL))::int AS waiting
    FROM steps WHERE status = 'queued' AND claimed_at IS NOT NULL`);
  return {
    queued: (row?.queued as number | undefined) ?? 0,
    waiting: (row?.waiting as number | undefined) ?? 0,
  };
}

export type LockedStep = StepRow & { status: string; claimed_by: string | null };

/** Locks a step row for a dispatcher and returns it with its status and holder, or undefined when gone. */
export async function lockStep(tx: Tx, id: string): Promise<LockedStep | undefined> {
  const row = await tx.maybeOne(sql.unsafe`
    SELECT ${STEP_COLUMNS}, s.status, s.claimed_by FROM steps s WHERE s.id = ${id} FOR UPDATE`);
  return (row ?? undefined) as LockedStep | undefined;
}

/**
 * A dispatcher takes a queued step, if it is still queued with this attempt and nobody holds it — or its
 * holder let the lease lapse (it died): the lease starts now and names this dispatcher.
 * `taken: undefined` with `held: true` means another dispatcher is sending it right now (a redelivered
 * dispatch message); with `held: false` the message is stale.
 */
export async function takeQueuedStep(
  tx: Tx,
  id: string,
  attempt: number,
  instanceId: string,
  leaseMs: number,
): Promise<{ taken: StepRow | undefined; held: boolean }> {
  const row = await tx.maybeOne(sql.unsafe`
    UPDATE steps s SET claimed_by = ${instanceId}, claimed_at = now()
    WHERE s.id = ${id} AND s.status = 'queued' AND s.attempts = ${attempt}
      AND (s.claimed_by IS NULL OR s.claimed_at < now() - make_interval(secs => ${leaseMs / 1000}))
    RETURNING ${STEP_COLUMNS}`);
  if (row) return { taken: row as unknown as StepRow, held: false };
  const held = await tx.maybeOne(sql.unsafe`
    SELECT 1 FROM steps WHERE id = ${id} AND status = 'queued' AND attempts = ${attempt}`);
  return { taken: undefined, held: held !== null };
}

/**
 * Renews the lease of a step this dispatcher holds while its send is in flight. False when it no longer
 * holds it (finished, given back, or taken over after the lease lapsed): the send must stop.
 */
export async function renewStepLease(
  db: Pick<Database, 'any'>,
  id: string,
  attempt: number,
  instanceId: string,
): Promise<boolean> {
  return (await renewStepLeases(db, [{ id, attempt }], instanceId)).has(id);
}

/** renewStepLease for the steps of a group, in one statement: the ids this dispatcher still holds. */
export async function renewStepLeases(
  db: Pick<Database, 'any'>,
  steps: readonly { id: string; attempt: number }[],
  instanceId: string,
): Promise<Set<string>> {
  if (steps.length === 0) return new Set();
  const rows = await db.any(sql.unsafe`
    UPDATE steps SET claimed_at = now()
    FROM ${typedRows(
      [
        ['id', 'uuid'],
        ['attempt', 'int4'],
      ],
      steps,
    )}
    WHERE steps.id = t.id AND steps.status = 'queued' AND steps.attempts = t.attempt
      AND steps.claimed_by = ${instanceId}
    RETURNING steps.id`);
  return new Set(rows.map((r) => r.id as string));
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

/** Back to the queue after a failed attempt, unless someone else holds it by now. */
export async function retryStepLater(
  db: Pick<Database, 'query'>,
  id: string,
  attempt: number,
  delayMs: number,
  reason: string,
  holder: string,
): Promise<boolean> {
  const result = await db.query(sql.unsafe`
    UPDATE steps SET status = 'scheduled', claimed_by = NULL, claimed_at = NULL, reason = ${reason},
      due_at = now() + make_interval(secs => ${delayMs / 1000})
    WHERE id = ${id} AND attempts = ${attempt} AND status IN ('claimed', 'queued')
      AND (claimed_by IS NULL OR claimed_by = ${holder})`);
  return result.rowCount > 0;
}

/**
 * A send or alert a dispatcher took for a case that was paused meanwhile: held with the case's other
 * sends until the resume releases it. The caller holds the case lock.
 */
export async function holdStep(db: Pick<Database, 'query'>, id: string, reason: string): Promise<void> {
  await db.query(sql.unsafe`
    UPDATE steps SET status = 'held', claimed_by = NULL, claimed_at = NULL, reason = ${reason}
    WHERE id = ${id}`);
}

/** Puts a step held by this dispatcher back in the queue until `at` (e.g. the end of quiet hours). */
export async function deferStep(
  db: Pick<Database, 'query'>,
  id: string,
  at: Date,
  reason: string,
): Promise<void> {
  await db.query(sql.unsafe`
    UPDATE steps SET status = 'scheduled', claimed_by = NULL, claimed_at = NULL, reason = ${reason},
      due_at = ${at.toISOString()}
    WHERE id = ${id}`);
}
