// Batch intake: many accepted receivables in one transaction, with one multi-row INSERT per table. The
// per-receivable work (classification, the engine's first turn, payment link) is pure and happens in
// memory between the receivables insert and the rest, so a batch of 500 costs a handful of round trips.
// Idempotent like the one-at-a-time path: a receivable already stored (unique (corporation, externalId))
// produces nothing, so a redelivered batch is harmless.

import { randomBytes, randomUUID } from 'node:crypto';
import type { ConfigBundle } from '../../core/bundle/types.js';
import { classify, engineContext, initialStatus, receivableState } from '../../core/cases/index.js';
import { startCase } from '../../core/engine/index.js';
import { isOutputstraatError } from '../../core/errors/index.js';
import type { ReceivableInput } from '../../core/receivable/index.js';
import { sql } from '../db/index.js';
import { insertSteps, planEffects, type StepInsert } from './apply-effects.js';
import type { EventInput, Tx } from './case-repository.js';

const PAYMENT_LINK_DAYS = 90;

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
  links: unknown[][];
  cases: unknown[][];
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
  const inserted = await insertReceivables(tx, [...unique.values()]);
  const rows: Rows = { links: [], cases: [], steps: [], events: [] };
  const report: BatchReport = { stored: inserted.length, started: [] };
  for (const { id, corporation, external_id } of inserted) {
    const item = unique.get(key(corporation, external_id))!;
    const flow = startOne(rows, item, id, now);
    if (flow) report.started.push({ corporation, flow });
  }
  await insertLinks(tx, rows.links);
  await insertCases(tx, rows.cases);
  await insertSteps(tx, rows.steps);
  await insertEventRows(tx, rows.events);
  return report;
}

/** Classifies one new receivable and runs the engine's first turn; returns the flow, if a case started. */
function startOne(rows: Rows, item: BatchItem, receivableId: string, now: Date): string | undefined {
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
  const flow = bundle.flows[decision.flow]!;
  rows.links.push([randomBytes(18).toString('base64url'), corporation, receivableId, 'payment']);
  const caseId = randomUUID();
  const result = startCase(flow, decision.classification, engineContext(bundle, state, now));
  const plan = planEffects({ id: caseId, corporation, receivable_id: receivableId }, result, now);
  const s = result.state;
  const ended = s.status === 'stopped' || s.status === 'completed';
  rows.cases.push([
    caseId,
    receivableId,
    corporation,
    flow.name,
    flow.revision,
    bundle.revision,
    decision.classification,
    decision.decidedBy,
    s.status,
    s.cursor,
    JSON.stringify(s),
    ended ? now.toISOString() : null,
    s.endReason ?? null,
  ]);
  rows.events.push(
    { ...base, type: 'receivable.accepted', data: { kind: receivable.kind } },
    {
      ...base,
      caseId,
      type: 'case.started',
      data: { flow: flow.name, classification: decision.classification, decidedBy: decision.decidedBy },
    },
    ...plan.events,
  );
  rows.steps.push(...plan.steps);
  // A first turn that closes the link closes the one just made (no earlier link can exist).
  if (plan.closeLink) rows.links.at(-1)!.push('closed');
  return flow.name;
}

async function insertReceivables(tx: Tx, items: readonly BatchItem[]) {
  if (items.length === 0) return [];
  const tuples = items.map(({ corporation, receivable: r }) => {
    const balance = r.balance ?? r.amount;
    return [
      corporation,
      r.externalId,
      r.kind,
      r.amount,
      balance,
      r.currency ?? 'EUR',
      r.dueDate,
      r.paymentReference,
      r.invoiceNumber ?? null,
      r.description ?? null,
      JSON.stringify(r.debtor),
      JSON.stringify(r satisfies ReceivableInput),
      initialStatus(r),
      r.source,
    ];
  });
  const rows = await tx.any(sql.unsafe`
    INSERT INTO receivables (corporation, external_id, kind, amount_minor, balance_minor, currency, due_date,
      payment_reference, invoice_number, description, debtor, payload, status, source)
    SELECT * FROM ${sql.unnest(tuples as never, [
      'text',
      'text',
      'text',
      'int8',
      'int8',
      'text',
      'date',
      'text',
      'text',
      'text',
      'jsonb',
      'jsonb',
      'text',
      'text',
    ])}
    ON CONFLICT (corporation, external_id) DO NOTHING
    RETURNING id, corporation, external_id`);
  return rows as unknown as { id: string; corporation: string; external_id: string }[];
}

async function insertLinks(tx: Tx, links: unknown[][]) {
  if (links.length === 0) return;
  const tuples = links.map(([token, corporation, receivableId, purpose, closed]) => [
    token,
    corporation,
    receivableId,
    purpose,
    closed === 'closed' ? 'closed' : null,
  ]);
  await tx.query(sql.unsafe`
    INSERT INTO links (token, corporation, receivable_id, purpose, expires_at, closed_at)
    SELECT t.token, t.corporation, t.receivable_id, t.purpose,
      now() + make_interval(days => ${PAYMENT_LINK_DAYS}),
      CASE WHEN t.closed IS NULL THEN NULL ELSE now() END
    FROM ${sql.unnest(tuples as never, ['text', 'text', 'uuid', 'text', 'text'])}
      AS t (token, corporation, receivable_id, purpose, closed)`);
}

async function insertCases(tx: Tx, cases: unknown[][]) {
  if (cases.length === 0) return;
  await tx.query(sql.unsafe`
    INSERT INTO cases (id, receivable_id, corporation, flow, flow_revision, bundle_revision, classification,
      rule, status, cursor, state, ended_at, end_reason)
    SELECT * FROM ${sql.unnest(cases as never, [
      'uuid',
      'uuid',
      'text',
      'text',
      'text',
      'text',
      'text',
      'text',
      'text',
      'int4',
      'jsonb',
      'timestamptz',
      'text',
    ])}`);
}

/** Events in one statement, in the order given (seq follows the order of the unnest). */
export async function insertEventRows(tx: Tx, events: readonly EventInput[]) {
  if (events.length === 0) return;
  const fallback = new Date().toISOString();
  const tuples = events.map((e) => [
    e.corporation,
    e.receivableId ?? null,
    e.caseId ?? null,
    e.externalId ?? null,
    e.type,
    JSON.stringify(e.data ?? {}),
    e.at ? e.at.toISOString() : fallback,
  ]);
  await tx.query(sql.unsafe`
    INSERT INTO events (corporation, receivable_id, case_id, external_id, type, data, at)
    SELECT * FROM ${sql.unnest(tuples as never, ['text', 'uuid', 'uuid', 'text', 'text', 'jsonb', 'timestamptz'])}`);
}
