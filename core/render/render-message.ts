import Handlebars from 'handlebars';
import { BoundedCache } from './cache.js';
import { isLocale, type Locale, type PartName, type RenderContext } from './context.js';
import {
  OST_ERR_TEMPLATE_RENDER,
  OST_ERR_TEMPLATE_SYNTAX,
  RenderError,
  type RenderErrorDetails,
} from './errors.js';
import { HELPER_NAMES, HelperError, RENDER_HELPER_NAMES, registerRenderHelpers } from './helpers.js';
import { type LocaleChoice, pickLocale } from './locale.js';
import { parseSource, type TemplateSyntaxProblem } from './syntax.js';
import { analyseTemplate, type TemplateAnalysis } from './variables.js';

/** `html` output is HTML-escaped; `text` output (subject, text, sms, voice, letter) is not. */
export type OutputFormat = 'html' | 'text';

export interface RendererOptions {
  /** Partials by name, included with `{{> name}}`. */
  partials?: Readonly<Record<string, string>>;
  /** Layouts by name; a layout places the message with `{{{body}}}` and sees the same context. */
  layouts?: Readonly<Record<string, string>>;
}

/** One source to render. */
export interface MessagePart {
  /** Template name, used in errors. */
  template: string;
  part: PartName;
  source: string;
  /** Locale the source is written in, used in errors; defaults to the context's locale. */
  locale?: Locale;
  /** Name of a registered layout to wrap the rendered part in. */
  layout?: string;
  /** Escaping; defaults to `html` for the `html` part and `text` for every other part. */
  format?: OutputFormat;
}

export type TemplateParts = Partial<Record<PartName, string>>;

/** A template as authored: its parts per locale, and optionally a layout per part. */
export interface TemplateDefinition {
  name: string;
  parts: Partial<Record<Locale, TemplateParts>>;
  layouts?: Partial<Record<PartName, string>>;
}

export interface RenderTemplateOptions {
  /** Locale to use when the context's locale has no such part; default `nl`. */
  fallbackLocale?: Locale;
}

export interface RenderedPart {
  output: string;
  /** Locale actually rendered (money and dates were formatted for it too). */
  locale: Locale;
  /** The context's locale. */
  requestedLocale: Locale;
  /** `wanted`, `fallback` or `first`: how `locale` was chosen. */
  choice: LocaleChoice;
}

export interface Renderer {
  /** Renders one source (wrapped in its layout, if any) with a context. Throws RenderError. */
  render(part: MessagePart, context: RenderContext): string;
  /** Picks the locale for a part of a template (with fallback), then renders it in that locale. */
  renderTemplate(
    template: TemplateDefinition,
    part: PartName,
    context: RenderContext,
    options?: RenderTemplateOptions,
  ): RenderedPart;
}

/** Where a source being run sits, for error messages. */
interface Where {
  template: string;
  part: string;
  locale: string | undefined;
  layout?: string;
}

interface Candidate {
  analysis: TemplateAnalysis;
  partial?: string;
}

type Analysed = { ok: true; analysis: TemplateAnalysis } | { ok: false; problem: TemplateSyntaxProblem };

type Compiled = (context: unknown, options?: Handlebars.RuntimeOptions) => string;

const CACHE_LIMIT = 2000;

/** Runtime options for every call: no prototype access (stated explicitly, which also keeps Handlebars quiet). */
const RUNTIME_OPTIONS = { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false } as const;

/**
 * Creates a renderer with its own isolated Handlebars environment (helpers registered, nothing global),
 * running in strict mode: a variable missing from the context is an error, never an empty string.
 */
