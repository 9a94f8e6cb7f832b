// How events are stored (migration 040): a row of `event_rows` holds one event and, in `more`, up to three
// later events of the same statement about the same receivable — same corporation, externalId and time, none
// of them holding personal data. The rows a receivable's intake writes go from three to one (issue #16). A row
// owns the sequence numbers seq .. seq + 3 (the sequence steps by 4): its own event is seq, the n-th in
// `more` is seq + n. The `events` view shows one row an event; the feed unfolds rows itself (event-feed.ts).

import { holdsPersonalData } from './event-facts.js';

export interface EventInput {
  corporation: string;
  receivableId?: string;
  caseId?: string;
  externalId?: string;
  type: string;
  data?: Record<string, unknown>;
  at?: Date;
}

/** A row's own event and the three after it: the sequence steps by 4 (migration 040). */
export const EVENTS_PER_ROW = 4;

/** An event inside a row's `more`: the row gives its corporation, receivable, externalId and time. */
export interface FoldedEvent {
  type: string;
  data: Record<string, unknown>;
  caseId: string | null;
}

/** A type, not an interface: COPY takes it as a record of columns. */
export type EventRow = {
  corporation: string;
  receivable_id: string | null;
  case_id: string | null;
  external_id: string | null;
  type: string;
  data: Record<string, unknown>;
  at: string;
  personal: boolean;
  more: FoldedEvent[] | null;
};

/**
 * The rows for `events`, in their order: an event joins the row before it when both are about the same
 * receivable of the same corporation, with the same externalId and time, neither holds personal data and the
 * row has room. Events are never reordered (a caller that wants a receivable's events together puts them
 * together); `at` is the time of an event that gives none.
 */
export function eventRows(events: readonly EventInput[], at: Date): EventRow[] {
  const fallback = at.toISOString();
  const rows: EventRow[] = [];
  let last: EventRow | undefined;
  for (const e of events) {
    const data = e.data ?? {};
    const row: EventRow = {
      corporation: e.corporation,
      receivable_id: e.receivableId ?? null,
      case_id: e.caseId ?? null,
      external_id: e.externalId ?? null,
      type: e.type,
      data,
      at: e.at ? e.at.toISOString() : fallback,
      personal: holdsPersonalData(e.type, data),
      more: null,
    };
    if (last && joins(last, row)) {
      last.more ??= [];
      last.more.push({ type: row.type, data, caseId: row.case_id });
      continue;
    }
    rows.push(row);
    last = row;
  }
  return rows;
}

/**
 * The same events with each receivable's together, at the place of its first (and in their order), so that
 * eventRows can fold them: intake makes every receivable's `receivable.accepted` before any case starts.
 * Events of different receivables in one transaction have no order between them the feed promises beyond
 * their sequence numbers; an event about no receivable stays where it is.
 */
export function byReceivable(events: readonly EventInput[]): EventInput[] {
  const groups = new Map<string, EventInput[]>();
  const order: EventInput[][] = [];
  for (const e of events) {
    const group = e.receivableId === undefined ? undefined : groups.get(e.receivableId);
    if (group) {
      group.push(e);
      continue;
    }
    const fresh = [e];
    order.push(fresh);
    if (e.receivableId !== undefined) groups.set(e.receivableId, fresh);
  }
  return order.flat();
}

function joins(row: EventRow, next: EventRow): boolean {
  return (
    !row.personal &&
    !next.personal &&
    row.receivable_id !== null &&
    row.receivable_id === next.receivable_id &&
    row.corporation === next.corporation &&
    row.external_id === next.external_id &&
    row.at === next.at &&
    (row.more?.length ?? 0) < EVENTS_PER_ROW - 1
  );
}

/** One stored event as a reader sees it. */
export interface UnfoldedEvent {
  seq: number;
  type: string;
  data: unknown;
  caseId: string | null;
}

/** A stored row's events in order, each with its own sequence number. */
export function unfoldRow(row: {
  seq: number;
  type: string;
  data: unknown;
  case_id: string | null;
  more: readonly FoldedEvent[] | null;
}): UnfoldedEvent[] {
  const own: UnfoldedEvent = { seq: row.seq, type: row.type, data: row.data, caseId: row.case_id };
  if (!row.more) return [own];
  return [
    own,
    ...row.more.map((e, i) => ({
      seq: row.seq + i + 1,
      type: e.type,
      data: e.data ?? {},
      caseId: e.caseId ?? null,
    })),
  ];
}
