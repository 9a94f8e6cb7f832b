// Costs only after a 14-day letter (art. 6:96 lid 6 BW): every path through a flow's steps that reaches an
// addCosts step must pass a send step with `notice: fourteenDay` first. One implementation, used by the
// compiler (outputstraat validate, the operator) and so by the simulator and `outputstraat test`, which
// compile the same way; the engine refuses costs without a letter at run time as well (notice.ts).
//
// A must-analysis over the step graph: a step is "noticed" when every path from an entry to it passed a
// notice. Entries are step 0 and every step a reaction's goto can jump to (a reaction may fire at any
// moment, also before the letter).
import type { FlowStep } from '../resources/types.generated.js';

export interface CostsWithoutNotice {
  /** Index of the addCosts step. */
  index: number;
  stepId: string;
  /** The entry from which a path reaches it without a notice: 'the start' or 'reaction goto "x"'. */
  via: string;
}

function successors(steps: readonly FlowStep[], index: Map<string, number>, i: number): number[] {
  const s = steps[i]!;
  if (s.stop || s.handOver) return [];
  const next = i + 1 < steps.length ? [i + 1] : [];
  if (!s.branch) return next;
  const out = s.branch.cases.flatMap((c) => (index.has(c.goto) ? [index.get(c.goto)!] : []));
  if (s.branch.otherwise !== undefined) {
    if (index.has(s.branch.otherwise)) out.push(index.get(s.branch.otherwise)!);
  } else out.push(...next);
  return out;
}

/** The addCosts steps some path reaches without a 14-day letter before them, first entry that does. */
export function costsWithoutNotice(
  steps: readonly FlowStep[],
  reactionTargets: readonly string[] = [],
): CostsWithoutNotice[] {
  if (!steps.some((s) => s.addCosts)) return [];
  const index = new Map(steps.map((s, i) => [s.id, i]));
  const entries: { at: number; via: string }[] = [{ at: 0, via: 'the start of the flow' }];
  for (const id of reactionTargets) {
    if (index.has(id)) entries.push({ at: index.get(id)!, via: `a reaction's goto to step "${id}"` });
  }
  const found = new Map<number, string>();
  // From each entry, walk the steps reachable before any notice: an addCosts among them is reached bare.
  for (const entry of entries) {
    const seen = new Set<number>();
    const queue = [entry.at];
    while (queue.length > 0) {
      const i = queue.pop()!;
      if (i >= steps.length || seen.has(i)) continue;
      seen.add(i);
      const s = steps[i]!;
      if (s.send?.notice === 'fourteenDay') continue;
      if (s.addCosts && !found.has(i)) found.set(i, entry.via);
      queue.push(...successors(steps, index, i));
    }
  }
  return [...found.entries()]
    .sort(([a], [b]) => a - b)
    .map(([i, via]) => ({ index: i, stepId: steps[i]!.id, via }));
}
