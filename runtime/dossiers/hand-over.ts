// A handOver step ended a case (ADR 0007): its open items go to the debtor's dossier of the target flow,
// joined when one runs, else started with them. Runs in the transaction of the turn that ended the case,
// holding its lock; the debtor row's lock comes next (as at intake), so a hand-over and an intake batch
// cannot both start a dossier of the target flow for the debtor.
import type { ConfigBundle } from '../../core/bundle/types.js';
import { dossierReceivable, openItems } from '../../core/cases/index.js';
import { amount, type Effect } from '../../core/engine/index.js';
import { newIds, sql } from '../../platform/db/index.js';
import type { BundleStore } from '../bundles/index.js';
import { insertSteps } from './apply-effects.js';
import {
  appendTimeline,
  type CaseRow,
  insertEvents,
  type ReceivableRow,
  type Tx,
} from './case-repository.js';
import {
  type CaseSubject,
  dossierKey,
  insertCaseItems,
  insertCases,
  lockRunningDossiers,
} from './debtor-dossiers.js';
import { joinDossier } from './join-dossier.js';
import { emptyStartRows, startCaseRows } from './start-case.js';

type HandOverEffect = Extract<Effect, { type: 'handOver' }>;

export async function handOver(
  tx: Tx,
  bundles: BundleStore,
  bundle: ConfigBundle,
  from: CaseRow,
  subject: CaseSubject,
  e: HandOverEffect,
  now: Date,
): Promise<void> {
  const at = now.toISOString();
  const say = (text: string) => appendTimeline(tx, from.id, [{ at, stepId: e.stepId, text }]);
  const byExternalId = new Map(subject.items.map((r) => [r.external_id, r]));
  const open = openItems(
    subject.items.map((r) => ({ input: r.payload, balance: r.balance_minor, status: r.status })),
    new Set(),
  ).map((i) => byExternalId.get(i.input.externalId) as ReceivableRow);
  const flow = bundle.flows[e.flow];
  if (open.length === 0) return say(`Nothing handed over to flow '${e.flow}': no open items`);
  if (flow?.scope !== 'debtor') {
    return say(`Not handed over: flow '${e.flow}' is not a per-debtor flow in the current configuration`);
  }
  const debtorRef = from.debtor_ref ?? open[0]?.debtor_ref ?? null;
  if (!debtorRef) return say(`Not handed over to flow '${e.flow}': the receivable has no debtor`);
  await tx.query(sql.unsafe`
    UPDATE case_items SET left_at = ${at} WHERE case_id = ${from.id} AND left_at IS NULL`);
  await tx.query(sql.unsafe`SELECT id FROM debtors WHERE id = ${debtorRef} FOR UPDATE`);
  const running = (await lockRunningDossiers(tx, [{ debtorRef, flow: flow.name }])).get(
    dossierKey(debtorRef, flow.name),
  );
  const total = open.reduce((sum, r) => sum + r.balance_minor, 0);
  let target: string;
  if (running) {
    await joinDossier(tx, bundles, running, open, now);
    target = running.id;
  } else {
    const [caseId] = newIds(1) as [string];
    const rows = emptyStartRows();
    const items = open.map((r) => ({ input: r.payload, balance: r.balance_minor, status: r.status }));
    const state = dossierReceivable(items);
    const first = open.find((r) => r.external_id === state.input.externalId) ?? open[0]!;
    startCaseRows(
      rows,
      {
        caseId,
        corporation: from.corporation,
        bundle,
        flow,
        classification: from.classification ?? '',
        rule: `handOver:${from.flow}`,
        debtorRef,
        state,
        receivableId: first.id,
        itemIds: open.map((r) => r.id),
        items: open.map((r) => ({ externalId: r.external_id, balance: r.balance_minor })),
      },
      now,
    );
    await insertCases(tx, rows.cases);
    await insertCaseItems(tx, rows.items, now);
    await insertSteps(tx, rows.steps, { newCases: true });
    await insertEvents(tx, rows.events);
    target = caseId;
  }
  const n = open.length === 1 ? '1 open item' : `${open.length} open items`;
  await say(
    `Handed over to flow '${flow.name}': ${n} (${amount(total)}) ${running ? 'joined its running dossier' : 'started a new dossier'}`,
  );
  await insertEvents(tx, [
    {
      corporation: from.corporation,
      receivableId: from.receivable_id,
      caseId: from.id,
      type: 'case.handed-over',
      data: { flow: flow.name, id: target, balance: total, receivables: open.map((r) => r.external_id) },
    },
  ]);
}
