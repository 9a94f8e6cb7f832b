// Batch intake: many accepted receivables in one transaction, with one multi-row INSERT per table. The
// per-receivable work (classification, the engine's first turn) is pure and happens in memory between
// the receivables insert and the rest, so a batch of 1000 costs a handful of round trips. Payment links
// are not made here: the first message that shows one makes it (payment-link.ts), so a receivable paid
// before its first reminder never gets a link, and a link's 90 days start when the tenant can see it.
// Debtors and receivables, which meet stored rows, travel as one typed array a column
// (platform/db/typed-rows.ts); the new cases, steps and events, which can meet none, as one COPY each
// (platform/db/copy-rows.ts). Either way Postgres never parses the batch as one JSON document.
// Idempotent like the one-at-a-time path: a receivable already stored (unique (corporation, externalId))
// produces nothing, so a redelivered batch is harmless.

import type { BundleFlow, ConfigBundle } from '../../core/bundle/types.js';
import {
  type Classification,
  classify,
  dossierReceivable,
  initialStatus,
  type ReceivableState,
  receivableState,
} from '../../core/cases/index.js';
import { isOutputstraatError } from '../../core/errors/index.js';
import type { ReceivableInput } from '../../core/receivable/index.js';
import { type Column, newIds, sendCopy, sql, typedRows } from '../../platform/db/index.js';
import type { BundleStore } from '../bundles/index.js';
import {
  byReceivable,
  type CaseRow,
  correctReceivables,
  debtorRefOf,
  dossierKey,
  emptyStartRows,
  eventsCopy,
  insertCaseItems,
  joinDossier,
  lockRunningDossiers,
  newCaseStepsCopy,
  newCasesCopy,
  type StartRows,
  startCaseRows,
  type Tx,
  upsertDebtors,
} from '../dossiers/index.js';
import { type CaseArm, caseArm, loadAllocations } from './experiment-arm.js';

export interface BatchItem {
  corporation: string;
  receivable: ReceivableInput;
  bundle: ConfigBundle;
}

export interface BatchReport {
  /** Receivables stored by this batch (the rest were there already). */
  stored: number;
  /** Receivables already stored that a newer re-post corrected. */
  corrected: number;
  /** Cases started, per corporation and flow, for the metrics. */
  started: { corporation: string; flow: string }[];
}

/** A stored receivable with the flow it was classified into. */
interface Routed {
  item: BatchItem;
  id: string;
  debtorRef: string;
  state: ReceivableState;
  decision: Classification;
  flow: BundleFlow;
  /** The experiment arm, when the classified flow runs an experiment (the flow is then the arm's). */
  arm?: CaseArm;
}

const key = (corporation: string, externalId: string) => `${corporation}\u0000${externalId}`;

/**
 * Stores a batch of receivables and starts their cases inside `tx`. A new open receivable of a
 * debtor-scope flow joins the debtor's running dossier of that flow, or starts one together with the
 * batch's other receivables of that debtor and flow (ADR 0007). The debtor upsert holds every debtor
 * row of the batch locked, so the one lookup of running dossiers cannot race another replica's batch.
 * A receivable stored before is a re-post: a correction when it is newer and changed
 * (runtime/dossiers/corrections.ts).
 */
