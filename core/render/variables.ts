import { OST_ERR_TEMPLATE_SYNTAX, RenderError } from './errors.js';
import { HELPER_NAMES } from './helpers.js';
import { parseSource } from './syntax.js';

type Node = hbs.AST.Node;
type Program = hbs.AST.Program;
type PathExpression = hbs.AST.PathExpression;
type Expression = hbs.AST.Expression;
type Hash = hbs.AST.Hash;

/** One path expression in a template and what it reads. */
export interface PathUse {
  node: PathExpression;
  /**
   * The dotted context path it reads (`debtor.name`, `lines[].amount`), or undefined when it reads no
   * context variable of its own: `this`, `@index`, a block parameter itself, or a scope we cannot follow.
   */
  name: string | undefined;
}

/** One helper call (mustache, block or sub-expression) in a template. */
export interface HelperUse {
  name: string;
  /** The helper's name as a path node (what a strict-mode "not defined" error points at). */
  path: PathExpression;
  /** The whole call: mustache, block or sub-expression (what a helper's `options.loc` points at). */
  node: Node;
  params: Expression[];
}

export interface TemplateAnalysis {
  paths: PathUse[];
  helpers: HelperUse[];
  /** Path uses by node, for mapping a runtime error back to the variable it names. */
  byNode: Map<PathExpression, PathUse>;
  /** Paths printed by an escaping `{{path}}` mustache (as opposed to `{{{path}}}`). */
  escaped: Set<PathExpression>;
}

export interface ReferencedVariablesOptions {
  /** Helper names besides the built-in and rendering helpers, so `{{myHelper}}` is not taken for a variable. */
  helpers?: Iterable<string>;
  /** Names used in the error thrown for a source that does not parse. */
  template?: string;
  part?: string;
}

/**
 * The dotted context paths a template reads, sorted and without duplicates: `debtor.name`,
 * `corporation.branding.primaryColor`, and, inside `{{#each lines}}`, `lines[].amount`. Helper names,
 * `this`, `@data` variables and block parameters themselves are left out; `@root.x` counts as `x`.
 * Partials are not followed: analyse each partial source on its own.
 *
 * Throws a RenderError (OST_ERR_TEMPLATE_SYNTAX) when the source does not parse; use `syntaxError` first to
 * get the problem without an exception.
 */
export function referencedVariables(source: string, options: ReferencedVariablesOptions = {}): string[] {
  const parsed = parseSource(source);
  if (!parsed.ok) {
    throw new RenderError({
      code: OST_ERR_TEMPLATE_SYNTAX,
      template: options.template ?? '(source)',
      part: options.part ?? '(source)',
      line: parsed.problem.line,
      column: parsed.problem.column,
      problem: parsed.problem.message,
      hint: 'fix the template syntax',
    });
  }
  const helpers = new Set<string>([...HELPER_NAMES, ...(options.helpers ?? [])]);
  const names = new Set<string>();
  for (const use of analyseTemplate(parsed.ast, helpers).paths) {
    if (use.name !== undefined) names.add(use.name);
  }
  return [...names].sort();
}

/** Walks a parsed template, resolving every path against the scopes that `each` and `with` open. */
export function analyseTemplate(ast: Program, helpers: ReadonlySet<string>): TemplateAnalysis {
  const analysis: TemplateAnalysis = { paths: [], helpers: [], byNode: new Map(), escaped: new Set() };
  new Walker(helpers, analysis).program(ast, [''], []);
  return analysis;
}

/** A context frame: the dotted prefix its `this` stands for, or null when unknown. */
type Frame = string | null;
/** Block parameters in scope: name → the dotted path the parameter stands for (null: not a context path). */
type Params = ReadonlyArray<ReadonlyMap<string, string | null>>;

interface Target {
  /** Dotted path the expression refers to ('' is the root context), or null when unknown. */
  path: string | null;
  /** Whether the expression names something below its anchor (`this`, a block parameter, `@root`). */
  own: boolean;
}

function join(prefix: string, parts: readonly string[]): string {
  if (parts.length === 0) return prefix;
  return prefix === '' ? parts.join('.') : `${prefix}.${parts.join('.')}`;
}

function isScoped(path: PathExpression): boolean {
  return path.depth > 0 || /^(this\b|\.)/.test(path.original);
}

class Walker {
  constructor(
    private readonly helpers: ReadonlySet<string>,
    private readonly out: TemplateAnalysis,
  ) {}

  program(program: Program | undefined, frames: Frame[], params: Params): void {
    if (program === undefined || program === null) return;
    for (const statement of program.body) this.statement(statement, frames, params);
  }

