import { type CelInput, type CelResult, parse, plan } from '@bufbuild/cel';
import { outputstraatCelEnv } from './cel-env.js';
import { CelCompileError } from './errors.js';
import { lineColumn } from './position.js';
import { staticCheck } from './static-check.js';
import type { CelEnvName, CelStaticKind } from './variables.js';

/** Key of the executable program on a CompiledExpression; deliberately not exported from index.ts. */
export const PROGRAM: unique symbol = Symbol('outputstraat.cel.program');

export interface CelProgram {
  run(bindings: Record<string, CelInput>): CelResult;
  /** Expression id → 0-based offset into the source, to place evaluation errors. */
  readonly positions: Readonly<Record<string, number>>;
}

/** A parsed, checked and planned expression. Immutable; safe to share between cases and threads of work. */
export interface CompiledExpression {
  readonly source: string;
  readonly env: CelEnvName;
  /** Top-level variables the expression reads, in order of first use. */
  readonly variables: readonly string[];
  /** The result type when it is known before evaluation, `dyn` when not. */
  readonly resultType: CelStaticKind;
  readonly [PROGRAM]: CelProgram;
}

const CACHE_LIMIT = 2000;
const caches = new Map<CelEnvName, Map<string, CompiledExpression | CelCompileError>>();

/**
 * Parses `source`, checks it against the variables of `env` and plans it. Returns the compiled expression
 * or a CelCompileError (never throws for a bad expression). Results, errors included, are cached per
 * environment and source; a full cache drops its oldest entry (a hit costs one lookup, no reordering:
 * this runs for every precondition and branch of every turn).
 */
export function compileExpression(source: string, env: CelEnvName): CompiledExpression | CelCompileError {
  let cache = caches.get(env);
  if (cache === undefined) {
    cache = new Map();
    caches.set(env, cache);
  }
  const cached = cache.get(source);
  if (cached !== undefined) return cached;
  const compiled = compileUncached(source, env);
  cache.set(source, compiled);
  if (cache.size > CACHE_LIMIT) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
  return compiled;
}

function compileUncached(source: string, env: CelEnvName): CompiledExpression | CelCompileError {
  if (source.trim() === '') {
    return new CelCompileError({ source, env, problem: 'empty expression', hint: 'write a CEL expression' });
  }

  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(source);
  } catch (err) {
    return syntaxError(source, env, err);
  }

  const checked = staticCheck(parsed, env, outputstraatCelEnv);
  if ('issue' in checked) {
    const { issue } = checked;
    const at = issue.offset === undefined ? {} : lineColumn(source, issue.offset);
    return new CelCompileError({ source, env, problem: issue.problem, hint: issue.hint, ...at });
  }

  if (env === 'precondition' && checked.resultType !== 'bool' && checked.resultType !== 'dyn') {
    return new CelCompileError({
      source,
      env,
      problem: `a precondition must yield true or false, but this expression yields ${checked.resultType}`,
      hint: 'compare the value, e.g. receivable.balance > 0',
    });
  }

  let run: CelProgram['run'];
  try {
    run = plan(outputstraatCelEnv, parsed);
  } catch (err) {
    return new CelCompileError({
      source,
      env,
      problem: `cannot plan the expression: ${err instanceof Error ? err.message : String(err)}`,
      cause: err,
    });
  }

  const program: CelProgram = { run, positions: { ...(parsed.sourceInfo?.positions ?? {}) } };
  return Object.freeze({
    source,
    env,
    variables: Object.freeze([...checked.variables]),
    resultType: checked.resultType,
    [PROGRAM]: program,
  });
}

/** The library throws a peggy syntax error carrying `location.start.{line,column}` (1-based). */
function syntaxError(source: string, env: CelEnvName, err: unknown): CelCompileError {
  const raw = err instanceof Error ? err.message : String(err);
  const problem = `syntax error: ${raw.replace(/^<input>:\d+:\d+:\s*/, '')}`;
  const start = (err as { location?: { start?: { line?: unknown; column?: unknown } } } | null)?.location
    ?.start;
  const at =
    typeof start?.line === 'number' && typeof start.column === 'number'
      ? { line: start.line, column: start.column }
      : {};
  return new CelCompileError({ source, env, problem, hint: 'fix the CEL syntax', cause: err, ...at });
}
