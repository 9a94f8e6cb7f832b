import { type ErrorArgs, type ErrorCode, errorRegistry } from './registry.js';

/** Where in a resource file the error is: shown as `file:line resource field`. */
export interface ErrorLocation {
  file?: string;
  line?: number;
  resource?: string;
  field?: string;
}

export interface ErrorOptions {
  cause?: unknown;
  location?: ErrorLocation;
  /** Extra machine-readable facts, returned in API error bodies. */
  details?: Record<string, unknown>;
}

function fill(template: string, args: readonly unknown[], start: number): { text: string; used: number } {
  let i = start;
  const text = template.replace(/%s/g, () => String(args[i++] ?? ''));
  return { text, used: i - start };
}

export class OutputstraatError extends Error {
  readonly code: ErrorCode;
  readonly statusCode: number;
  readonly location: ErrorLocation | undefined;
  readonly details: Record<string, unknown> | undefined;
  /** The message without the hint. */
  readonly problem: string;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, args: readonly unknown[] = [], options: ErrorOptions = {}) {
    const spec: { message: string; hint?: string; status: number } = errorRegistry[code];
    const problem = fill(spec.message, args, 0);
    const hint = 'hint' in spec && spec.hint ? fill(spec.hint, args, problem.used).text : undefined;
    super(hint ? `${problem.text}; ${hint}` : problem.text, { cause: options.cause });
    this.name = 'OutputstraatError';
    this.code = code;
    this.statusCode = spec.status;
    this.location = options.location;
    this.details = options.details;
    this.problem = problem.text;
    this.hint = hint;
  }
}

/** The error of `code`, its placeholders filled from `args` (typed per code: one per %s, in order). */
export function createError<C extends ErrorCode>(
  code: C,
  ...rest: ErrorArgs<C> extends []
    ? [args?: [], options?: ErrorOptions]
    : [args: ErrorArgs<C>, options?: ErrorOptions]
): OutputstraatError {
  const [args, options] = rest;
  return new OutputstraatError(code, args ?? [], options);
}

export function isOutputstraatError(err: unknown, code?: ErrorCode): err is OutputstraatError {
  return err instanceof OutputstraatError && (code === undefined || err.code === code);
}

/** `file:line` style prefix for resource errors: `flows/storno.yaml:12 Flow outputstraat-base/storno spec.steps[2]`. */
export function formatLocation(loc: ErrorLocation | undefined): string {
  if (!loc) return '';
  const where = loc.file ? (loc.line ? `${loc.file}:${loc.line}` : loc.file) : '';
  return [where, loc.resource, loc.field].filter(Boolean).join(' ');
}
