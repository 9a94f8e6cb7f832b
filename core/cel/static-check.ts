import type { CelEnv, parse } from '@bufbuild/cel';
import {
  CEL_VARIABLES,
  type CelEnvName,
  type CelFieldType,
  type CelStaticKind,
  variablesOf,
} from './variables.js';

// @bufbuild/cel 0.6 ships a type checker only internally (not exported, and it handles constants and
// identifiers only), so declarations are checked here by walking the parsed AST: undeclared variables,
// unknown fields of the declared maps, unknown functions, and a conservative result type. Whatever cannot
// be decided statically is `dyn` and left to evaluation, so this check never rejects a valid expression.

type ParsedExpr = ReturnType<typeof parse>;
type Expr = ParsedExpr['expr'];
type ExprKind = Expr['exprKind'];
type KindValue<C extends NonNullable<ExprKind['case']>> = Extract<ExprKind, { case: C }>['value'];
type Constant = KindValue<'constExpr'>;

export interface StaticType {
  readonly kind: CelStaticKind;
  /** For the declared maps: their fields. */
  readonly fields?: Readonly<Record<string, CelFieldType>>;
  /** For lists whose element type is known. */
  readonly element?: CelStaticKind;
  /** Dotted path for messages, e.g. `receivable.amount`. */
  readonly path?: string;
}

export interface StaticIssue {
  problem: string;
  hint?: string;
  /** 0-based offset into the source. */
  offset?: number;
}

export interface StaticCheckResult {
  /** Top-level variables the expression reads, in order of first use. */
  variables: string[];
  resultType: CelStaticKind;
}

const DYN: StaticType = { kind: 'dyn' };

/** Type names usable as identifiers, e.g. `type(x) == int`. */
const TYPE_IDENTS = new Set([
  'bool',
  'int',
  'uint',
  'double',
  'string',
  'bytes',
  'list',
  'map',
  'null_type',
  'type',
  'dyn',
]);

/** Call names the planner handles itself instead of looking them up as functions. */
const BUILTIN_CALLS = new Set([
  '_&&_',
  '_||_',
  '_?_:_',
  '_[_]',
  '_[?_]',
  '_?._',
  '@not_strictly_false',
  '__not_strictly_false__',
]);

const BOOL_RESULT = new Set([
  '_==_',
  '_!=_',
  '_<_',
  '_<=_',
  '_>_',
  '_>=_',
  '@in',
  '!_',
  '_&&_',
  '_||_',
  '@not_strictly_false',
  '__not_strictly_false__',
  'startsWith',
  'endsWith',
  'contains',
  'matches',
  'bool',
]);

const INT_RESULT = new Set([
  'size',
  'int',
  'indexOf',
  'lastIndexOf',
  'getDate',
  'getDayOfMonth',
  'getDayOfWeek',
  'getDayOfYear',
  'getFullYear',
  'getHours',
  'getMilliseconds',
  'getMinutes',
  'getMonth',
  'getSeconds',
]);

const STRING_RESULT = new Set([
  'string',
  'lowerAscii',
  'upperAscii',
  'trim',
  'replace',
  'substring',
  'charAt',
  'format',
  'join',
]);

const SAME_KIND_ARITHMETIC = new Set(['_+_', '_-_', '_*_', '_/_', '_%_']);

class StaticCheckFailure extends Error {
  constructor(readonly issue: StaticIssue) {
    super(issue.problem);
  }
}

/** Checks a parsed expression against the declarations of `env`; returns an issue or what it learned. */
export function staticCheck(
  parsed: ParsedExpr,
  env: CelEnvName,
  celEnv: CelEnv,
): StaticCheckResult | { issue: StaticIssue } {
  const checker = new Checker(env, celEnv, parsed.sourceInfo?.positions ?? {});
  try {
    const type = checker.walk(parsed.expr, new Map());
    return { variables: [...checker.used], resultType: type.kind };
  } catch (err) {
    if (err instanceof StaticCheckFailure) return { issue: err.issue };
    throw err;
  }
}

class Checker {
  readonly used = new Set<string>();
  private readonly declared: readonly string[];
  private readonly functionNames: readonly string[];

  constructor(
    private readonly env: CelEnvName,
    private readonly celEnv: CelEnv,
    private readonly positions: Readonly<Record<string, number>>,
  ) {
    this.declared = variablesOf(env);
    const names = new Set<string>();
    for (const fn of celEnv.funcs) if (/^[A-Za-z]/.test(fn.name)) names.add(fn.name);
    this.functionNames = [...names].sort();
  }

