import type { CelEnvName } from './variables.js';

// Error codes of this module. They mirror OST_ERR_CEL_COMPILE / OST_ERR_CEL_EVAL in core/errors; until the
// classes move onto the central registry they are plain Error subclasses with a stable `code`.
export const CEL_COMPILE_ERROR_CODE = 'OST_ERR_CEL_COMPILE';
export const CEL_EVAL_ERROR_CODE = 'OST_ERR_CEL_EVAL';

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
export class CelCompileError extends Error {
  readonly code = CEL_COMPILE_ERROR_CODE;
  readonly source: string;
  readonly env: CelEnvName;
  readonly problem: string;
  readonly hint: string | undefined;
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(init: CelCompileErrorInit) {
    super(formatMessage(init.env, init.source, init.problem, init.hint, init.line, init.column), {
      cause: init.cause,
    });
    this.name = 'CelCompileError';
    this.source = init.source;
    this.env = init.env;
    this.problem = init.problem;
    this.hint = init.hint;
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
export class CelEvalError extends Error {
  readonly code = CEL_EVAL_ERROR_CODE;
  readonly source: string;
  readonly env: CelEnvName;
  readonly reason: CelEvalErrorReason;
  readonly problem: string;
  readonly hint: string | undefined;
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(init: CelEvalErrorInit) {
    super(formatMessage(init.env, init.source, init.problem, init.hint, init.line, init.column), {
      cause: init.cause,
    });
    this.name = 'CelEvalError';
    this.source = init.source;
    this.env = init.env;
    this.reason = init.reason;
    this.problem = init.problem;
    this.hint = init.hint;
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

function formatMessage(
  env: CelEnvName,
  source: string,
  problem: string,
  hint: string | undefined,
  line: number | undefined,
  column: number | undefined,
): string {
  const where =
    column === undefined
      ? ''
      : line !== undefined && line > 1
        ? ` (line ${line}, column ${column})`
        : ` (column ${column})`;
  const text = `${env} expression \`${source}\`: ${problem}${where}`;
  return hint ? `${text}; ${hint}` : text;
}
