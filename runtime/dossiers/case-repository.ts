// SQL for receivables, cases, steps and events. Every query names the corporation or reaches its rows
// through a case id obtained under that corporation.

import type { DatabaseTransactionConnection } from 'slonik';
import type { CaseState, TimelineEntry } from '../../core/engine/index.js';
import type { ReceivableInput } from '../../core/receivable/index.js';
import { type Column, type CopyBatch, copyBatch, sendCopy, sql } from '../../platform/db/index.js';
import { type EventInput, eventRows } from './event-rows.js';

export type Tx = DatabaseTransactionConnection;

export interface CaseRow {
  id: string;
  receivable_id: string;
  corporation: string;
  flow: string;
  flow_revision: string;
  bundle_revision: string;
  classification: string | null;
  status: string;
  state: CaseState;
  /** `debtor`: a dossier whose items are in case_items (ADR 0007); absent on rows read without it. */
  scope?: 'receivable' | 'debtor';
  debtor_ref?: string | null;
}

export interface ReceivableRow {
  id: string;
  corporation: string;
  external_id: string;
  balance_minor: number;
  status: 'open' | 'paid' | 'cancelled' | 'paused';
  /** As posted, but `debtor` holds the debtor's current details (the debtors row), not the posted copy. */
  payload: ReceivableInput;
  debtor_ref: string | null;
  household_id: string | null;
  /** The debtor's opt-outs (channel types). */
  opt_outs?: string[];
}

/** The receivable's payload with the debtor's current contact details in place of the posted ones. */
export function withCurrentDebtor(payload: ReceivableInput, contact: unknown): ReceivableInput {
  if (!contact || typeof contact !== 'object') return payload;
  return { ...payload, debtor: { ...(contact as ReceivableInput['debtor']), id: payload.debtor.id } };
}

export async function lockReceivable(tx: Tx, id: string): Promise<ReceivableRow> {
  const row = await tx.one(sql.unsafe`
    SELECT r.id, r.corporation, r.external_id, r.balance_minor, r.status, r.payload, r.debtor_ref,
      d.contact, d.household_id, d.opt_outs
    FROM receivables r LEFT JOIN debtors d ON d.id = r.debtor_ref
    WHERE r.id = ${id} FOR UPDATE OF r`);
  return receivableRowOf(row);
}

/** A ReceivableRow from a query that selected the receivable's columns and the debtor's contact. */
export function receivableRowOf(row: Record<string, unknown>): ReceivableRow {
  return {
    id: row.id as string,
    corporation: row.corporation as string,
    external_id: row.external_id as string,
    balance_minor: Number(row.balance_minor),
    status: (row.receivable_status ?? row.status) as ReceivableRow['status'],
    payload: withCurrentDebtor(row.payload as ReceivableInput, row.contact),
    debtor_ref: (row.debtor_ref as string | null) ?? null,
    household_id: (row.household_id as string | null) ?? null,
    opt_outs: (row.opt_outs as string[] | null) ?? [],
  };
}

export async function insertCase(
  tx: Tx,
  c: Omit<CaseRow, 'id' | 'status'> & { rule: string },
): Promise<string> {
  const row = await tx.one(sql.unsafe`
    INSERT INTO cases (receivable_id, corporation, flow, flow_revision, bundle_revision, classification, rule, state)
    VALUES (${c.receivable_id}, ${c.corporation}, ${c.flow}, ${c.flow_revision}, ${c.bundle_revision},
      ${c.classification}, ${c.rule}, ${sql.jsonb(c.state as never)})
    RETURNING id`);
  return row.id as string;
}

/** Locks the case row: every change to a case (timers, events, payments) is serialised on it. */
export async function lockCase(tx: Tx, id: string): Promise<CaseRow> {
  return (await tx.one(sql.unsafe`
    SELECT id, receivable_id, corporation, flow, flow_revision, bundle_revision, classification, status, state,
      scope, debtor_ref
    FROM cases WHERE id = ${id} FOR UPDATE`)) as unknown as CaseRow;
}

/** A case's readable history: what the flow did, turn after turn (GET /v1/receivables/{id}). */
export interface CaseTimelineEntry {
  at: string;
  text: string;
  stepId?: string;
}

export const caseTimeline = (entries: readonly TimelineEntry[]): CaseTimelineEntry[] =>
  entries.map((t) => ({ at: t.at, text: t.text, ...(t.stepId ? { stepId: t.stepId } : {}) }));

/** Saves the state after a turn and appends the turn's sentences to the case's timeline. */
export async function saveCaseState(
  tx: Tx,
  id: string,
  state: CaseState,
  timeline: readonly TimelineEntry[] = [],
): Promise<void> {
  const ended = state.status === 'stopped' || state.status === 'completed';
  await tx.query(sql.unsafe`
    UPDATE cases SET state = ${sql.jsonb(state as never)}, status = ${state.status}, cursor = ${state.cursor},
      timeline = timeline || ${sql.jsonb(caseTimeline(timeline) as never)},
      ended_at = CASE WHEN ${ended} THEN coalesce(ended_at, now()) ELSE NULL END,
      end_reason = ${state.endReason ?? null}
    WHERE id = ${id}`);
}

/**
 * Appends sentences to a case's timeline outside an engine turn: what the dispatcher did with a send
 * (sent, not sent and why, waiting for quiet hours). The caller holds the case lock.
 */
export async function appendTimeline(tx: Tx, id: string, entries: readonly TimelineEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await tx.query(sql.unsafe`
    UPDATE cases SET timeline = timeline || ${sql.jsonb(caseTimeline(entries) as never)} WHERE id = ${id}`);
}

export type { EventInput } from './event-rows.js';

/**
 * Events in one statement, in the order given (seq follows the order of the rows). An event whose data
 * holds more than facts is marked `personal`, so the retention sweep finds it (personal-data.ts); the others
 * of one receivable share a row (event-rows.ts).
 */
export async function insertEvents(tx: Tx, events: readonly EventInput[]): Promise<void> {
  await sendCopy(tx, eventsCopy(events));
}

/** Events as one COPY, ready to send (intake makes it before its first wait on the database). */
export function eventsCopy(events: readonly EventInput[]): CopyBatch {
  return copyBatch('event_rows', EVENT_COLUMNS, eventRows(events, new Date()));
}

/** The columns intake and every other writer COPY into event_rows (`more` since migration 040). */
export const EVENT_COLUMNS: readonly Column[] = [
  ['corporation', 'text'],
  ['receivable_id', 'uuid'],
  ['case_id', 'uuid'],
  ['external_id', 'text'],
  ['type', 'text'],
  ['data', 'jsonb'],
  ['at', 'timestamptz'],
  ['personal', 'bool'],
  ['more', 'jsonb'],
];
