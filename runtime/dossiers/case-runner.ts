// Feeds one input (a due timer, a watch, a provider or ERP event) to a case: lock the case, run the pure
// engine against the flow revision the case started on, and store state and effects in one transaction.
import type { ConfigBundle } from '../../core/bundle/types.js';
import { engineContext, receivableState } from '../../core/cases/index.js';
import { advance, type EngineInput } from '../../core/engine/index.js';
import { createError } from '../../core/errors/index.js';
import type { BundleStore } from '../bundles/index.js';
import { applyEngineResult } from './apply-effects.js';
import { type CaseRow, lockCase, lockReceivable, type ReceivableRow, type Tx } from './case-repository.js';

export interface CaseInputResult {
  caseRow: CaseRow;
  bundle: ConfigBundle;
}

export async function bundleForCase(bundles: BundleStore, c: CaseRow): Promise<ConfigBundle> {
  const bundle = bundles.get(c.corporation) ?? (await bundles.revision(c.corporation, c.bundle_revision));
  if (!bundle) throw createError('OST_ERR_NO_BUNDLE', [c.corporation]);
  return bundle;
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
  const flow = await bundles.flowFor(c.corporation, c.bundle_revision, c.flow, c.flow_revision);
  if (!flow)
    throw createError('OST_ERR_CONFIG', [`flow ${c.flow} of case ${c.id} is gone`, 'restore the Flow']);
  const result = advance(flow, c.state, input, engineContext(bundle, stateOf(r), now));
  await applyEngineResult(tx, c, result, now);
  return { caseRow: { ...c, state: result.state, status: result.state.status }, bundle };
}