  walk(expr: Expr, locals: ReadonlyMap<string, StaticType>): StaticType {
    const kind = expr.exprKind;
    switch (kind.case) {
      case 'constExpr':
        return { kind: constantKind(kind.value) };
      case 'identExpr':
        return this.ident(expr, kind.value.name, locals);
      case 'selectExpr':
        return this.select(expr, kind.value, locals);
      case 'callExpr':
        return this.call(expr, kind.value, locals);
      case 'listExpr': {
        const elements = kind.value.elements.map((e) => this.walk(e, locals));
        const first = elements[0]?.kind;
        const same = first !== undefined && elements.every((e) => e.kind === first) ? first : undefined;
        return same === undefined ? { kind: 'list' } : { kind: 'list', element: same };
      }
      case 'structExpr': {
        for (const entry of kind.value.entries) {
          if (entry.keyKind.case === 'mapKey') this.walk(entry.keyKind.value, locals);
          if (entry.value) this.walk(entry.value, locals);
        }
        return kind.value.messageName === '' ? { kind: 'map' } : DYN;
      }
      case 'comprehensionExpr':
        return this.comprehension(kind.value, locals);
      default:
        return DYN;
    }
  }

  private ident(expr: Expr, name: string, locals: ReadonlyMap<string, StaticType>): StaticType {
    const local = locals.get(name);
    if (local) return local;
    const spec = CEL_VARIABLES[name];
    if (spec?.envs.includes(this.env)) {
      this.used.add(name);
      return spec.type.kind === 'map'
        ? { kind: 'map', fields: spec.type.fields, path: name }
        : { kind: spec.type.kind, path: name };
    }
    if (TYPE_IDENTS.has(name)) return { kind: 'type' };
    const known = `known: ${this.declared.join(', ')}`;
    if (spec) {
      this.fail(
        expr,
        `variable "${name}" is not available in ${this.env} expressions`,
        `it exists in ${spec.envs.join(' and ')} expressions; ${known}`,
      );
    }
    const suggestion = closest(name, this.declared);
    this.fail(
      expr,
      `undeclared variable "${name}"`,
      suggestion ? `did you mean "${suggestion}"? ${known}` : known,
    );
  }

  private select(
    expr: Expr,
    select: KindValue<'selectExpr'>,
    locals: ReadonlyMap<string, StaticType>,
  ): StaticType {
    if (!select.operand) return DYN;
    const operand = this.walk(select.operand, locals);
    // has(x.f) is parsed into a test-only select positioned at `has`; a plain select sits at its dot.
    const field = this.field(expr, operand, select.field, select.testOnly ? 0 : 1);
    return select.testOnly ? { kind: 'bool' } : field;
  }

  /** The type of `operand.name`; fails for unknown fields of declared maps and fields of scalars. */
  private field(expr: Expr, operand: StaticType, name: string, columnShift: number): StaticType {
    const path = operand.path ? `${operand.path}.${name}` : undefined;
    if (operand.fields) {
      const fieldType = operand.fields[name];
      if (fieldType === undefined) {
        const names = Object.keys(operand.fields);
        const suggestion = closest(name, names);
        const fieldsHint = `fields: ${names.join(', ')}`;
        this.fail(
          expr,
          `${operand.path ?? 'map'} has no field "${name}"`,
          suggestion ? `did you mean "${suggestion}"? ${fieldsHint}` : fieldsHint,
          columnShift,
        );
      }
      return fieldType === 'list<string>'
        ? { kind: 'list', element: 'string', path }
        : { kind: fieldType, path };
    }
    if (isScalar(operand.kind)) {
      this.fail(
        expr,
        `${operand.path ?? 'a value'} is ${article(operand.kind)} ${operand.kind} and has no field "${name}"`,
        undefined,
        columnShift,
      );
    }
    return DYN;
  }

