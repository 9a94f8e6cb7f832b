// What the tenant's arrangement pages read and do: the dossier's classification and running plan for
// a payment link's receivable, and recording the tenant's choice as the same monitored plan the ERP and
// the console make (runtime/dossiers applyReceivableEvent with a plan, source tenant).
import type { BundleCorporation } from '../../core/bundle/types.js';
import { localDateKey, localDateOf } from '../../core/calendar/index.js';
import type { CaseArrangement, PlanInput } from '../../core/engine/index.js';
import { ARRANGEMENT_DEFAULTS, allocateToTerms, PROMISE_DEFAULTS } from '../../core/law/index.js';
import { type Database, sql } from '../../platform/db/index.js';
import type { BundleStore } from '../bundles/index.js';
import { applyReceivableEvent } from '../dossiers/index.js';
import type { PlanView } from './arrangement-views.js';

/** The running dossier of the receivable (its own case or the debtor dossier it is an item of). */
export async function dossierOf(
  db: Database,
  receivableId: string,
): Promise<{ classification: string; arrangement: CaseArrangement | null } | undefined> {
  const row = await db.maybeOne(sql.unsafe`
    SELECT state->>'classification' AS classification, state->'arrangement' AS arrangement
    FROM cases
    WHERE (receivable_id = ${receivableId}
           OR id IN (SELECT case_id FROM case_items WHERE receivable_id = ${receivableId} AND left_at IS NULL))
      AND status IN ('active', 'paused')
    ORDER BY started_at DESC LIMIT 1`);
  if (!row) return undefined;
  return {
    classification: row.classification as string,
    arrangement: (row.arrangement as CaseArrangement | null) ?? null,
  };
}

/** A running plan as the page shows it: each instalment with what the payments so far cover. */
export function planView(a: CaseArrangement): PlanView {
  const paid = a.payments.reduce((sum, p) => sum + p.amountCents, 0);
  const perTerm = allocateToTerms(
    a.terms.map((t) => t.amountCents),
    paid,
  );
  return {
    kind: a.kind,
    total: a.totalCents,
    terms: a.terms.map((t, i) => ({ term: i + 1, dueOn: t.dueOn, amount: t.amountCents, paid: perTerm[i]! })),
  };
}

export const todayKey = (corporation: Pick<BundleCorporation, 'timezone'>, now: Date) =>
  localDateKey(localDateOf(now, corporation.timezone));

/** Records the tenant's plan or promise on the receivable's dossier: it pauses and is monitored. */
export async function recordTenantPlan(
  deps: { db: Database; bundles: BundleStore; now?: () => Date },
  corporation: BundleCorporation,
  externalId: string,
  plan: Pick<PlanInput, 'kind' | 'terms'>,
): Promise<void> {
  const now = deps.now?.() ?? new Date();
  const graceDays =
    plan.kind === 'promise'
      ? (corporation.promises?.graceDays ?? PROMISE_DEFAULTS.graceDays)
      : (corporation.arrangements?.graceDays ?? ARRANGEMENT_DEFAULTS.graceDays);
  const full: PlanInput = {
    ...plan,
    source: 'tenant',
    reference: `page-${now.getTime().toString(36)}`,
    madeOn: todayKey(corporation, now),
    graceDays,
  };
  await applyReceivableEvent(deps, corporation.id, externalId, {
    type: 'patch',
    patch: {
      arrangement: { reference: full.reference! },
      reason:
        plan.kind === 'promise'
          ? 'promise to pay made on the payment page'
          : 'payment arrangement chosen on the payment page',
    },
    plan: full,
  });
}
