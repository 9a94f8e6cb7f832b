import { type CelError, type CelValue, isCelError, isCelList, isCelMap, isCelUint } from '@bufbuild/cel';
import type { CelActivation } from './activation.js';
import { toCelBindings } from './bindings.js';
import { type CompiledExpression, PROGRAM } from './compile-expression.js';
import { CelEvalError, type CelEvalErrorReason } from './errors.js';
import { lineColumn } from './position.js';

/**
 * Evaluates a compiled expression against an activation. Returns a bool, string or number (CEL ints come
 * back as JS numbers). Throws a CelEvalError naming the expression when evaluation fails or the result is
 * of another type (list, map, timestamp, null, …).
 */
export function evaluate(expr: CompiledExpression, activation: CelActivation): boolean | string | number {
  const program = expr[PROGRAM];
  if (program === undefined) {
    throw new CelEvalError({
      source: expr.source,
      env: expr.env,
      reason: 'other',
      problem: 'not a compiled expression',
      hint: 'compile it with compileExpression()',
    });
  }
  const bindings = toCelBindings(expr, activation);
  let result: CelValue | CelError;
  try {
    result = program.run(bindings);
  } catch (err) {
    throw new CelEvalError({
      source: expr.source,
      env: expr.env,
      reason: 'other',
      problem: String(err),
      cause: err,
    });
  }
  if (isCelError(result)) throw fromCelError(expr, result, program.positions);
  return toResult(expr, result);
}

/** Like evaluate, for conditions: anything but true or false is a CelEvalError with reason `result-type`. */
export function evaluateBool(expr: CompiledExpression, activation: CelActivation): boolean {
  const result = evaluate(expr, activation);
  if (typeof result !== 'boolean') {
    throw new CelEvalError({
      source: expr.source,
      env: expr.env,
      reason: 'result-type',
      problem: `expected true or false, but the expression yielded ${typeof result === 'string' ? 'the string' : 'the number'} ${JSON.stringify(result)}`,
      hint: 'make it a condition, e.g. compare with ==, >, in',
    });
  }
  return result;
}

function toResult(expr: CompiledExpression, value: CelValue): boolean | string | number {
  if (typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') return value;
  const integer = typeof value === 'bigint' ? value : isCelUint(value) ? value.value : undefined;
  if (integer !== undefined) {
    const asNumber = Number(integer);
    if (Number.isSafeInteger(asNumber)) return asNumber;
    throw resultTypeError(expr, `an integer too large for a JS number (${integer})`);
  }
  throw resultTypeError(expr, kindOf(value));
}

function resultTypeError(expr: CompiledExpression, what: string): CelEvalError {
  return new CelEvalError({
    source: expr.source,
    env: expr.env,
    reason: 'result-type',
    problem: `the expression yielded ${what}; expressions must yield a bool, string or number`,
  });
}

function kindOf(value: CelValue): string {
  if (value === null) return 'null';
  if (isCelList(value)) return 'a list';
  if (isCelMap(value)) return 'a map';
  if (value instanceof Uint8Array) return 'bytes';
  if (typeof value === 'object' && 'desc' in value && value.desc) return `a ${value.desc.typeName}`;
  return 'a type';
}

const REASONS: readonly [RegExp, CelEvalErrorReason, string][] = [
  [
    /no matching overload|type mismatch|unsupported|invalid argument/i,
    'type-mismatch',
    'check the types: ints and doubles do not mix in arithmetic (use double(x) or int(x)), strings compare with strings',
  ],
  [
    /field not found|no such key|no such field|out of bounds/i,
    'missing-key',
    'guard optional data with has(x.field) or size(list) > i',
  ],
  [
    /divide by zero|modulus by zero|overflow|out of range/i,
    'arithmetic',
    'guard the divisor and keep values in range',
  ],
];

function fromCelError(
  expr: CompiledExpression,
  error: CelError,
  positions: Readonly<Record<string, number>>,
): CelEvalError {
  const match = REASONS.find(([pattern]) => pattern.test(error.message));
  const offset = error.exprId === undefined ? undefined : positions[error.exprId.toString()];
  const at = offset === undefined ? {} : lineColumn(expr.source, offset);
  return new CelEvalError({
    source: expr.source,
    env: expr.env,
    reason: match?.[1] ?? 'other',
    problem: error.message,
    hint: match?.[2],
    cause: error,
    ...at,
  });
}
