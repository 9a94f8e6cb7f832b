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

/** The p-quantile (0–1) of an ascending list of timings: the nearest rank at or above it. */
export const quantile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
