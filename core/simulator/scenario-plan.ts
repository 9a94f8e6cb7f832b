// A scenario's arrangement with terms, as the engine monitors it: the plan made on the event's local
// day, with the corporation's grace days (spec.collections.arrangements / promises), as the runtime makes
// it from an ERP report (runtime/dossiers/arrangement-plans.ts).
import type { BundleCorporation } from '../bundle/types.js';
import { localDateKey, localDateOf } from '../calendar/index.js';
import type { CaseEvent } from '../engine/index.js';
import { ARRANGEMENT_DEFAULTS, PROMISE_DEFAULTS } from '../law/index.js';
import type { SimEvent } from './types.js';

export function withPlan(
  fed: CaseEvent,
  event: SimEvent,
  corporation: Pick<BundleCorporation, 'timezone' | 'arrangements' | 'promises'>,
  now: Date,
): CaseEvent {
  if (fed.type !== 'arrangement' || event.type !== 'arrangement' || !event.terms?.length) return fed;
  const promise = event.promise === true;
  const graceDays = promise
    ? (corporation.promises?.graceDays ?? PROMISE_DEFAULTS.graceDays)
    : (corporation.arrangements?.graceDays ?? ARRANGEMENT_DEFAULTS.graceDays);
  return {
    ...fed,
    plan: {
      kind: promise ? 'promise' : 'plan',
      source: 'erp',
      madeOn: localDateKey(localDateOf(now, corporation.timezone)),
      graceDays,
      terms: event.terms.map((t) => ({ dueOn: t.dueOn, amountCents: t.amount })),
    },
  };
}