export function createRenderer(options: RendererOptions = {}): Renderer {
  const env = Handlebars.create();
  registerRenderHelpers(env);
  const helperNames = new Set(HELPER_NAMES);

  const analyses = new BoundedCache<string, Analysed>(CACHE_LIMIT);
  // One cache per format, keyed by the source itself: a key made by joining format and source was a new
  // string each call, hashed over all its kilobytes every time (a sixtieth of the dispatch pod's thread).
  const compiled: Record<OutputFormat, BoundedCache<string, Compiled>> = {
    html: new BoundedCache(CACHE_LIMIT),
    text: new BoundedCache(CACHE_LIMIT),
  };

  const partialSources = new Map<string, string>(Object.entries(options.partials ?? {}));
  const layoutSources = new Map<string, string>(Object.entries(options.layouts ?? {}));
  const compiledPartials = new Map<OutputFormat, Record<string, Compiled>>();

  /** Parses (once per source) and analyses; a syntax problem becomes a RenderError. */
  function analysisOf(source: string, where: Omit<RenderErrorDetails, 'code' | 'problem'>): TemplateAnalysis {
    const analysed = analyses.getOrCreate(source, (): Analysed => {
      const parsed = parseSource(source);
      return parsed.ok ? { ok: true, analysis: analyseTemplate(parsed.ast, helperNames) } : parsed;
    });
    if (analysed.ok) return analysed.analysis;
    throw new RenderError({
      ...where,
      code: OST_ERR_TEMPLATE_SYNTAX,
      line: analysed.problem.line,
      column: analysed.problem.column,
      problem: analysed.problem.message,
      hint: 'fix the template syntax',
    });
  }

  function compile(source: string, format: OutputFormat): Compiled {
    return compiled[format].getOrCreate(source, () =>
      env.compile(source, { strict: true, noEscape: format === 'text' }),
    );
  }

  // Partials and layouts are checked up front, so a broken one fails when the renderer is built.
  for (const [name, source] of partialSources) analysisOf(source, { template: name, part: 'partial' });
  for (const [name, source] of layoutSources) {
    checkLayout(name, analysisOf(source, { template: name, part: 'layout' }));
  }

  /**
   * Partials are passed per call, compiled for the caller's format. (Registered on the environment, a string
   * partial would be compiled once with whichever format used it first, escaping text or not escaping HTML.)
   */
  function partialsFor(format: OutputFormat): Record<string, Compiled> {
    let found = compiledPartials.get(format);
    if (found === undefined) {
      found = Object.create(null) as Record<string, Compiled>;
      for (const [name, source] of partialSources) found[name] = compile(source, format);
      compiledPartials.set(format, found);
    }
    return found;
  }

  function candidates(analysis: TemplateAnalysis): Candidate[] {
    const list: Candidate[] = [{ analysis }];
    for (const [name, source] of partialSources) {
      const partial = analyses.get(source);
      if (partial?.ok === true) list.push({ analysis: partial.analysis, partial: name });
    }
    return list;
  }

  function run(source: string, format: OutputFormat, data: unknown, where: Where): string {
    const analysis = analysisOf(source, where);
    try {
      return compile(source, format)(data, { ...RUNTIME_OPTIONS, partials: partialsFor(format) });
    } catch (error) {
      throw explain(error, where, candidates(analysis), data);
    }
  }

  function render(part: MessagePart, context: RenderContext): string {
    const where: Where = {
      template: String(part?.template ?? '(unnamed)'),
      part: String(part?.part ?? '(unnamed)'),
      locale: part?.locale ?? (isLocale(context?.locale) ? context.locale : undefined),
    };
    if (typeof part?.source !== 'string') {
      throw new RenderError({
        ...where,
        code: OST_ERR_TEMPLATE_RENDER,
        problem: 'the part has no source text',
        hint: 'give the template this part or do not render it',
      });
    }
    if (typeof context !== 'object' || context === null) {
      throw new RenderError({
        ...where,
        code: OST_ERR_TEMPLATE_RENDER,
        problem: 'the render context must be an object',
      });
    }
    const format: OutputFormat = part.format ?? (part.part === 'html' ? 'html' : 'text');
    const body = run(part.source, format, context, where);
    if (part.layout === undefined) return body;

    const layout = layoutSources.get(part.layout);
    if (layout === undefined) {
      throw new RenderError({
        ...where,
        code: OST_ERR_TEMPLATE_RENDER,
        problem: `layout "${part.layout}" is not registered (available: ${[...layoutSources.keys()].sort().join(', ') || 'none'})`,
        hint: 'register the layout or fix its name',
      });
    }
    return run(layout, format, { ...context, body }, { ...where, layout: part.layout });
  }

  function renderTemplate(
    template: TemplateDefinition,
    part: PartName,
    context: RenderContext,
    renderOptions: RenderTemplateOptions = {},
  ): RenderedPart {
    const available = (Object.keys(template.parts) as Locale[]).filter(
      (locale) => isLocale(locale) && typeof template.parts[locale]?.[part] === 'string',
    );
    const pick = pickLocale(available, context.locale, renderOptions.fallbackLocale ?? 'nl');
    const source = pick === undefined ? undefined : template.parts[pick.locale]?.[part];
    if (pick === undefined || source === undefined) {
      throw new RenderError({
        code: OST_ERR_TEMPLATE_RENDER,
        template: template.name,
        part,
        locale: context.locale,
        problem: `the template has no "${part}" part in any locale`,
        hint: `add a "${part}" part or do not send this template over this channel`,
      });
    }
    const layout = template.layouts?.[part];
    const output = render(
      {
        template: template.name,
        part,
        source,
        locale: pick.locale,
        ...(layout === undefined ? {} : { layout }),
      },
      { ...context, locale: pick.locale },
    );
    return { output, locale: pick.locale, requestedLocale: context.locale, choice: pick.choice };
  }

  return { render, renderTemplate };
}

