// Which arm a debtor is in. A point in [0, 1) is hashed from corporation, experiment and debtor id, so
// every replica, every restart and every later case of the same debtor lands on the same point. The
// first `holdout` of the line is the holdout, whatever the variants' weights; the rest is divided among
// the variants in proportion to their weights (fixed ones, or the bandit's current allocation). A
// debtor's holdout membership therefore never depends on the bandit.
import { createHash } from 'node:crypto';

export const HOLDOUT = 'holdout';

export interface Allocation {
  /** The holdout's share of all new cases, exactly as declared. */
  holdout: number;
  /** Each variant's share of the non-holdout cases; stopped variants are absent. Sums to 1 (or is empty). */
  variants: readonly { name: string; share: number }[];
}

/** The debtor's point on [0, 1): the first 52 bits of SHA-256 of corporation, experiment, debtor id. */
export function assignmentPoint(corporation: string, experiment: string, debtorId: string): number {
  const digest = createHash('sha256').update(`${corporation}\u0000${experiment}\u0000${debtorId}`).digest();
  // 52 bits: 6 whole bytes and the top 4 bits of the seventh, exactly representable as a double.
  let value = 0;
  for (let i = 0; i < 6; i++) value = value * 256 + digest[i]!;
  value = value * 16 + (digest[6]! >>> 4);
  return value / 2 ** 52;
}

/** The arm at `point`: `holdout`, a variant name, or undefined when every variant is stopped. */
export function armAt(allocation: Allocation, point: number): string | undefined {
  if (point < allocation.holdout) return HOLDOUT;
  const total = allocation.variants.reduce((sum, v) => sum + v.share, 0);
  if (total <= 0) return undefined;
  const u = ((point - allocation.holdout) / (1 - allocation.holdout)) * total;
  let edge = 0;
  for (const v of allocation.variants) {
    edge += v.share;
    if (u < edge) return v.name;
  }
  return allocation.variants.at(-1)?.name;
}

/** Fixed allocation from declared weights, leaving out stopped variants. */
export function fixedAllocation(
  holdout: number,
  variants: readonly { name: string; weight: number }[],
  stopped: ReadonlySet<string> = new Set(),
): Allocation {
  const live = variants.filter((v) => !stopped.has(v.name) && v.weight > 0);
  const total = live.reduce((sum, v) => sum + v.weight, 0);
  return { holdout, variants: live.map((v) => ({ name: v.name, share: v.weight / total })) };
}
