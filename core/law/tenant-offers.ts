// The plans a tenant may choose on the payment page (Corporation spec.collections.arrangements.tenant):
// monthly instalments of equal amounts (core/law/arrangement-plan.ts equalInstalments), the first due the
// day the plan is made and paid at once, from two terms up to the most the corporation allows, as long as
// each instalment is at least its minimum. Who qualifies: the dossier's classification is one the
// corporation lists (or it lists none), and the open amount is at most its maximum.
import type { LocalDate } from '../calendar/index.js';
import { type ArrangementLimits, type ArrangementPlan, equalInstalments } from './arrangement-plan.js';

export interface TenantPlanPolicy {
  maxTerms: number;
  minTermCents: number;
  maxTotalCents?: number;
  /** Empty: every classification. */
  allowedClassifications: readonly string[];
}

export type TenantOffers =
  | { eligible: true; plans: ArrangementPlan[] }
  | { eligible: false; reason: 'classification' | 'too-large' | 'too-small' };

/** The limits a tenant's plan is checked against (validateArrangement): the first term is due today. */
export function tenantLimits(policy: TenantPlanPolicy, openCents: number): ArrangementLimits {
  return {
    maxTerms: policy.maxTerms,
    minTermCents: policy.minTermCents,
    maxTotalCents: policy.maxTotalCents ?? openCents,
    firstTermWithinDays: 0,
  };
}

export function tenantPlanOffers(
  policy: TenantPlanPolicy,
  openCents: number,
  classification: string,
  today: LocalDate,
): TenantOffers {
  const allowed = policy.allowedClassifications;
  if (allowed.length > 0 && !allowed.includes(classification)) {
    return { eligible: false, reason: 'classification' };
  }
  if (policy.maxTotalCents !== undefined && openCents > policy.maxTotalCents) {
    return { eligible: false, reason: 'too-large' };
  }
  const plans: ArrangementPlan[] = [];
  for (let n = 2; n <= policy.maxTerms; n++) {
    if (Math.floor(openCents / n) < policy.minTermCents) break;
    plans.push(equalInstalments(openCents, n, today));
  }
  return plans.length > 0 ? { eligible: true, plans } : { eligible: false, reason: 'too-small' };
}
