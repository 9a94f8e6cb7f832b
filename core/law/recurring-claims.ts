// Collection costs when one debtor owes several claims (typically several unpaid rent terms) and when
// the same claim comes back in a later letter. Two rules, see docs/collections-law.md for the sources:
// - claims demanded together in one 14-day letter are, by default, added up and the BIK scale is applied
//   once to the sum (grouping 'per-letter'); a corporation may choose 'per-claim' (each claim its own
//   scale and its own € 40 minimum) — the more expensive reading for the tenant, which it then has to
//   defend in court;
// - the costs for a claim are charged once: a claim whose costs an earlier letter already announced gets
//   none again, whatever later letters say about it.
import { createError } from '../errors/index.js';
import {
  type CollectionCostOptions,
  type CollectionCostsBreakdown,
  collectionCosts,
} from './collection-costs.js';

export type ClaimGrouping = 'per-letter' | 'per-claim';

export interface RecurringClaimsOptions {
  /** How claims in one letter are costed: 'per-letter' (default, sum then scale) or 'per-claim'. */
  grouping?: ClaimGrouping;
}

export interface Claim {
  /** The claim's stable id (e.g. the rent term's invoice number). */
  id: string;
  principalCents: number;
}

export interface LetterCostsInput {
  /** The claims this 14-day letter demands. */
  claims: readonly Claim[];
  /** Ids of claims whose collection costs an earlier letter already charged. */
  alreadyChargedClaimIds?: Iterable<string>;
}

export interface CostCharge {
  /** The claims whose principals this charge is computed over. */
  claimIds: string[];
  breakdown: CollectionCostsBreakdown;
}

export interface LetterCosts {
  grouping: ClaimGrouping;
  /** One charge for 'per-letter' (when any claim is new), one per new claim for 'per-claim'. */
  charges: CostCharge[];
  /** Claims that get no costs in this letter because an earlier letter charged them. */
  skippedClaimIds: string[];
  /** Sum of the charges' totals (VAT included where it applies). */
  totalCents: number;
}

/** The collection costs a 14-day letter may announce for the claims it demands. */
export function letterCollectionCosts(
  input: LetterCostsInput,
  options: CollectionCostOptions & RecurringClaimsOptions = {},
): LetterCosts {
  const grouping = options.grouping ?? 'per-letter';
  if (grouping !== 'per-letter' && grouping !== 'per-claim') {
    throw createError('OST_ERR_LAW_INPUT', [
      'grouping',
      `unknown grouping ${JSON.stringify(grouping)}`,
      "use 'per-letter' or 'per-claim'",
    ]);
  }
  const seen = new Set<string>();
  for (const [i, claim] of input.claims.entries()) {
    if (seen.has(claim.id)) {
      throw createError('OST_ERR_LAW_INPUT', [
        `claims[${i}].id`,
        `claim ${JSON.stringify(claim.id)} appears twice in one letter`,
        'list each claim once',
      ]);
    }
    seen.add(claim.id);
  }
  const charged = new Set(input.alreadyChargedClaimIds ?? []);
  const fresh = input.claims.filter((c) => !charged.has(c.id));
  const skippedClaimIds = input.claims.filter((c) => charged.has(c.id)).map((c) => c.id);
  const groups = grouping === 'per-claim' ? fresh.map((c) => [c]) : fresh.length > 0 ? [fresh] : [];
  const charges = groups.map((group) => ({
    claimIds: group.map((c) => c.id),
    breakdown: collectionCosts(sumPrincipals(group), options),
  }));
  return {
    grouping,
    charges,
    skippedClaimIds,
    totalCents: charges.reduce((sum, c) => sum + c.breakdown.totalCents, 0),
  };
}

function sumPrincipals(claims: readonly Claim[]): number {
  let sum = 0;
  for (const c of claims) {
    if (!Number.isSafeInteger(c.principalCents) || c.principalCents <= 0) {
      throw createError('OST_ERR_LAW_INPUT', [
        `claim ${JSON.stringify(c.id)} principalCents`,
        `the principal must be a positive whole number of cents, got ${String(c.principalCents)}`,
        'pass amounts as integer cents (€ 620,79 is 62079)',
      ]);
    }
    sum += c.principalCents;
  }
  return sum;
}
