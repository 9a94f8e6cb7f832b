// Batch intake: many accepted receivables in one transaction, with one multi-row INSERT per table. The
// per-receivable work (classification, the engine's first turn) is pure and happens in memory between
// the receivables insert and the rest, so a batch of 1000 costs a handful of round trips. Payment links
// are not made here: the first message that shows one makes it (payment-link.ts), so a receivable paid
// before its first reminder never gets a link, and a link's 90 days start when the tenant can see it.
// Rows travel as one JSON document per statement (json_to_recordset): serialising it is one native
// JSON.stringify, where array parameters would be escaped element by element in JavaScript.
// Idempotent like the one-at-a-time path: a receivable already stored (unique (corporation, externalId))
// produces nothing, so a redelivered batch is harmless.

import type { ConfigBundle } from '../../core/bundle/types.js';
import { classify, engineContext, initialStatus, receivableState } from '../../core/cases/index.js';
import { startCase } from '../../core/engine/index.js';
import { isOutputstraatError } from '../../core/errors/index.js';
import type { ReceivableInput } from '../../core/receivable/index.js';
import { newIds, sql } from '../../platform/db/index.js';
import {
  caseTimeline,
  debtorRefOf,
  type EventInput,
  insertEvents,
  insertSteps,
  planEffects,
  type StepInsert,
  type Tx,
  upsertDebtors,
  withoutLinkClosed,
} from '../dossiers/index.js';
import { caseArm, loadAllocations } from './experiment-arm.js';

export interface BatchItem {
  corporation: string;
  receivable: ReceivableInput;
  bundle: ConfigBundle;
}

export interface BatchReport {
  /** Receivables stored by this batch (the rest were there already). */
  stored: number;
  /** Cases started, per corporation and flow, for the metrics. */
  started: { corporation: string; flow: string }[];
}

interface Rows {
  /** Stored experiment allocations of the batch's corporations (experiment-arm.ts). */
  allocations: Awaited<ReturnType<typeof loadAllocations>>;
  cases: Record<string, unknown>[];
  steps: StepInsert[];
  events: EventInput[];
}

const key = (corporation: string, externalId: string) => `${corporation}\u0000${externalId}`;

/** Stores a batch of receivables and starts their cases inside `tx`. */
export async function storeBatch(tx: Tx, items: readonly BatchItem[], now: Date): Promise<BatchReport> {
  const unique = new Map<string, BatchItem>();
  for (const item of items) {
    const k = key(item.corporation, item.receivable.externalId);
    if (!unique.has(k)) unique.set(k, item);
  }
  const debtors = await upsertDebtors(
    tx,
    [...unique.values()].map(({ corporation, receivable: r }) => ({
      corporation,
      debtor: r.debtor,
      version: r.version,
      at: r.updatedAt ? new Date(r.updatedAt) : now,
    })),
  );
  const inserted = await insertReceivables(tx, [...unique.values()], debtors);
  const allocations = await loadAllocations(tx, [...new Set(items.map((i) => i.bundle))]);
  const rows: Rows = { allocations, cases: [], steps: [], events: [] };
  const caseIds = newIds(inserted.length);
  const report: BatchReport = { stored: inserted.length, started: [] };
  for (const [i, { id, corporation, external_id }] of inserted.entries()) {
    const item = unique.get(key(corporation, external_id))!;
    const debtorRef = debtorRefOf(debtors, corporation, item.receivable.debtor.id)!;
    const flow = startOne(rows, item, { receivableId: id, caseId: caseIds[i]!, debtorRef }, now);
    if (flow) report.started.push({ corporation, flow });
  }
  await insertCases(tx, rows.cases);
  await insertSteps(tx, rows.steps);
  await insertEvents(tx, rows.events);
  return report;
}

/** Classifies one new receivable and runs the engine's first turn; returns the flow, if a case started. */
function startOne(
  rows: Rows,
  item: BatchItem,
  ids: { receivableId: string; caseId: string; debtorRef: string },
  now: Date,
): string | undefined {
  const { receivableId, caseId, debtorRef } = ids;
  const { bundle, corporation, receivable } = item;
  const base = { corporation, receivableId, externalId: receivable.externalId };
  const state = receivableState(receivable);
  let decision: ReturnType<typeof classify>;
  try {
    decision = classify(bundle, state, now);
  } catch (err) {
    if (!isOutputstraatError(err)) throw err;
    rows.events.push({ ...base, type: 'receivable.unrouted', data: { code: err.code, reason: err.message } });
    return undefined;
  }
  const declared = bundle.flows[decision.flow]!;
  const arm = caseArm(bundle, declared, receivable.debtor.id, rows.allocations);
  const flow = arm?.flow ?? declared;
  const result = startCase(flow, decision.classification, engineContext(bundle, state, now));
  const assigned = arm ? [{ at: now.toISOString(), text: arm.text }] : [];
  const plan = planEffects(
    { id: caseId, corporation, receivable_id: receivableId, flow: flow.name },
    result,
    now,
  );
  const s = result.state;
  const ended = s.status === 'stopped' || s.status === 'completed';
  rows.cases.push({
    id: caseId,
    receivable_id: receivableId,
    debtor_ref: debtorRef,
    corporation,
    flow: flow.name,
    flow_revision: flow.revision,
    bundle_revision: bundle.revision,
    classification: decision.classification,
    rule: decision.decidedBy,
    status: s.status,
    cursor: s.cursor,
    state: s,
    timeline: caseTimeline([...assigned, ...result.timeline, ...plan.timeline]),
    ended_at: ended ? now.toISOString() : null,
    end_reason: s.endReason ?? null,
    started_at: now.toISOString(),
    experiment: arm?.experiment ?? null,
    experiment_arm: arm?.arm ?? null,
  });
  rows.events.push(
    { ...base, type: 'receivable.accepted', data: { kind: receivable.kind } },
    {
      ...base,
      caseId,
      type: 'case.started',
      data: { flow: flow.name, classification: decision.classification, decidedBy: decision.decidedBy },
    },
    // No payment link exists yet at intake (the first message that shows one makes it).
    ...withoutLinkClosed(plan.events),
  );
  rows.steps.push(...plan.steps);
  return flow.name;
}

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
    SELECT * FROM json_to_recordset(${JSON.stringify(rows)}::json) AS t (id uuid, corporation text,
      debtor_ref uuid, version int8, erp_updated_at timestamptz, external_id text, kind text, amount_minor int8, balance_minor int8, currency text, due_date date,
      payment_reference text, invoice_number text, description text, debtor jsonb, payload jsonb, status text,
      source text)
    ON CONFLICT (corporation, external_id) DO NOTHING
    RETURNING id, corporation, external_id`);
  return inserted as unknown as { id: string; corporation: string; external_id: string }[];
}

async function insertCases(tx: Tx, cases: readonly Record<string, unknown>[]) {
  if (cases.length === 0) return;
  await tx.query(sql.unsafe`
    INSERT INTO cases (id, receivable_id, debtor_ref, corporation, flow, flow_revision, bundle_revision,
      classification, rule, status, cursor, state, timeline, ended_at, end_reason, started_at, experiment, experiment_arm)
    SELECT * FROM json_to_recordset(${JSON.stringify(cases)}::json) AS t (id uuid, receivable_id uuid,
      debtor_ref uuid, corporation text, flow text, flow_revision text, bundle_revision text, classification text, rule text,
      status text, cursor int4, state jsonb, timeline jsonb, ended_at timestamptz, end_reason text,
      started_at timestamptz, experiment text, experiment_arm text)`);
}