export async function storeBatch(
  tx: Tx,
  items: readonly BatchItem[],
  now: Date,
  bundles: BundleStore,
): Promise<BatchReport> {
  const unique = new Map<string, BatchItem>();
  // A second post of an externalId in the same batch is a re-post of the first.
  const again: BatchItem[] = [];
  for (const item of items) {
    const k = key(item.corporation, item.receivable.externalId);
    if (!unique.has(k)) unique.set(k, item);
    else again.push(item);
  }
  const debtors = await upsertDebtors(
    tx,
    items.map(({ corporation, receivable: r }) => ({
      corporation,
      debtor: r.debtor,
      version: r.version,
      at: r.updatedAt ? new Date(r.updatedAt) : now,
    })),
  );
  const inserted = await insertReceivables(tx, [...unique.values()], debtors);
  const refused = await optOutsOf(tx, [...new Set(debtors.values())]);
  const allocations = await loadAllocations(tx, [...new Set(items.map((i) => i.bundle))]);
  const rows = emptyStartRows();
  const report: BatchReport = { stored: inserted.length, corrected: 0, started: [] };
  const singles: Routed[] = [];
  const groups = new Map<string, Routed[]>();
  for (const { id, corporation, external_id } of inserted) {
    const item = unique.get(key(corporation, external_id))!;
    const debtorRef = debtorRefOf(debtors, corporation, item.receivable.debtor.id)!;
    const routed = route(
      rows,
      item,
      { id, debtorRef, optOuts: refused.get(debtorRef) ?? [] },
      allocations,
      now,
    );
    if (!routed) continue;
    if (routed.flow.scope === 'debtor' && routed.state.status === 'open' && routed.state.balance > 0) {
      const k = dossierKey(routed.debtorRef, routed.flow.name);
      groups.set(k, [...(groups.get(k) ?? []), routed]);
    } else {
      singles.push(routed);
    }
  }
  const running = await lockRunningDossiers(
    tx,
    [...groups.values()].map((g) => ({ debtorRef: g[0]!.debtorRef, flow: g[0]!.flow.name })),
  );
  const ids = newIds(singles.length + groups.size);
  let next = 0;
  const start = (
    r: Routed,
    state: ReceivableState,
    receivableId: string,
    itemIds: string[],
    items?: { externalId: string; balance: number }[],
  ) => {
    const { corporation, bundle } = r.item;
    startCaseRows(
      rows,
      {
        caseId: ids[next++]!,
        corporation,
        bundle,
        flow: r.flow,
        classification: r.decision.classification,
        rule: r.decision.decidedBy,
        debtorRef: r.debtorRef,
        state,
        receivableId,
        itemIds,
        ...(items ? { items } : {}),
        ...(r.arm ? { experiment: r.arm } : {}),
      },
      now,
    );
    report.started.push({ corporation, flow: r.flow.name });
  };
  for (const r of singles) start(r, r.state, r.id, []);
  const joins: { c: CaseRow; joining: Routed[] }[] = [];
  for (const [k, group] of groups) {
    const c = running.get(k);
    if (c) {
      joins.push({ c, joining: group });
      continue;
    }
    const state = dossierReceivable(
      group.map((g) => ({ input: g.item.receivable, balance: g.state.balance, status: g.state.status })),
    );
    const first = group.find((g) => g.item.receivable.externalId === state.input.externalId) ?? group[0]!;
    const open = group.filter((g) => g.state.status === 'open' && g.state.balance > 0);
    start(
      first,
      state,
      first.id,
      group.map((g) => g.id),
      open.map((g) => ({ externalId: g.item.receivable.externalId, balance: g.state.balance })),
    );
  }
  // The batch's new rows become COPY text now, and their objects are let go: while the statements wait on
  // the database, other batches run, and every young-generation collection meanwhile would copy the rows
  // again (garbage collection was a sixth of the intake pod's CPU, issue #16).
  const cases = newCasesCopy(rows.cases);
  const steps = newCaseStepsCopy(rows.steps);
  const events = eventsCopy(byReceivable(rows.events));
  const caseItems = rows.items;
  Object.assign(rows, emptyStartRows());
  await sendCopy(tx, cases);
  await insertCaseItems(tx, caseItems, now);
  await sendCopy(tx, steps);
  await sendCopy(tx, events);
  for (const { c, joining } of joins) {
    await joinDossier(
      tx,
      bundles,
      c,
      joining.map((j) => ({ id: j.id, external_id: j.item.receivable.externalId })),
      now,
    );
  }
  const fresh = new Set(inserted.map((r) => key(r.corporation, r.external_id)));
  const rePosts = [...[...unique.entries()].filter(([k]) => !fresh.has(k)).map(([, item]) => item), ...again];
  report.corrected = await correctReceivables(tx, bundles, rePosts, now);
  return report;
}

