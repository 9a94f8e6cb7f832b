// Thompson sampling over the variants (never over the holdout). Each live variant's outcome rate has a
// Beta(1 + successes, 1 + failures) posterior; a variant's share of the non-holdout traffic is the
// probability that it is the best, estimated from `draws` joint posterior draws with the injected PRNG.
// A floor keeps every live variant learning. The holdout share is not touched: it stays as declared.
import { type Allocation, fixedAllocation } from './assignment.js';
import { betaDraw, type Random } from './random.js';
import type { Proportion } from './statistics.js';

export interface BanditOptions {
  holdout: number;
  variants: readonly { name: string; weight: number }[];
  /** Outcomes so far per variant name (cases whose outcome window has passed). */
  observed: Readonly<Record<string, Proportion>>;
  stopped?: ReadonlySet<string>;
  random: Random;
  draws?: number;
  /** Lowest share of a live variant, so it keeps being measured (default 0.05). */
  floor?: number;
}

export function banditAllocation(options: BanditOptions): Allocation {
  const live = options.variants.filter((v) => !options.stopped?.has(v.name));
  if (live.length <= 1) return fixedAllocation(options.holdout, options.variants, options.stopped);
  const draws = options.draws ?? 2000;
  const floor = Math.min(options.floor ?? 0.05, 1 / live.length);
  const wins = new Map(live.map((v) => [v.name, 0]));
  for (let i = 0; i < draws; i++) {
    let best = '';
    let bestValue = -1;
    for (const v of live) {
      const o = options.observed[v.name] ?? { n: 0, successes: 0 };
      const value = betaDraw(options.random, 1 + o.successes, 1 + o.n - o.successes);
      if (value > bestValue) {
        bestValue = value;
        best = v.name;
      }
    }
    wins.set(best, (wins.get(best) ?? 0) + 1);
  }
  // share = floor + (1 - floor·k) · P(best): every live variant keeps at least the floor.
  const spare = 1 - floor * live.length;
  return {
    holdout: options.holdout,
    variants: live.map((v) => ({ name: v.name, share: floor + (spare * (wins.get(v.name) ?? 0)) / draws })),
  };
}