  private statement(node: Node, frames: Frame[], params: Params): void {
    switch (node.type) {
      case 'MustacheStatement':
      case 'Decorator': {
        const m = node as hbs.AST.MustacheStatement;
        if (m.path.type !== 'PathExpression') break;
        const path = m.path as PathExpression;
        if (this.isHelperCall(path, m.params, m.hash)) {
          this.helperCall(path, m, m.params, m.hash, frames, params);
        } else {
          this.path(path, frames, params);
          if (m.escaped) this.out.escaped.add(path);
        }
        break;
      }
      case 'BlockStatement':
      case 'DecoratorBlock':
        this.block(node as hbs.AST.BlockStatement, frames, params);
        break;
      case 'PartialStatement':
      case 'PartialBlockStatement': {
        const p = node as hbs.AST.PartialStatement | hbs.AST.PartialBlockStatement;
        if (p.name.type === 'SubExpression') this.expression(p.name, frames, params);
        for (const param of p.params) this.expression(param, frames, params);
        this.hash(p.hash, frames, params);
        if (p.type === 'PartialBlockStatement') this.program(p.program, frames, params);
        break;
      }
      default:
        break;
    }
  }

  private block(block: hbs.AST.BlockStatement, frames: Frame[], params: Params): void {
    const path = block.path;
    const blockParams = block.program?.blockParams ?? [];
    if (!this.isHelperCall(path, block.params, block.hash)) {
      // A section over a variable (`{{#debtor}}…{{/debtor}}`): its body reads inside that value.
      const target = this.path(path, frames, params);
      this.program(block.program, [...frames, target.path], params);
      this.program(block.inverse, frames, params);
      return;
    }
    this.helperCall(path, block, block.params, block.hash, frames, params);
    const name = path.original;
    const first = block.params[0];
    const subject =
      first?.type === 'PathExpression' ? this.target(first as PathExpression, frames, params) : null;
    let bodyFrames = frames;
    let bindings = new Map<string, string | null>(blockParams.map((p) => [p, null]));
    if (name === 'each') {
      const item = subject?.path == null ? null : `${subject.path}[]`;
      bodyFrames = [...frames, item];
      bindings = new Map(blockParams.map((p, i) => [p, i === 0 ? item : null]));
    } else if (name === 'with') {
      const value = subject?.path ?? null;
      bodyFrames = [...frames, value];
      bindings = new Map(blockParams.map((p, i) => [p, i === 0 ? value : null]));
    }
    this.program(block.program, bodyFrames, bindings.size > 0 ? [...params, bindings] : params);
    this.program(block.inverse, frames, params);
  }

  private helperCall(
    path: PathExpression,
    node: Node,
    args: Expression[],
    hash: Hash | undefined,
    frames: Frame[],
    params: Params,
  ): void {
    this.out.helpers.push({ name: path.original, path, node, params: args });
    for (const arg of args) this.expression(arg, frames, params);
    this.hash(hash, frames, params);
  }

  private hash(hash: Hash | undefined, frames: Frame[], params: Params): void {
    for (const pair of hash?.pairs ?? []) this.expression(pair.value, frames, params);
  }

  private expression(node: Expression, frames: Frame[], params: Params): void {
    if (node.type === 'PathExpression') {
      this.path(node as PathExpression, frames, params);
    } else if (node.type === 'SubExpression') {
      const sub = node as hbs.AST.SubExpression;
      this.helperCall(sub.path, sub, sub.params, sub.hash, frames, params);
    }
  }

  private isHelperCall(path: PathExpression, args: Expression[], hash: Hash | undefined): boolean {
    if (args.length > 0 || (hash?.pairs.length ?? 0) > 0) return true;
    return !path.data && !isScoped(path) && path.parts.length === 1 && this.helpers.has(path.original);
  }

  private path(node: PathExpression, frames: Frame[], params: Params): Target {
    const target = this.target(node, frames, params);
    const name = target.own && target.path !== null && target.path !== '' ? target.path : undefined;
    const use: PathUse = { node, name };
    this.out.paths.push(use);
    this.out.byNode.set(node, use);
    return target;
  }

  private target(node: PathExpression, frames: Frame[], params: Params): Target {
    if (node.data) {
      if (node.parts[0] !== 'root') return { path: null, own: false };
      return { path: join('', node.parts.slice(1)), own: node.parts.length > 1 };
    }
    const head = node.parts[0];
    if (head !== undefined && !isScoped(node)) {
      for (let i = params.length - 1; i >= 0; i--) {
        const bindings = params[i];
        if (bindings?.has(head)) {
          const bound = bindings.get(head) ?? null;
          return {
            path: bound === null ? null : join(bound, node.parts.slice(1)),
            own: node.parts.length > 1,
          };
        }
      }
    }
    const frame = frames[Math.max(0, frames.length - 1 - node.depth)] ?? null;
    return { path: frame === null ? null : join(frame, node.parts), own: node.parts.length > 0 };
  }
}
