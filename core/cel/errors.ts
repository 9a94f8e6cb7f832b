import { OutputstraatError } from '../errors/index.js';
import type { CelEnvName } from './variables.js';

// The CEL errors are OutputstraatErrors of the registry's OST_ERR_CEL_COMPILE / OST_ERR_CEL_EVAL, with the
// expression, its environment and the position as typed fields. `problem` is what is wrong without the
// expression; `described` is expression and problem, as a compiler diagnostic quotes it.
export const CEL_COMPILE_ERROR_CODE = 'OST_ERR_CEL_COMPILE';
export const CEL_EVAL_ERROR_CODE = 'OST_ERR_CEL_EVAL';
const COMPILE_HINT = 'fix the CEL expression';
const EVAL_HINT = 'check the expression against the receivable data';

export interface CelCompileErrorInit {
  source: string;
  env: CelEnvName;
  /** What is wrong, without location or hint: `undeclared variable "recievable"`. */
  problem: string;
  /** What to do about it: `did you mean "receivable"? known: receivable, debtor, …`. */
  hint?: string;
  /** 1-based line and column in `source`, when known. */
  line?: number;
  column?: number;
  cause?: unknown;
}

/** A CEL expression that cannot be parsed, refers to something undeclared, or yields the wrong type. */
export class CelCompileError extends OutputstraatError {
  declare readonly code: typeof CEL_COMPILE_ERROR_CODE;
  readonly source: string;
  readonly env: CelEnvName;
  override readonly problem: string;
  readonly line: number | undefined;
  readonly column: number | undefined;
  /** `<env> expression `<source>`: <problem> (line l, column c)`. */
  readonly described: string;

  constructor(init: CelCompileErrorInit) {
    super(CEL_COMPILE_ERROR_CODE, messageArgs(init, COMPILE_HINT), { cause: init.cause });
    this.name = 'CelCompileError';
    this.described = described(init);
    this.source = init.source;
    this.env = init.env;
    this.problem = init.problem;
    this.line = init.line;
    this.column = init.column;
  }
}

/**
 * Why an evaluation failed:
 * - `missing-variable`: the activation lacks a variable the expression reads (e.g. `case` outside a branch)
 * - `missing-key`: a map key or list index that is not there (`field not found: x`, index out of bounds)
 * - `type-mismatch`: an operator or function applied to the wrong types, or an activation value of the
 *   wrong type (a fractional amount, a string where a bool is declared)
 * - `result-type`: the result is not one `evaluate` can return, or not a bool for `evaluateBool`
 * - `arithmetic`: division by zero, integer overflow
 * - `other`: anything else the CEL library reports
 */
export type CelEvalErrorReason =
  | 'missing-variable'
  | 'missing-key'
  | 'type-mismatch'
  | 'result-type'
  | 'arithmetic'
  | 'other';

export interface CelEvalErrorInit {
  source: string;
  env: CelEnvName;
  reason: CelEvalErrorReason;
  problem: string;
  hint?: string;
  /** 1-based position of the failing sub-expression, when the library reports it. */
  line?: number;
  column?: number;
  cause?: unknown;
}

/** A compiled expression that failed on a concrete activation. The message names the expression. */
export class CelEvalError extends OutputstraatError {
  declare readonly code: typeof CEL_EVAL_ERROR_CODE;
  readonly source: string;
  readonly env: CelEnvName;
  readonly reason: CelEvalErrorReason;
  override readonly problem: string;
  readonly line: number | undefined;
  readonly column: number | undefined;
  readonly described: string;

  constructor(init: CelEvalErrorInit) {
    super(CEL_EVAL_ERROR_CODE, messageArgs(init, EVAL_HINT), { cause: init.cause });
    this.name = 'CelEvalError';
    this.described = described(init);
    this.source = init.source;
    this.env = init.env;
    this.reason = init.reason;
    this.problem = init.problem;
    this.line = init.line;
    this.column = init.column;
  }
}

export function isCelCompileError(value: unknown): value is CelCompileError {
  return value instanceof CelCompileError;
}

export function isCelEvalError(value: unknown): value is CelEvalError {
  return value instanceof CelEvalError;
}

interface Described {
  env: CelEnvName;
  source: string;
  problem: string;
  hint?: string | undefined;
  line?: number | undefined;
  column?: number | undefined;
}

function position(line: number | undefined, column: number | undefined): string {
  if (column === undefined) return '';
  return line !== undefined && line > 1 ? ` (line ${line}, column ${column})` : ` (column ${column})`;
}

function described(d: Described): string {
  return `${d.env} expression \`${d.source}\`: ${d.problem}${position(d.line, d.column)}`;
}

function messageArgs(d: Described, defaultHint: string): [string, string, string] {
  return [
    `${d.env} expression \`${d.source}\``,
    `${d.problem}${position(d.line, d.column)}`,
    d.hint ?? defaultHint,
  ];
}
