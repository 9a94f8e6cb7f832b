// Feeds one input (a due timer, a watch, a provider or ERP event) to a case: lock the case, run the pure
// engine against the flow revision the case started on, and store state and effects in one transaction.
import type { ConfigBundle } from '../../core/bundle/types.js';
import { engineContext, receivableState } from '../../core/cases/index.js';
import { advance, type EngineInput } from '../../core/engine/index.js';
import type { BundleStore } from '../bundles/index.js';
import { applyEngineResult } from './apply-effects.js';
import { bundleForCase, flowForCase } from './case-config.js';
import { type CaseRow, lockCase, lockReceivable, type ReceivableRow, type Tx } from './case-repository.js';
import { caseSubject } from './debtor-dossiers.js';
import { handOver } from './hand-over.js';

export { bundleForCase };

export interface CaseInputResult {
  caseRow: CaseRow;
  bundle: ConfigBundle;
}

export function stateOf(r: ReceivableRow) {
  const s = receivableState(r.payload);
  return { ...s, balance: r.balance_minor, status: r.status, optOuts: r.opt_outs ?? [] };
}

export async function feedCase(
  tx: Tx,
  bundles: BundleStore,
  caseId: string,
  input: EngineInput,
  now: Date,
): Promise<CaseInputResult> {
  const c = await lockCase(tx, caseId);
  const r = await lockReceivable(tx, c.receivable_id);
  const bundle = await bundleForCase(bundles, c);
  const flow = await flowForCase(bundles, c);
  // A dossier's engine sees its oldest open item with the total as balance (core/cases/dossier.ts).
  const subject = await caseSubject(tx, c, r);
  const result = advance(
    flow,
    c.state,
    input,
    engineContext(bundle, subject.state, now, subject.dossier.items),
  );
  await applyEngineResult(tx, c, result, now);
  for (const e of result.effects) {
    if (e.type === 'handOver') await handOver(tx, bundles, bundle, c, subject, e, now);
  }
  return { caseRow: { ...c, state: result.state, status: result.state.status }, bundle };
}