/** Classifies one new receivable; undefined (with a `receivable.unrouted` event) when no flow takes it. */
function route(
  rows: StartRows,
  item: BatchItem,
  ids: { id: string; debtorRef: string; optOuts: readonly string[] },
  allocations: Awaited<ReturnType<typeof loadAllocations>>,
  now: Date,
): Routed | undefined {
  const { id, debtorRef, optOuts } = ids;
  const { bundle, corporation, receivable } = item;
  const base = { corporation, receivableId: id, externalId: receivable.externalId };
  // The debtor's opt-outs count from the first step: that channel type is unreachable (ADR 0007).
  const state = { ...receivableState(receivable), optOuts };
  let decision: Classification;
  try {
    decision = classify(bundle, state, now);
  } catch (err) {
    if (!isOutputstraatError(err)) throw err;
    rows.events.push({ ...base, type: 'receivable.unrouted', data: { code: err.code, reason: err.message } });
    return undefined;
  }
  rows.events.push({ ...base, type: 'receivable.accepted', data: { kind: receivable.kind } });
  const declared = bundle.flows[decision.flow]!;
  const arm = caseArm(bundle, declared, receivable.debtor.id, allocations);
  return { item, id, debtorRef, state, decision, flow: arm?.flow ?? declared, ...(arm ? { arm } : {}) };
}

/** The opt-outs of the debtors that have any, by debtor row id. */
async function optOutsOf(tx: Tx, debtorRefs: readonly string[]): Promise<Map<string, string[]>> {
  if (debtorRefs.length === 0) return new Map();
  const rows = await tx.any(sql.unsafe`
    SELECT id, opt_outs FROM debtors WHERE id = ANY(${sql.array(debtorRefs, 'uuid')}) AND opt_outs <> '{}'`);
  return new Map(rows.map((r) => [r.id as string, r.opt_outs as unknown as string[]]));
}

const RECEIVABLE_COLUMNS: readonly Column[] = [
  ['id', 'uuid'],
  ['corporation', 'text'],
  ['debtor_ref', 'uuid'],
  ['version', 'int8'],
  ['erp_updated_at', 'timestamptz'],
  ['external_id', 'text'],
  ['kind', 'text'],
  ['amount_minor', 'int8'],
  ['balance_minor', 'int8'],
  ['currency', 'text'],
  ['due_date', 'date'],
  ['payment_reference', 'text'],
  ['invoice_number', 'text'],
  ['description', 'text'],
  ['debtor', 'jsonb'],
  ['payload', 'jsonb'],
  ['status', 'text'],
  ['source', 'text'],
];

async function insertReceivables(tx: Tx, items: readonly BatchItem[], debtors: Map<string, string>) {
  if (items.length === 0) return [];
  const ids = newIds(items.length);
  const rows = items.map(({ corporation, receivable: r }, i) => ({
    id: ids[i],
    corporation,
    debtor_ref: debtorRefOf(debtors, corporation, r.debtor.id),
    version: r.version ?? null,
    erp_updated_at: r.updatedAt ?? null,
    external_id: r.externalId,
    kind: r.kind,
    amount_minor: r.amount,
    balance_minor: r.balance ?? r.amount,
    currency: r.currency ?? 'EUR',
    due_date: r.dueDate,
    payment_reference: r.paymentReference,
    invoice_number: r.invoiceNumber ?? null,
    description: r.description ?? null,
    debtor: r.debtor,
    payload: r satisfies ReceivableInput,
    status: initialStatus(r),
    source: r.source,
  }));
  const inserted = await tx.any(sql.unsafe`
    INSERT INTO receivables (id, corporation, debtor_ref, version, erp_updated_at, external_id, kind,
      amount_minor, balance_minor, currency, due_date, payment_reference, invoice_number, description, debtor,
      payload, status, source)
    SELECT * FROM ${typedRows(RECEIVABLE_COLUMNS, rows)}
    ON CONFLICT (corporation, external_id) DO NOTHING
    RETURNING id, corporation, external_id`);
  return inserted as unknown as { id: string; corporation: string; external_id: string }[];
}
