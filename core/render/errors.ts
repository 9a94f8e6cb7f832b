// Errors raised by the rendering module: OutputstraatErrors of the registry's OST_ERR_TEMPLATE_RENDER and
// OST_ERR_TEMPLATE_SYNTAX, with the template, part, locale and position as typed fields.
import { OutputstraatError } from '../errors/index.js';

const DEFAULT_HINTS = {
  OST_ERR_TEMPLATE_RENDER: 'check the template against the data the receivable carries',
  OST_ERR_TEMPLATE_SYNTAX: 'fix the Handlebars syntax',
} as const;

/** A template could not be rendered with the given context (missing variable, bad helper argument…). */
export const OST_ERR_TEMPLATE_RENDER = 'OST_ERR_TEMPLATE_RENDER';
/** A template (or partial, or layout) is not valid Handlebars. */
export const OST_ERR_TEMPLATE_SYNTAX = 'OST_ERR_TEMPLATE_SYNTAX';

export type RenderErrorCode = typeof OST_ERR_TEMPLATE_RENDER | typeof OST_ERR_TEMPLATE_SYNTAX;

export interface RenderErrorDetails {
  code: RenderErrorCode;
  /** Template name, e.g. `storno-email`. */
  template: string;
  /** Part name, e.g. `subject`, `html`, `sms`; `partial` or `layout` for shared sources checked on their own. */
  part: string;
  /** Locale of the source that failed, when known. */
  locale?: string | undefined;
  /** Set when the failing source is a layout wrapped around the part. */
  layout?: string | undefined;
  /** Set when the failing source is a partial included by the part (or its layout). */
  partial?: string | undefined;
  /** 1-based line in the failing source. */
  line?: number | undefined;
  /** 1-based column in the failing source. */
  column?: number | undefined;
  /** Dotted variable path involved, e.g. `debtor.name` or `lines[].amount`. */
  variable?: string | undefined;
  /** What went wrong, without the location prefix. */
  problem: string;
  /** What the author should do about it. */
  hint?: string | undefined;
  cause?: unknown;
}

/**
 * Thrown for every rendering or template-syntax problem. The message reads like
 * `template "storno-email" part "subject" (nl), line 1: variable "debtor.nme" is not in the context;
 * declare it or fix the name`.
 */
export class RenderError extends OutputstraatError {
  override readonly name = 'RenderError';
  declare readonly code: RenderErrorCode;
  readonly template: string;
  readonly part: string;
  readonly locale: string | undefined;
  readonly layout: string | undefined;
  readonly partial: string | undefined;
  readonly line: number | undefined;
  readonly column: number | undefined;
  readonly variable: string | undefined;
  override readonly problem: string;

  constructor(details: RenderErrorDetails) {
    super(
      details.code,
      [renderErrorWhere(details), details.problem, details.hint ?? DEFAULT_HINTS[details.code]],
      details.cause === undefined ? {} : { cause: details.cause },
    );
    this.template = details.template;
    this.part = details.part;
    this.locale = details.locale;
    this.layout = details.layout;
    this.partial = details.partial;
    this.line = details.line;
    this.column = details.column;
    this.variable = details.variable;
    this.problem = details.problem;
  }
}

export function isRenderError(value: unknown): value is RenderError {
  return value instanceof RenderError;
}

function renderErrorWhere(d: RenderErrorDetails): string {
  let where = `template "${d.template}" part "${d.part}"`;
  if (d.locale !== undefined) where += ` (${d.locale})`;
  if (d.layout !== undefined) where += `, layout "${d.layout}"`;
  if (d.partial !== undefined) where += `, partial "${d.partial}"`;
  if (d.line !== undefined) {
    where += `, line ${d.line}`;
    if (d.code === OST_ERR_TEMPLATE_SYNTAX && d.column !== undefined) where += `, column ${d.column}`;
  }
  return where;
}
