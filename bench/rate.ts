import type { CpuPerItem } from './cpu.js';

/** How many things were done in how long. */
export interface Rate {
  count: number;
  seconds: number;
  perSecond: number;
  /** Where the machine's CPU went per item (bench/cpu.ts), for the phases that measure it. */
  cpu?: CpuPerItem;
}

export const rate = (count: number, ms: number): Rate => ({
  count,
  seconds: ms / 1000,
  perSecond: count / (ms / 1000),
});

/**
 * The higher of two measurements of one floor: the pipeline's verdict is against the higher of the run's two
 * Postgres floors (one connection waiting on each commit's fsync comes out low when the disk is busy).
 */
export const higherRate = (a: Rate, b: Rate): Rate => (b.perSecond > a.perSecond ? b : a);

/** The p-quantile (0–1) of an ascending list of timings: the nearest rank at or above it. */
export const quantile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
