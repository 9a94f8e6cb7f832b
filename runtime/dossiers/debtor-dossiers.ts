// Debtor-scope dossiers (ADR 0007, "Flows"): a case with scope `debtor` is about the receivables listed
// in case_items. What the engine, templates and the dispatcher see of it is computed by core/cases
// (dossier.ts) from the items' current balances, read here under the case lock.
//
// Race-freedom: a dossier is created or joined only while holding the debtor row's lock (intake's
// debtor upsert takes it, a hand-over takes it explicitly), so two intake replicas cannot start two
// dossiers of one flow for one debtor; migration 017's unique index on running debtor-scope dossiers
// per (debtor, flow) makes that a hard rule.
import {
  dossierEvent as coreDossierEvent,
  type DossierItem,
  type DossierView,
  disputedExternalIds,
  dossierReceivable,
  dossierView,
  type ReceivableState,
} from '../../core/cases/index.js';
import type { CaseEvent } from '../../core/engine/index.js';
import {
  type Column,
  type CopyBatch,
  copyBatch,
  type Database,
  sendCopy,
  sql,
  typedRows,
} from '../../platform/db/index.js';
import { type CaseRow, type ReceivableRow, receivableRowOf, type Tx } from './case-repository.js';

/** What a case is about at this moment: the engine's receivable, the template's dossier, the row of both. */
export interface CaseSubject {
  /** For a dossier: its oldest open item with balance = the total. */
  state: ReceivableState;
  dossier: DossierView;
  /** The receivable `state` stands for (its messages and links belong to it). */
  receivable: ReceivableRow;
  /** Every item of a dossier (one for a receivable-scope case). */
  items: ReceivableRow[];
}

/** A receivable row as core/cases sees a dossier item. */
export const dossierItemOf = (r: ReceivableRow): DossierItem => ({
  input: r.payload,
  balance: r.balance_minor,
  status: r.status,
});

/** The receivable rows of dossiers' current items, per case id, with the debtor's statuses. */
export async function dossierItems(
  tx: Tx | Database,
  caseIds: readonly string[],
): Promise<Map<string, { rows: ReceivableRow[]; statuses: unknown }>> {
  const out = new Map<string, { rows: ReceivableRow[]; statuses: unknown }>();
  if (caseIds.length === 0) return out;
  const rows = await tx.any(sql.unsafe`
    SELECT ci.case_id, r.id, r.corporation, r.external_id, r.balance_minor, r.status, r.payload, r.debtor_ref,
      d.contact, d.household_id, d.statuses
    FROM case_items ci JOIN receivables r ON r.id = ci.receivable_id LEFT JOIN debtors d ON d.id = r.debtor_ref
    WHERE ci.case_id = ANY(${sql.array([...caseIds], 'uuid')}) AND ci.left_at IS NULL
    ORDER BY ci.case_id, r.id`);
  for (const row of rows) {
    const id = row.case_id as string;
    const entry = out.get(id) ?? { rows: [] as ReceivableRow[], statuses: row.statuses as unknown };
    entry.rows.push(receivableRowOf(row));
    out.set(id, entry);
  }
  return out;
}

/** The subject of a case whose items are known (`rows` empty or a receivable-scope case: `r` alone). */
export function subjectOf(r: ReceivableRow, rows: readonly ReceivableRow[], statuses: unknown): CaseSubject {
  if (rows.length === 0) {
    const state: ReceivableState = {
      input: r.payload,
      balance: r.balance_minor,
      status: r.status,
      optOuts: r.opt_outs ?? [],
    };
    return { state, dossier: dossierView([dossierItemOf(r)]), receivable: r, items: [r] };
  }
  const disputed = disputedExternalIds(statuses);
  const items = rows.map(dossierItemOf);
  // The debtor's opt-outs (ADR 0007) are the dossier's: its engine treats those channel types as unreachable.
  const state = { ...dossierReceivable(items, disputed), optOuts: r.opt_outs ?? [] };
  const receivable = rows.find((x) => x.external_id === state.input.externalId) ?? r;
  return { state, dossier: dossierView(items, disputed), receivable, items: [...rows] };
}

