// Dead letters: intake and dispatch messages the runtime gave up on (platform/db/migrations/008). Recording
// one is a single transaction with what it means for the corporation: an intake dead letter puts a
// `receivable.rejected` event on the ERP's feed, naming the externalId when it is known; every dead letter
// opens a task (kind dead-letter) for the console's work list; a dispatch dead letter marks its step failed, so the timeline says so and the stale-claim sweep does not queue it
// again and again. The caller acks (terms) the message only after this committed.
//
// PRIVACY: `payload` holds the debtor's personal data (see the migration). Never log it; `code` and
// `reason` come from the error registry and carry none.
import type { JsMsg } from '@nats-io/jetstream';
import { isOutputstraatError, type OutputstraatError } from '../../core/errors/index.js';
import { INTAKE_STREAM } from '../../platform/bus/index.js';
import { type Database, newIds, sql, sqlState } from '../../platform/db/index.js';
import type { Logger } from '../../platform/log.js';
import type { RuntimeMetrics } from '../metrics/index.js';
import { insertEvents } from './case-repository.js';
import { derivedTaskId, openTask } from './open-task.js';

export interface DeadLetterInput {
  /** From the subject, not from the payload. */
  corporation: string;
  stream: string;
  subject: string;
  streamSeq: number;
  /** When the message was published (JetStream's timestamp): with stream and seq, what identifies it. */
  publishedNanos: bigint;
  /** The receivable, when one is known (intake). */
  externalId?: string;
  /** The step row and attempt a dispatch message pointed at. */
  step?: { rowId: string; attempt: number };
  /** Which of a message's several items this is (a step of a group), when it is not the receivable. */
  part?: string;
  /** Why: its code and message become the dead letter's code and reason. */
  error: OutputstraatError;
  payload: Uint8Array;
  deliveries: number;
}

/** The dead letter of a JetStream message: where it came from, how often it was delivered, its bytes. */
export function deadLetterOf(
  msg: JsMsg,
  corporation: string,
  error: OutputstraatError,
  more: Pick<DeadLetterInput, 'externalId' | 'step' | 'part'> & { payload?: Uint8Array } = {},
): DeadLetterInput {
  return {
    corporation,
    stream: msg.info.stream,
    subject: msg.subject,
    streamSeq: msg.seq,
    publishedNanos: msg.timestampNanos,
    deliveries: msg.info.deliveryCount,
    error,
    payload: more.payload ?? msg.data,
    ...(more.externalId ? { externalId: more.externalId } : {}),
    ...(more.step ? { step: more.step } : {}),
    ...(more.part ? { part: more.part } : {}),
  };
}

/**
 * A failure as a dead letter's reason may name it: the registry code, the SQLSTATE or the error's class,
 * never its message (a database error's text can quote the data, and the data is personal).
 */
export function failureName(err: unknown): string {
  if (isOutputstraatError(err)) return err.code;
  const state = sqlState(err);
  if (state) return `SQLSTATE ${state}`;
  return err instanceof Error ? err.name : typeof err;
}

