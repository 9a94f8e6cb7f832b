// The real CEL behind EngineContext.evaluate: core/cel compiles each expression once (cached per
// environment and source) and evaluates it over the case's activation plus the engine's variables.
import { type CelActivation, compileExpression, evaluateBool, isCelCompileError } from '../cel/index.js';
import type { EngineContext } from './types.js';

/**
 * An evaluator over one activation (receivable, debtor, history, now, daysOverdue; see buildActivation).
 * Compile and evaluation errors are thrown as core/cel's typed errors; the engine fails closed on them.
 */
export function celEvaluator(activation: CelActivation): EngineContext['evaluate'] {
  return (expr, vars, env) => {
    const compiled = compileExpression(expr, env);
    if (isCelCompileError(compiled)) throw compiled;
    const bound: CelActivation = { ...activation, classification: vars.classification };
    if (vars.case) bound.case = vars.case;
    return evaluateBool(compiled, bound);
  };
}