  private call(expr: Expr, call: KindValue<'callExpr'>, locals: ReadonlyMap<string, StaticType>): StaticType {
    const fn = call.function;
    // A namespaced function such as strings.quote(x): the target is part of the name, not a variable.
    if (call.target) {
      const qualified = qualifiedName(call.target);
      const root = qualified?.split('.')[0];
      if (
        root !== undefined &&
        !locals.has(root) &&
        CEL_VARIABLES[root] === undefined &&
        this.celEnv.funcs.find(`${qualified}.${fn}`) !== undefined
      ) {
        for (const arg of call.args) this.walk(arg, locals);
        return fn === 'quote' ? { kind: 'string' } : DYN;
      }
    }
    const target = call.target ? this.walk(call.target, locals) : undefined;
    const args = call.args.map((arg) => this.walk(arg, locals));

    if (fn === 'has') {
      this.fail(expr, 'has() needs a field selection', 'write it like has(receivable.stornoReasonCode)');
    }
    if (!BUILTIN_CALLS.has(fn) && this.celEnv.funcs.find(fn) === undefined) {
      const suggestion = closest(fn, this.functionNames);
      this.fail(
        expr,
        `unknown function "${fn}"`,
        suggestion
          ? `did you mean "${suggestion}"?`
          : 'see the CEL standard functions and the strings extension',
      );
    }

    if (fn === '_[_]') {
      const [operand] = args;
      const indexExpr = call.args[1];
      if (operand?.fields && indexExpr?.exprKind.case === 'constExpr') {
        const constant = indexExpr.exprKind.value.constantKind;
        if (constant.case === 'stringValue') return this.field(indexExpr, operand, constant.value, 0);
      }
      if (operand?.kind === 'list' && operand.element) return { kind: operand.element };
      return DYN;
    }
    if (fn === '_?_:_') {
      const [, whenTrue, whenFalse] = args;
      return whenTrue && whenFalse && whenTrue.kind === whenFalse.kind ? { kind: whenTrue.kind } : DYN;
    }
    if (BOOL_RESULT.has(fn)) return { kind: 'bool' };
    if (INT_RESULT.has(fn)) return { kind: 'int' };
    if (STRING_RESULT.has(fn)) return { kind: 'string' };
    if (fn === 'double') return { kind: 'double' };
    if (fn === 'timestamp') return { kind: 'timestamp' };
    if (fn === 'duration') return { kind: 'duration' };
    if (fn === 'split') return { kind: 'list', element: 'string' };
    if (fn === '-_' && args[0] && (args[0].kind === 'int' || args[0].kind === 'double'))
      return { kind: args[0].kind };
    if (SAME_KIND_ARITHMETIC.has(fn) && target === undefined) {
      const [left, right] = args;
      if (left && right && left.kind === right.kind) {
        if (left.kind === 'int' || left.kind === 'uint' || left.kind === 'double') return { kind: left.kind };
        if (fn === '_+_' && left.kind === 'string') return { kind: 'string' };
      }
    }
    return DYN;
  }

  private comprehension(
    c: KindValue<'comprehensionExpr'>,
    locals: ReadonlyMap<string, StaticType>,
  ): StaticType {
    const range = c.iterRange ? this.walk(c.iterRange, locals) : DYN;
    const accu = c.accuInit ? this.walk(c.accuInit, locals) : DYN;
    const element: StaticType = range.kind === 'list' && range.element ? { kind: range.element } : DYN;
    const inner = new Map(locals);
    inner.set(c.iterVar, c.iterVar2 ? DYN : element);
    if (c.iterVar2) inner.set(c.iterVar2, DYN);
    inner.set(c.accuVar, { kind: accu.kind });
    if (c.loopCondition) this.walk(c.loopCondition, inner);
    if (c.loopStep) this.walk(c.loopStep, inner);
    const outer = new Map(locals);
    outer.set(c.accuVar, { kind: accu.kind });
    return c.result ? { kind: this.walk(c.result, outer).kind } : DYN;
  }

  private fail(expr: Expr, problem: string, hint?: string, columnShift = 0): never {
    const position = this.positions[expr.id.toString()];
    const issue: StaticIssue = { problem };
    if (hint !== undefined) issue.hint = hint;
    if (position !== undefined) issue.offset = position + columnShift;
    throw new StaticCheckFailure(issue);
  }
}

function constantKind(constant: Constant): CelStaticKind {
  switch (constant.constantKind.case) {
    case 'boolValue':
      return 'bool';
    case 'int64Value':
      return 'int';
    case 'uint64Value':
      return 'uint';
    case 'doubleValue':
      return 'double';
    case 'stringValue':
      return 'string';
    case 'bytesValue':
      return 'bytes';
    case 'nullValue':
      return 'null';
    default:
      return 'dyn';
  }
}

function isScalar(kind: CelStaticKind): boolean {
  return ['bool', 'int', 'uint', 'double', 'string', 'bytes', 'null'].includes(kind);
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? 'an' : 'a';
}

/** `a.b.c` for an identifier/select chain, else undefined. */
function qualifiedName(expr: Expr): string | undefined {
  const kind = expr.exprKind;
  if (kind.case === 'identExpr') return kind.value.name;
  if (kind.case === 'selectExpr' && kind.value.operand && !kind.value.testOnly) {
    const operand = qualifiedName(kind.value.operand);
    return operand === undefined ? undefined : `${operand}.${kind.value.field}`;
  }
  return undefined;
}

/** The candidate nearest to `name` (case-insensitive edit distance), if it is plausibly a typo. */
export function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const d = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  const limit = Math.max(1, Math.floor(name.length / 3));
  return bestDistance <= limit ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
