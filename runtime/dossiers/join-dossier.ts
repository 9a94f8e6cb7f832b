// New open receivables join a running debtor-scope dossier (ADR 0007): they become its items and the
// engine gets one `itemAdded` per item with the total after it. The caller holds the debtor row's lock
// and the dossier's case lock (lockRunningDossiers).
import { dossierView, engineContext } from '../../core/cases/index.js';
import { advance, type EngineResult } from '../../core/engine/index.js';
import type { BundleStore } from '../bundles/index.js';
import { applyEngineResult } from './apply-effects.js';
import { bundleForCase, flowForCase } from './case-config.js';
import { type CaseRow, type EventInput, insertEvents, type Tx } from './case-repository.js';
import { dossierItems, insertCaseItems, subjectOf } from './debtor-dossiers.js';

/** A receivable joining: its row id and externalId. */
export interface Joining {
  id: string;
  external_id: string;
}

export async function joinDossier(
  tx: Tx,
  bundles: BundleStore,
  c: CaseRow,
  joining: readonly Joining[],
  now: Date,
): Promise<void> {
  if (joining.length === 0) return;
  await insertCaseItems(
    tx,
    joining.map((j) => ({ case_id: c.id, receivable_id: j.id, corporation: c.corporation })),
    now,
  );
  const bundle = await bundleForCase(bundles, c);
  const flow = await flowForCase(bundles, c);
  const found = (await dossierItems(tx, [c.id])).get(c.id);
  const rows = found?.rows ?? [];
  const subject = subjectOf(rows[0]!, rows, found?.statuses);
  const ctx = engineContext(bundle, subject.state, now, subject.dossier.items);
  let state = c.state;
  const events: EventInput[] = [];
  const turns: EngineResult[] = [];
  for (const [k, j] of joining.entries()) {
    // The total after this item: the items already there and the joining ones up to this one.
    const later = new Set(joining.slice(k + 1).map((x) => x.id));
    const upTo = rows.filter((r) => !later.has(r.id));
    const total = dossierView(
      upTo.map((r) => ({ input: r.payload, balance: r.balance_minor, status: r.status })),
    ).total;
    const result = advance(
      flow,
      state,
      { type: 'event', event: { type: 'itemAdded', balance: total, externalId: j.external_id } },
      ctx,
    );
    state = result.state;
    turns.push(result);
    events.push({
      corporation: c.corporation,
      receivableId: j.id,
      externalId: j.external_id,
      caseId: c.id,
      type: 'case.item-added',
      data: { flow: c.flow, balance: total },
    });
  }
  const merged: EngineResult = {
    state,
    effects: turns.flatMap((t) => t.effects),
    timeline: turns.flatMap((t) => t.timeline),
  };
  await applyEngineResult(tx, c, merged, now);
  await insertEvents(tx, events);
}