/** A layout must place the message exactly with the triple-stash, or HTML would be escaped twice. */
function checkLayout(name: string, analysis: TemplateAnalysis): void {
  const bodies = analysis.paths.filter((use) => use.name === 'body');
  const where = { code: OST_ERR_TEMPLATE_SYNTAX, template: name, part: 'layout' } as const;
  if (bodies.length === 0) {
    throw new RenderError({
      ...where,
      problem: 'the layout does not place the message',
      hint: 'add {{{body}}}',
    });
  }
  for (const use of bodies) {
    if (analysis.escaped.has(use.node)) {
      throw new RenderError({
        ...where,
        line: use.node.loc.start.line,
        column: use.node.loc.start.column + 1,
        problem: '{{body}} would HTML-escape the message',
        hint: 'use {{{body}}}',
      });
    }
  }
}

const samePosition = (node: hbs.AST.Node, line: number, column: number): boolean =>
  node.loc?.start.line === line && node.loc.start.column === column;

/** Turns whatever Handlebars or a helper threw into a RenderError that says where and what to do. */
function explain(error: unknown, where: Where, sources: Candidate[], data: unknown): RenderError {
  if (error instanceof RenderError) return error;
  const base = { ...where, code: OST_ERR_TEMPLATE_RENDER, cause: error } as const;
  const message = error instanceof Error ? error.message : String(error);
  const at = (candidate: Candidate | undefined, node: hbs.AST.Node | undefined) =>
    node === undefined
      ? {}
      : {
          ...(candidate?.partial === undefined ? {} : { partial: candidate.partial }),
          line: node.loc.start.line,
          column: node.loc.start.column + 1,
        };

  if (error instanceof HelperError) {
    const loc = error.location;
    for (const candidate of sources) {
      const call =
        loc === undefined
          ? undefined
          : candidate.analysis.helpers.find(
              (h) => h.name === error.helper && samePosition(h.node, loc.line, loc.column),
            );
      if (call === undefined) continue;
      const arg = error.argIndex === undefined ? undefined : call.params[error.argIndex];
      const variable =
        arg?.type === 'PathExpression'
          ? (candidate.analysis.byNode.get(arg as hbs.AST.PathExpression)?.name ??
            (arg as hbs.AST.PathExpression).original)
          : undefined;
      return new RenderError({
        ...base,
        ...at(candidate, call.node),
        variable,
        problem:
          variable === undefined
            ? `helper "${error.helper}": ${error.problem}`
            : `helper "${error.helper}" argument "${variable}": ${error.problem}`,
        hint:
          variable === undefined
            ? 'fix the helper call'
            : 'check the variable name and the value in the context',
      });
    }
    return new RenderError({
      ...base,
      line: loc?.line,
      problem: `helper "${error.helper}": ${error.problem}`,
      hint: 'fix the helper call',
    });
  }

  // Strict mode: `"street" not defined in undefined - 1:2`. Handlebars names only the last segment, and says
  // `in undefined` when something earlier on the path is missing.
  const notDefined = /^"(.+)" not defined in (.*) - \d+:\d+$/s.exec(message);
  const located = error as { lineNumber?: unknown; column?: unknown };
  if (notDefined !== null && typeof located.lineNumber === 'number' && typeof located.column === 'number') {
    const missing = notDefined[1] ?? '';
    const parentMissing = notDefined[2] === 'undefined' || notDefined[2] === 'null';
    const line = located.lineNumber;
    const column = located.column;
    for (const candidate of sources) {
      const call = candidate.analysis.helpers.find(
        (h) => h.path.original === missing && samePosition(h.path, line, column),
      );
      if (call !== undefined && (call.params.length > 0 || call.node.type === 'SubExpression')) {
        return new RenderError({
          ...base,
          ...at(candidate, call.path),
          problem: `helper "${missing}" is not registered`,
          hint: `use one of ${RENDER_HELPER_NAMES.join(', ')}, or fix the name`,
        });
      }
      const use = candidate.analysis.paths.find(
        (p) => samePosition(p.node, line, column) && p.node.parts[p.node.parts.length - 1] === missing,
      );
      if (use === undefined) continue;
      const full = use.name ?? use.node.original;
      const variable = parentMissing ? (firstMissing(data, full) ?? full) : full;
      return new RenderError({
        ...base,
        ...at(candidate, use.node),
        variable,
        problem:
          variable === full && parentMissing
            ? `variable "${full}" is not in the context (something on its path is missing)`
            : `variable "${variable}" is not in the context`,
        hint: 'declare it or fix the name',
      });
    }
    return new RenderError({
      ...base,
      line,
      column: column + 1,
      variable: missing,
      problem: `variable "${missing}" is not in the context`,
      hint: 'declare it or fix the name',
    });
  }

  const partial = /^The partial (.+) could not be found/.exec(message);
  if (partial !== null) {
    return new RenderError({
      ...base,
      problem: `partial "${partial[1]}" is not registered`,
      hint: 'register the partial with the renderer or fix its name',
    });
  }

  // Reading below a missing value from a helper argument (not strict in Handlebars), or below a string.
  const below = /reading '([^']+)'|search for '([^']+)' in/.exec(message);
  if (below !== null) {
    const segment = below[1] ?? below[2] ?? '';
    for (const candidate of sources) {
      const use = candidate.analysis.paths.find((p) => p.node.parts.indexOf(segment) > 0);
      if (use === undefined) continue;
      const full = use.name ?? use.node.original;
      const parent = firstMissing(data, full) ?? full.slice(0, full.lastIndexOf(`.${segment}`));
      return new RenderError({
        ...base,
        ...at(candidate, use.node),
        variable: parent,
        problem: `variable "${parent}" is missing or not an object, so "${full}" cannot be read`,
        hint: 'declare it, fix the name, or guard it with {{#if}}',
      });
    }
  }

  return new RenderError({
    ...base,
    problem: message.split('\n')[0] ?? message,
    hint: 'check the template and the context',
  });
}

/**
 * The first missing (or non-object) prefix of a root-anchored dotted path in the data: `debtor.address`
 * for `debtor.address.street` when the debtor has no address. Undefined for paths inside each-blocks.
 */
function firstMissing(data: unknown, dotted: string): string | undefined {
  if (dotted.includes('[]')) return undefined;
  const parts = dotted.split('.');
  let current: unknown = data;
  for (let i = 0; i < parts.length; i++) {
    const key = parts[i] ?? '';
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, key)) {
      return parts
        .slice(0, Math.max(1, i + (typeof current === 'object' && current !== null ? 1 : 0)))
        .join('.');
    }
    current = (current as Record<string, unknown>)[key];
  }
  return undefined;
}
