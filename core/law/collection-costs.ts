// Statutory extrajudicial collection costs: Besluit vergoeding voor buitengerechtelijke incassokosten
// (BIK, Stb. 2012, 141) art. 2, under art. 6:96 lid 5 and 6 BW. All amounts are integer cents.
//
// Rounding: the scale is worked out exactly (integer arithmetic on cents times basis points) and rounded
// once, DOWN to a whole cent; the VAT increase likewise. Why down: for a consumer the BIK amount is the
// most that may be charged (art. 6:96 lid 5 BW forbids deviating to the debtor's disadvantage), so a
// fraction of a cent is never rounded up into a charge the law does not allow. Only the last, partly
// filled band can produce a fraction (every full band is a whole number of cents), so rounding each
// band down and rounding the sum down give the same figure, and the bands always add up to the total.
import { createError } from '../errors/index.js';

/** One band of the BIK scale: `rateBasisPoints` (1 bp = 0,01 %) over the principal in [from, to). */
export interface CostScaleBand {
  fromCents: number;
  /** Exclusive upper bound; undefined for the open top band ("over het meerdere"). */
  toCents: number | undefined;
  rateBasisPoints: number;
}

/** BIK art. 2 lid 1: 15 % of the first € 2.500, 10 % of the next € 2.500, 5 % of the next € 5.000, 1 % of the next € 190.000, 0,5 % above. */
export const BIK_SCALE: readonly CostScaleBand[] = [
  { fromCents: 0, toCents: 250_000, rateBasisPoints: 1_500 },
  { fromCents: 250_000, toCents: 500_000, rateBasisPoints: 1_000 },
  { fromCents: 500_000, toCents: 1_000_000, rateBasisPoints: 500 },
  { fromCents: 1_000_000, toCents: 20_000_000, rateBasisPoints: 100 },
  { fromCents: 20_000_000, toCents: undefined, rateBasisPoints: 50 },
];
/** BIK art. 2 lid 2: at least € 40. */
export const BIK_MINIMUM_CENTS = 4_000;
/** BIK art. 2 lid 1: at most € 6.775. */
export const BIK_MAXIMUM_CENTS = 677_500;
/** The general Dutch VAT rate (21 %), in basis points. */
export const DEFAULT_VAT_RATE_BASIS_POINTS = 2_100;

export interface CollectionCostOptions {
  /**
   * Whether the corporation can reclaim (verrekenen) the VAT on collection costs. Only when it cannot
   * are the costs increased by the VAT rate (BIK art. 2 lid 3). Default true: no VAT added.
   */
  vatReclaimable?: boolean;
  /** VAT rate in basis points; 2100 (21 %) by default. */
  vatRateBasisPoints?: number;
}

export interface CostBandAmount {
  fromCents: number;
  toCents: number | undefined;
  rateBasisPoints: number;
  /** The part of the principal that falls in this band. */
  baseCents: number;
  /** rate × base, rounded down to a cent. */
  amountCents: number;
}

export interface CollectionCostsBreakdown {
  principalCents: number;
  /** Every band the principal reaches, lowest first. */
  bands: CostBandAmount[];
  /** Sum of the band amounts, before the minimum and the maximum. */
  scaleCents: number;
  /** The scale came to less than € 40 (BIK art. 2 lid 2), so € 40 applies. */
  minimumApplied: boolean;
  /** The scale came to more than € 6.775 (BIK art. 2 lid 1), so € 6.775 applies. */
  maximumApplied: boolean;
  /** The costs without VAT. */
  costsCents: number;
  /** 0 when the corporation can reclaim VAT. */
  vatRateBasisPoints: number;
  vatCents: number;
  /** costsCents + vatCents: the figure a 14-day letter must state. */
  totalCents: number;
}

function requireCents(value: number, field: string, what: string): void {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw createError('OST_ERR_LAW_INPUT', [
      field,
      `${what} must be a positive whole number of cents, got ${String(value)}`,
      'pass amounts as integer cents (€ 620,79 is 62079)',
    ]);
  }
}

/** floor(a × b / 10 000) for non-negative integers, exact for any size. */
function basisPointsOf(cents: number, basisPoints: number): number {
  return Number((BigInt(cents) * BigInt(basisPoints)) / 10_000n);
}

/** The statutory collection costs over one principal (BIK art. 2), with a breakdown per band. */
export function collectionCosts(
  principalCents: number,
  options: CollectionCostOptions = {},
): CollectionCostsBreakdown {
  requireCents(principalCents, 'principalCents', 'the principal');
  const vatRate = options.vatRateBasisPoints ?? DEFAULT_VAT_RATE_BASIS_POINTS;
  if (!Number.isSafeInteger(vatRate) || vatRate < 0) {
    throw createError('OST_ERR_LAW_INPUT', [
      'vatRateBasisPoints',
      `the VAT rate must be a non-negative whole number of basis points, got ${String(vatRate)}`,
      'write 21 % as 2100',
    ]);
  }
  const bands: CostBandAmount[] = [];
  for (const band of BIK_SCALE) {
    if (principalCents <= band.fromCents) break;
    const top = band.toCents === undefined ? principalCents : Math.min(principalCents, band.toCents);
    const baseCents = top - band.fromCents;
    bands.push({ ...band, baseCents, amountCents: basisPointsOf(baseCents, band.rateBasisPoints) });
  }
  const scaleCents = bands.reduce((sum, b) => sum + b.amountCents, 0);
  // The limits are whole cents, so comparing the rounded-down scale gives the same answer as comparing
  // the exact one (15 % of € 266,67 is € 40,0005: not below the minimum; of € 266,66 it is € 39,999).
  const minimumApplied = scaleCents < BIK_MINIMUM_CENTS;
  const maximumApplied = scaleCents > BIK_MAXIMUM_CENTS;
  const costsCents = minimumApplied ? BIK_MINIMUM_CENTS : Math.min(scaleCents, BIK_MAXIMUM_CENTS);
  const vatRateBasisPoints = options.vatReclaimable === false ? vatRate : 0;
  const vatCents = basisPointsOf(costsCents, vatRateBasisPoints);
  return {
    principalCents,
    bands,
    scaleCents,
    minimumApplied,
    maximumApplied,
    costsCents,
    vatRateBasisPoints,
    vatCents,
    totalCents: costsCents + vatCents,
  };
}
