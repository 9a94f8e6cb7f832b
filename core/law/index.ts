// Dutch collections law, pure: statutory collection costs, the 14-day letter term, payment arrangements
// and early signalling. No I/O, no clock: every function takes the dates it needs. Amounts are integer
// cents; dates are local dates in Europe/Amsterdam. docs/collections-law.md explains each rule and its source.

export {
  type ArrangementContext,
  type ArrangementLimits,
  type ArrangementPlan,
  type ArrangementTerm,
  type ArrangementViolationCode,
  assertArrangementLimits,
  type EligibilityCheck,
  equalInstalments,
  type InstalmentInterval,
  type ValidationResult,
  type Violation,
  validateArrangement,
} from './arrangement-plan.js';
export {
  ARRANGEMENT_DEFAULTS,
  type ArrangementStatus,
  allocateToTerms,
  arrangementStatus,
  type Payment,
  type TermPosition,
  termAwaited,
} from './arrangement-status.js';
export {
  BIK_MAXIMUM_CENTS,
  BIK_MINIMUM_CENTS,
  BIK_SCALE,
  type CollectionCostOptions,
  type CollectionCostsBreakdown,
  type CostBandAmount,
  type CostScaleBand,
  collectionCosts,
  DEFAULT_VAT_RATE_BASIS_POINTS,
} from './collection-costs.js';
export {
  buildEarlySignal,
  DEFAULT_OBJECTION_WINDOW_DAYS,
  type EarlySignalBlock,
  type EarlySignalBlockCode,
  type EarlySignalConfig,
  type EarlySignalDecision,
  type EarlySignalFacts,
  type EarlySignalRecord,
  earlySignalDue,
  type TenantContactDetails,
} from './early-signal.js';
export {
  DEFAULT_LETTER_DELIVERY_DAYS,
  DUTCH_TIME_ZONE,
  FOURTEEN_DAY_TERM_DAYS,
  type FourteenDayTerm,
  type FourteenDayTermOptions,
  fourteenDayTerm,
  type NoticeChannel,
} from './fourteen-day-term.js';
export {
  type PaymentPromise,
  PROMISE_DEFAULTS,
  type PromiseLimits,
  type PromiseStatus,
  type PromiseViolationCode,
  promiseStatus,
  validatePromise,
} from './promise-to-pay.js';
export {
  type Claim,
  type ClaimGrouping,
  type CostCharge,
  type LetterCosts,
  type LetterCostsInput,
  letterCollectionCosts,
  type RecurringClaimsOptions,
} from './recurring-claims.js';
export {
  ATW_MAX_TERM_DAYS,
  type SkippedDay,
  type StatutoryTermEnd,
  statutoryTermEnd,
} from './statutory-term.js';
export {
  type TenantOffers,
  type TenantPlanPolicy,
  tenantLimits,
  tenantPlanOffers,
} from './tenant-offers.js';
