// The corporation's event feed, read by GET /v1/events and by the webhook worker.
//
// Why not `seq > cursor`: a bigserial value is taken when a row is inserted, not when its transaction
// commits. Transaction A can insert seq 5 and still be running while B inserts seq 6 and commits; a reader
// that returns 6 and resumes after it never sees 5. So every event row carries the id of the transaction
// that wrote it (events.xact, pg_current_xact_id()), and the feed
//   - returns only events whose transaction is older than the oldest transaction still running
//     (xact < pg_snapshot_xmin(pg_current_snapshot())): those transactions are over, their events final;
//   - orders by (xact, seq) and resumes after the (xact, seq) of the last event returned: any transaction
//     that commits later is still running now, so its id is >= that horizon and sorts after the cursor.
// Every event is returned exactly once, in the same order to every reader: within one transaction by seq,
// across transactions by transaction id (roughly when each began writing, not always when it committed;
// `seq` and `at` travel with every event). The price: an event shows up only once every transaction that
// began before it has finished, so a long transaction anywhere on the database server holds the feed back
// for as long as it runs.

import { validationError } from '../../core/receivable/validation-error.js';
import { type Database, sql } from '../../platform/db/index.js';
import { EVENTS_PER_ROW, type FoldedEvent, unfoldRow } from './event-rows.js';

export interface FeedCursor {
  xact: string;
  seq: number;
}

export interface FeedEvent {
  /** Resume after this event with `after=<cursor>`. */
  cursor: string;
  seq: number;
  type: string;
  at: string;
  externalId: string | null;
  caseId: string | null;
  data: unknown;
}

export const FEED_START: FeedCursor = { xact: '0', seq: 0 };

/** The largest transaction id PostgreSQL's xid8 holds (2^64 - 1). */
const XID8_MAX = 18_446_744_073_709_551_615n;

export const formatCursor = (c: FeedCursor) => `${c.xact}-${c.seq}`;

/** `0` or absent is the beginning; otherwise `<xact>-<seq>` exactly as the feed returned it. */
export function parseCursor(text: string | undefined): FeedCursor {
  if (text === undefined || text === '' || text === '0') return FEED_START;
  const m = /^([0-9]{1,20})-([0-9]{1,18})$/.exec(text);
  // Digits alone are not enough: a transaction id above xid8's range is refused by PostgreSQL (or, before
  // version 16, silently read as its maximum), and a seq above 2^53 would not survive the number.
  if (!m || BigInt(m[1]!) > XID8_MAX || Number(m[2]) > Number.MAX_SAFE_INTEGER) {
    throw validationError([{ field: 'after', message: 'must be a cursor returned by the feed' }]);
  }
  return { xact: m[1]!, seq: Number(m[2]) };
}

/**
 * Up to `limit` events after `after`, oldest first (`types`: only these). The rows are read from the table and
 * unfolded here (event-rows.ts): a row owns seq .. seq + 3, so a row whose seq is up to 3 below the cursor's
 * may still hold events after it, and up to 3 rows read may hold none — hence the margin on both.
 */
export async function readEvents(
  db: Pick<Database, 'any'>,
  corporation: string,
  after: FeedCursor,
  limit: number,
  types?: string[],
): Promise<FeedEvent[]> {
  const wanted = types && types.length > 0 ? new Set(types) : undefined;
  const typeFilter = wanted
    ? sql.fragment`AND (e.type = ANY(${sql.array([...wanted], 'text')}) OR (e.more IS NOT NULL AND EXISTS (
        SELECT 1 FROM jsonb_array_elements(e.more) m WHERE m->>'type' = ANY(${sql.array([...wanted], 'text')}))))`
    : sql.fragment``;
  const margin = EVENTS_PER_ROW - 1;
  const rows = await db.any(sql.unsafe`
    SELECT e.xact::text AS xact, e.seq, e.type, e.at, e.case_id, e.data, e.more,
      coalesce(e.external_id, r.external_id) AS external_id
    FROM event_rows e LEFT JOIN receivables r ON r.id = e.receivable_id
    WHERE e.corporation = ${corporation}
      AND (e.xact, e.seq) > (${after.xact}::xid8, ${after.seq - margin}::bigint)
      AND e.xact < pg_snapshot_xmin(pg_current_snapshot())
      ${typeFilter}
    ORDER BY e.xact, e.seq
    LIMIT ${limit + margin}`);
  const events: FeedEvent[] = [];
  const cursorXact = BigInt(after.xact);
  for (const row of rows) {
    const xact = row.xact as string;
    const at = new Date(row.at as string).toISOString();
    const externalId = (row.external_id as string) ?? null;
    const stored = {
      seq: Number(row.seq),
      type: row.type as string,
      data: row.data,
      case_id: (row.case_id as string | null) ?? null,
      more: row.more as FoldedEvent[] | null,
    };
    for (const e of unfoldRow(stored)) {
      if (e.seq <= after.seq && BigInt(xact) === cursorXact) continue;
      if (wanted && !wanted.has(e.type)) continue;
      events.push({
        cursor: formatCursor({ xact, seq: e.seq }),
        seq: e.seq,
        type: e.type,
        at,
        externalId,
        caseId: e.caseId,
        data: e.data,
      });
      if (events.length === limit) return events;
    }
  }
  return events;
}
