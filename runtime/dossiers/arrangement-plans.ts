// A plan as the engine monitors it (core/engine/arrangement.ts), made from what the ERP, a consultant or
// the tenant reported: the instalments are checked with core/law (in order, not in the past, within the
// limits that apply to who made it) and the corporation's grace days are added. Bad input is a 400 that
// names the field; nothing changes.
import type { BundleCorporation } from '../../core/bundle/types.js';
import { localDateKey, localDateOf } from '../../core/calendar/index.js';
import type { PlanInput } from '../../core/engine/index.js';
import {
  ARRANGEMENT_DEFAULTS,
  type ArrangementLimits,
  type ArrangementTerm,
  validateArrangement,
} from '../../core/law/index.js';
import { validationError } from '../../core/receivable/validation-error.js';

/** Limits for a plan the ERP reports: the ERP decides; only order and dates are checked. */
export const ERP_LIMITS: ArrangementLimits = {
  maxTerms: 60,
  minTermCents: 1,
  maxTotalCents: 100_000_000_00,
  firstTermWithinDays: 3650,
};

export interface PlanRequest {
  source: PlanInput['source'];
  reference?: string;
  terms: ArrangementTerm[];
  limits: ArrangementLimits;
  /** The debt the plan must pay off exactly (the console: the item's balance); absent: the terms' sum. */
  totalCents?: number;
  /** Field names as the caller's input spells them ('terms[1].dueOn' → 'due2'); identity when absent. */
  field?: (lawField: string) => string;
}

/** The plan to feed the engine, or a 400 naming every field that is wrong. */
export function checkedPlan(
  corporation: Pick<BundleCorporation, 'timezone' | 'arrangements'>,
  now: Date,
  req: PlanRequest,
): PlanInput {
  const today = localDateOf(now, corporation.timezone);
  const totalCents = req.totalCents ?? req.terms.reduce((sum, t) => sum + t.amountCents, 0);
  const verdict = validateArrangement({ totalCents, terms: req.terms }, req.limits, {
    today,
    debtor: null,
    qualifies: () => true,
  });
  if (!verdict.valid) {
    const field = req.field ?? ((f: string) => f);
    throw validationError(verdict.violations.map((v) => ({ field: field(v.field), message: v.message })));
  }
  return {
    kind: 'plan',
    source: req.source,
    ...(req.reference ? { reference: req.reference } : {}),
    madeOn: localDateKey(today),
    graceDays: corporation.arrangements?.graceDays ?? ARRANGEMENT_DEFAULTS.graceDays,
    terms: req.terms.map((t) => ({ dueOn: localDateKey(t.dueOn), amountCents: t.amountCents })),
  };
}