export interface DeadLetterDeps {
  db: Database;
  metrics: RuntimeMetrics;
  log: Logger;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Records a dead letter; returns its id, or undefined when it was recorded before (a repeated delivery). */
export async function recordDeadLetter(
  deps: DeadLetterDeps,
  letter: DeadLetterInput,
): Promise<string | undefined> {
  const [id] = newIds(1) as [string];
  const dedupeKey = `${letter.stream}:${letter.streamSeq}:${letter.publishedNanos}:${letter.externalId ?? ''}${
    letter.part ? `:${letter.part}` : ''
  }`;
  const publishedAt = new Date(Number(letter.publishedNanos / 1_000_000n)).toISOString();
  const recorded = await deps.db.transaction(async (tx) => {
    const row = await tx.maybeOne(sql.unsafe`
      INSERT INTO dead_letters (id, corporation, stream, subject, stream_seq, dedupe_key, external_id, step_row_id,
        code, reason, payload, deliveries, published_at)
      VALUES (${id}, ${letter.corporation}, ${letter.stream}, ${letter.subject}, ${letter.streamSeq}, ${dedupeKey},
        ${letter.externalId ?? null}, ${letter.step?.rowId ?? null}, ${letter.error.code}, ${letter.error.message},
        ${sql.binary(Buffer.from(letter.payload))}, ${letter.deliveries}, ${publishedAt})
      ON CONFLICT (dedupe_key) DO NOTHING
      RETURNING id`);
    if (!row) return false;
    if (letter.stream === INTAKE_STREAM) {
      await insertEvents(tx, [
        {
          corporation: letter.corporation,
          ...(letter.externalId ? { externalId: letter.externalId } : {}),
          type: 'receivable.rejected',
          data: { deadLetterId: id, code: letter.error.code, reason: letter.error.message },
        },
      ]);
    }
    // A person looks at it: a task on the console's work list (runtime/dossiers/open-task.ts).
    const about = letter.step
      ? await tx.maybeOne(sql.unsafe`
          SELECT s.case_id, r.debtor_ref FROM steps s JOIN cases c ON c.id = s.case_id
          JOIN receivables r ON r.id = c.receivable_id WHERE s.id = ${letter.step.rowId}`)
      : null;
    await openTask(tx, {
      id: derivedTaskId(`dead-letter:${id}`),
      corporation: letter.corporation,
      kind: 'dead-letter',
      debtorRef: (about?.debtor_ref as string | null | undefined) ?? null,
      caseId: (about?.case_id as string | undefined) ?? null,
      replyId: null,
      title: `dead letter on ${letter.stream}: ${letter.error.code}${letter.externalId ? ` (${letter.externalId})` : ''}; see GET /v1/dead-letters/${id}`,
      createdAt: new Date(),
    });
    if (letter.step) {
      await tx.query(sql.unsafe`
        UPDATE steps SET status = 'failed', reason = ${`dead letter ${id}: ${letter.error.code}`},
          claimed_by = NULL, claimed_at = NULL
        WHERE id = ${letter.step.rowId} AND corporation = ${letter.corporation}
          AND status = 'queued' AND attempts = ${letter.step.attempt}`);
    }
    return true;
  });
  if (!recorded) return undefined;
  deps.metrics.deadLetters.inc({
    corporation: letter.corporation,
    stream: letter.stream,
    code: letter.error.code,
  });
  deps.log.warn(
    {
      corporation: letter.corporation,
      stream: letter.stream,
      seq: letter.streamSeq,
      deliveries: letter.deliveries,
      code: letter.error.code,
      deadLetter: id,
    },
    'message dead-lettered',
  );
  return id;
}

export interface DeadLetterView {
  id: string;
  stream: string;
  subject: string;
  externalId: string | null;
  stepRowId: string | null;
  code: string;
  reason: string;
  deliveries: number;
  publishedAt: string;
  deadAt: string;
  redrivenAt: string | null;
  redriveCount: number;
}

const COLUMNS = sql.fragment`id, stream, subject, external_id, step_row_id, code, reason, deliveries, published_at,
  dead_at, redriven_at, redrive_count`;

const view = (r: Record<string, unknown>): DeadLetterView => ({
  id: r.id as string,
  stream: r.stream as string,
  subject: r.subject as string,
  externalId: (r.external_id as string | null) ?? null,
  stepRowId: (r.step_row_id as string | null) ?? null,
  code: r.code as string,
  reason: r.reason as string,
  deliveries: Number(r.deliveries),
  publishedAt: (r.published_at as Date).toISOString(),
  deadAt: (r.dead_at as Date).toISOString(),
  redrivenAt: r.redriven_at ? (r.redriven_at as Date).toISOString() : null,
  redriveCount: Number(r.redrive_count),
});

/** A corporation's dead letters, newest first; `before` (an id from an earlier page) continues after it. */
export async function listDeadLetters(
  db: Pick<Database, 'any'>,
  corporation: string,
  options: { limit: number; before?: string },
): Promise<DeadLetterView[]> {
  const before =
    options.before && UUID.test(options.before)
      ? sql.fragment`AND (dead_at, id) < (SELECT dead_at, id FROM dead_letters
          WHERE id = ${options.before} AND corporation = ${corporation})`
      : sql.fragment``;
  const rows = await db.any(sql.unsafe`
    SELECT ${COLUMNS} FROM dead_letters WHERE corporation = ${corporation} ${before}
    ORDER BY dead_at DESC, id DESC LIMIT ${options.limit}`);
  return rows.map(view);
}

/** One of the corporation's dead letters with its payload, or undefined (another corporation's too). */
export async function findDeadLetter(
  db: Pick<Database, 'maybeOne'>,
  corporation: string,
  id: string,
): Promise<(DeadLetterView & { payload: Buffer }) | undefined> {
  if (!UUID.test(id)) return undefined;
  const row = await db.maybeOne(sql.unsafe`
    SELECT ${COLUMNS}, payload FROM dead_letters WHERE id = ${id} AND corporation = ${corporation}`);
  return row ? { ...view(row), payload: row.payload as Buffer } : undefined;
}

/** Notes a re-drive on the dead letter; returns it as it is now. */
export async function markRedriven(
  db: Pick<Database, 'one'>,
  corporation: string,
  id: string,
): Promise<DeadLetterView> {
  return view(
    await db.one(sql.unsafe`
      UPDATE dead_letters SET redriven_at = now(), redrive_count = redrive_count + 1
      WHERE id = ${id} AND corporation = ${corporation}
      RETURNING ${COLUMNS}`),
  );
}

/**
 * Re-drives a dispatch dead letter: its step, failed by the dead letter, is scheduled again now and the
 * scheduler queues it as a new attempt. False when the step is no longer failed (a later attempt ran).
 */
export async function rescheduleDeadStep(
  db: Pick<Database, 'maybeOne'>,
  corporation: string,
  stepRowId: string,
): Promise<boolean> {
  const row = await db.maybeOne(sql.unsafe`
    UPDATE steps SET status = 'scheduled', due_at = now(), claimed_by = NULL, claimed_at = NULL,
      reason = 're-driven from its dead letter'
    WHERE id = ${stepRowId} AND corporation = ${corporation} AND status = 'failed'
    RETURNING id`);
  return row !== null;
}
