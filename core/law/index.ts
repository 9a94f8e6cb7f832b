// Dutch collections law, pure: statutory collection costs, the 14-day letter term, payment arrangements
// and early signalling. No I/O, no clock: every function takes the dates it needs. Amounts are integer
// cents; dates are local dates in Europe/Amsterdam. docs/collections-law.md explains each rule and its source.

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
  type Claim,
  type ClaimGrouping,
  type CostCharge,
  type LetterCosts,
  type LetterCostsInput,
  letterCollectionCosts,
  type RecurringClaimsOptions,
} from './recurring-claims.js';