/** What case `c` is about; `r` is its receivable row (cases.receivable_id), locked by the caller. */
export async function caseSubject(tx: Tx, c: CaseRow, r: ReceivableRow): Promise<CaseSubject> {
  if (c.scope !== 'debtor') return subjectOf(r, [], undefined);
  const found = (await dossierItems(tx, [c.id])).get(c.id);
  return subjectOf(r, found?.rows ?? [], found?.statuses);
}

/** The event a dossier gets for a change reported on one of its items (core/cases/dossier.ts). */
export function dossierEvent(event: CaseEvent, subject: CaseSubject): CaseEvent {
  return coreDossierEvent(event, { total: subject.dossier.total, status: subject.state.status });
}

/** Running dossiers (active or paused) of debtor-scope flows, locked in id order, by `debtorRef|flow`. */
export async function lockRunningDossiers(
  tx: Tx,
  keys: readonly { debtorRef: string; flow: string }[],
): Promise<Map<string, CaseRow>> {
  const out = new Map<string, CaseRow>();
  if (keys.length === 0) return out;
  const wanted = keys.map((k) => ({ debtor_ref: k.debtorRef, flow: k.flow }));
  const rows = await tx.any(sql.unsafe`
    SELECT id, receivable_id, corporation, flow, flow_revision, bundle_revision, classification, status, state,
      scope, debtor_ref
    FROM cases
    WHERE scope = 'debtor' AND status IN ('active', 'paused')
      AND (debtor_ref, flow) IN (SELECT debtor_ref, flow FROM ${typedRows(DOSSIER_KEY_COLUMNS, wanted)})
    ORDER BY id FOR UPDATE`);
  for (const row of rows) {
    const c = row as unknown as CaseRow;
    out.set(dossierKey(c.debtor_ref ?? '', c.flow), c);
  }
  return out;
}

export const dossierKey = (debtorRef: string, flow: string) => `${debtorRef}|${flow}`;

export interface CaseItemInsert {
  case_id: string;
  receivable_id: string;
  corporation: string;
}

/** Items in one statement; an item already in the dossier stays as it is. */
export async function insertCaseItems(tx: Tx, items: readonly CaseItemInsert[], now: Date): Promise<void> {
  if (items.length === 0) return;
  const rows = items.map((i) => ({ ...i, joined_at: now.toISOString() }));
  await tx.query(sql.unsafe`
    INSERT INTO case_items (case_id, receivable_id, corporation, joined_at)
    SELECT * FROM ${typedRows(ITEM_COLUMNS, rows)}
    ON CONFLICT (case_id, receivable_id) DO UPDATE SET left_at = NULL WHERE case_items.left_at IS NOT NULL`);
}

/** New cases as one COPY, ready to send (intake makes it before its first wait on the database). */
export const newCasesCopy = (cases: readonly Record<string, unknown>[]): CopyBatch =>
  copyBatch('cases', CASE_COLUMNS, cases);

/** New cases in one statement (intake's batch and a hand-over's new dossier). */
export async function insertCases(tx: Tx, cases: readonly Record<string, unknown>[]): Promise<void> {
  await sendCopy(tx, newCasesCopy(cases));
}

const DOSSIER_KEY_COLUMNS: readonly Column[] = [
  ['debtor_ref', 'uuid'],
  ['flow', 'text'],
];

const ITEM_COLUMNS: readonly Column[] = [
  ['case_id', 'uuid'],
  ['receivable_id', 'uuid'],
  ['corporation', 'text'],
  ['joined_at', 'timestamptz'],
];

const CASE_COLUMNS: readonly Column[] = [
  ['id', 'uuid'],
  ['receivable_id', 'uuid'],
  ['debtor_ref', 'uuid'],
  ['scope', 'text'],
  ['corporation', 'text'],
  ['flow', 'text'],
  ['flow_revision', 'text'],
  ['bundle_revision', 'text'],
  ['classification', 'text'],
  ['rule', 'text'],
  ['status', 'text'],
  ['cursor', 'int4'],
  ['state', 'jsonb'],
  ['timeline', 'jsonb'],
  ['ended_at', 'timestamptz'],
  ['end_reason', 'text'],
  ['started_at', 'timestamptz'],
  ['experiment', 'text'],
  ['experiment_arm', 'text'],
];
