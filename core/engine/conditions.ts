// CEL through ctx.evaluate: the flow's preconditions and the `case` variables branches read.
import type { Turn } from './turn.js';
import type { CaseState, CaseVariables, EngineContext } from './types.js';

export function caseVariables(state: CaseState, ctx: EngineContext): CaseVariables {
  const types: string[] = [];
  for (const name of state.channelsTried) {
    const type = ctx.channelType(name) ?? name;
    if (!types.includes(type)) types.push(type);
  }
  return {
    stepsSent: new Set(state.messages.map((m) => m.stepId)).size,
    opened: state.messages.some((m) => m.opened === true || m.clicked === true),
    clicked: state.messages.some((m) => m.clicked === true),
    bounced: state.messages.some((m) => m.bounced === true),
    channelsTried: types,
    costsAdded: (state.costs ?? []).reduce((sum, c) => sum + c.amountCents, 0),
  };
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The reason of the first precondition that does not hold, or undefined when all hold. A precondition
 * that cannot be evaluated counts as failed: the engine fails closed rather than send on a guess.
 */
export function failedPrecondition(turn: Turn): string | undefined {
  for (const p of turn.flow.preconditions) {
    let holds: boolean;
    try {
      holds = turn.ctx.evaluate(p.expr, { classification: turn.state.classification }, 'precondition');
    } catch (err) {
      return `precondition '${p.name}' could not be evaluated: ${errorText(err)}`;
    }
    if (!holds) return p.reason ?? `precondition '${p.name}' no longer holds`;
  }
  return undefined;
}

export type BranchOutcome = { goto: string; because: string } | { next: true } | { error: string };

/** The branch's decision: the first case whose expression holds, else `otherwise`, else the next step. */
export function decideBranch(
  turn: Turn,
  branch: { cases: { when: string; goto: string }[]; otherwise?: string },
): BranchOutcome {
  const vars = { classification: turn.state.classification, case: caseVariables(turn.state, turn.ctx) };
  for (const c of branch.cases) {
    try {
      if (turn.ctx.evaluate(c.when, vars, 'branch')) return { goto: c.goto, because: c.when };
    } catch (err) {
      return { error: `branch condition '${c.when}' could not be evaluated: ${errorText(err)}` };
    }
  }
  if (branch.otherwise !== undefined) return { goto: branch.otherwise, because: 'no case matched' };
  return { next: true };
}
