// The rows of arrangements and promises to pay (migration 025), written from the engine's record effects
// in the transaction that saves the case: a plan started is inserted with its instalments (a plan still
// running on the dossier is marked replaced), a plan broken, completed or kept gets its end. The engine
// decides; these rows only keep what it decided, for the ERP API, the console and the evidence file.
import type { Effect } from '../../core/engine/index.js';
import { sql, typedRows } from '../../platform/db/index.js';
import type { CaseRow, Tx } from './case-repository.js';
import { derivedTaskId, openTask } from './open-task.js';

type RecordEffect = Extract<Effect, { type: 'record' }>;

const ENDS: Readonly<Record<string, 'completed' | 'broken' | 'ended'>> = {
  'arrangement.completed': 'completed',
  'arrangement.ended': 'ended',
  'promise.ended': 'ended',
  'arrangement.broken': 'broken',
  'promise.kept': 'completed',
  'promise.broken': 'broken',
};

interface StartedData {
  kind: 'plan' | 'promise';
  source: 'erp' | 'console' | 'tenant';
  reference?: string;
  totalCents: number;
  graceDays: number;
  madeOn: string;
  terms: { dueOn: string; amountCents: number }[];
}

export async function recordArrangementRows(
  tx: Tx,
  c: Pick<CaseRow, 'id' | 'corporation' | 'receivable_id'>,
  effects: readonly Effect[],
  now: Date,
): Promise<void> {
  for (const e of effects) {
    if (e.type !== 'record') continue;
    if (e.event === 'arrangement.started' || e.event === 'promise.made') await started(tx, c, e, now);
    const end = ENDS[e.event];
    if (end) {
      const ended = await tx.anyFirst(sql.unsafe`
        UPDATE arrangements SET status = ${end}, ended_at = ${now.toISOString()}
        WHERE case_id = ${c.id} AND status = 'running' RETURNING id`);
      if (end === 'broken') for (const id of ended) await openLapsedTask(tx, c, String(id), e.event, now);
    }
  }
}

async function started(
  tx: Tx,
  c: Pick<CaseRow, 'id' | 'corporation' | 'receivable_id'>,
  e: RecordEffect,
  now: Date,
): Promise<void> {
  const d = e.data as unknown as StartedData;
  const terms = d.terms.map((t, i) => ({ term: i + 1, due_on: t.dueOn, amount_minor: t.amountCents }));
  await tx.query(sql.unsafe`
    UPDATE arrangements SET status = 'replaced', ended_at = ${now.toISOString()}
    WHERE case_id = ${c.id} AND status = 'running'`);
  const id = await tx.oneFirst(sql.unsafe`
    INSERT INTO arrangements (corporation, case_id, receivable_id, kind, source, reference, total_minor,
      grace_days, made_on, created_at)
    VALUES (${c.corporation}, ${c.id}, ${c.receivable_id}, ${d.kind}, ${d.source}, ${d.reference ?? null},
      ${d.totalCents}, ${d.graceDays}, ${d.madeOn}, ${now.toISOString()})
    RETURNING id`);
  await tx.query(sql.unsafe`
    INSERT INTO arrangement_terms (arrangement_id, term, due_on, amount_minor)
    SELECT ${id as string}, t.term, t.due_on, t.amount_minor
    FROM ${typedRows(
      [
        ['term', 'int4'],
        ['due_on', 'date'],
        ['amount_minor', 'int8'],
      ],
      terms,
    )}`);
}

/**
 * A lapsed plan or a broken promise is work for a person: a `lapsed-arrangement` task on the console's list
 * (and `task.created` on the feed), once per plan, whatever the flow's own reaction does.
 */
async function openLapsedTask(
  tx: Tx,
  c: Pick<CaseRow, 'id' | 'corporation' | 'receivable_id'>,
  arrangementId: string,
  event: string,
  now: Date,
): Promise<void> {
  const debtorRef = await tx.maybeOneFirst(sql.unsafe`
    SELECT debtor_ref FROM receivables WHERE id = ${c.receivable_id}`);
  await openTask(tx, {
    id: derivedTaskId(`lapsed-arrangement:${arrangementId}`),
    corporation: c.corporation,
    kind: 'lapsed-arrangement',
    debtorRef: (debtorRef as string | null) ?? null,
    caseId: c.id,
    replyId: null,
    title: event === 'promise.broken' ? 'Betaalbelofte niet nagekomen' : 'Betalingsregeling vervallen',
    createdAt: now,
  });
}
