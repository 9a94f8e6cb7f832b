import type Handlebars from 'handlebars';
import { isLocale, type Locale } from './context.js';
import { type DateStyle, formatDate } from './dates.js';
import { formatMoney } from './money.js';

/** Helpers Handlebars brings itself. */
export const BUILTIN_HELPER_NAMES: readonly string[] = [
  'each',
  'if',
  'unless',
  'with',
  'lookup',
  'log',
  'helperMissing',
  'blockHelperMissing',
];

/** Helpers this module registers on every renderer. */
export const RENDER_HELPER_NAMES: readonly string[] = [
  'money',
  'date',
  'paymentLink',
  'link',
  'qr',
  'upper',
  'eq',
  'ifEq',
  'dossierTotal',
  'dossierItems',
];

export const HELPER_NAMES: readonly string[] = [...BUILTIN_HELPER_NAMES, ...RENDER_HELPER_NAMES];

/** Where Handlebars says a helper call sits (1-based line, 0-based column). */
export interface HelperLocation {
  line: number;
  column: number;
}

/** A helper refused its input; the renderer turns it into a RenderError with the template's location. */
export class HelperError extends Error {
  override readonly name = 'HelperError';
  constructor(
    readonly helper: string,
    readonly problem: string,
    readonly location: HelperLocation | undefined,
    /** Index of the argument at fault, so the renderer can name the variable passed there. */
    readonly argIndex?: number,
    options?: ErrorOptions,
  ) {
    super(`helper "${helper}": ${problem}`, options);
  }
}

/** The options object Handlebars passes as a helper's last argument (the parts used here). */
interface CallOptions {
  name?: string;
  hash?: Record<string, unknown>;
  data?: { root?: unknown };
  loc?: { start?: { line?: number; column?: number } };
  fn?: (context: unknown) => string;
  inverse?: (context: unknown) => string;
}

interface Call {
  args: unknown[];
  options: CallOptions;
  root: Record<string, unknown>;
  fail(problem: string, argIndex?: number, cause?: unknown): never;
}

type HelperBody = (this: unknown, call: Call) => unknown;

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing (the variable is missing)';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return typeof value;
}

function contextLocale(call: Call): Locale {
  const locale = call.root['locale'];
  if (!isLocale(locale)) call.fail(`the context's locale must be "nl" or "en", got ${describe(locale)}`);
  return locale;
}

function contextLink(call: Call, name: unknown, argIndex?: number): string {
  if (typeof name !== 'string' || name === '')
    call.fail(`link name must be a string, got ${describe(name)}`, argIndex);
  const links = asRecord(call.root['links']);
  const url = Object.hasOwn(links, name) ? links[name] : undefined;
  if (typeof url !== 'string' || url === '') {
    const known = Object.keys(links).sort().join(', ') || 'none';
    call.fail(`link "${name}" is not in the context's links (available: ${known})`, argIndex);
  }
  return url;
}

interface DossierContext {
  total: number;
  currency: string;
  items: { externalId: string; description?: string; dueDate: string; balance: number }[];
}

function contextDossier(call: Call): DossierContext {
  const dossier = asRecord(call.root['dossier']);
  if (typeof dossier['total'] !== 'number' || !Array.isArray(dossier['items'])) {
    call.fail('the context has no dossier (total and items)');
  }
  return {
    total: dossier['total'] as number,
    currency: typeof dossier['currency'] === 'string' ? dossier['currency'] : 'EUR',
    items: dossier['items'] as DossierContext['items'],
  };
}

function money(call: Call, amount: number, currency: string): string {
  try {
    return formatMoney(amount, currency, contextLocale(call));
  } catch (error) {
    if (error instanceof HelperError) throw error;
    return call.fail(error instanceof Error ? error.message : String(error), undefined, error);
  }
}

function define(name: string, body: HelperBody): Handlebars.HelperDelegate {
  return function (this: unknown, ...raw: unknown[]): unknown {
    const options = asRecord(raw[raw.length - 1]) as CallOptions;
    const args = raw.slice(0, -1);
    const start = options.loc?.start;
    const location =
      typeof start?.line === 'number' && typeof start.column === 'number'
        ? { line: start.line, column: start.column }
        : undefined;
    const call: Call = {
      args,
      options,
      root: asRecord(options.data?.root),
      fail(problem, argIndex, cause) {
        throw new HelperError(name, problem, location, argIndex, cause === undefined ? undefined : { cause });
      },
    };
    return body.call(this, call);
  };
}

const helpers: Record<string, HelperBody> = {
  /** `{{money amount currency}}`; currency defaults to the receivable's. Formats for the context locale. */
  money(call: Call) {
    const [amount, given] = call.args;
    if (call.args.length === 0) call.fail('needs an amount: {{money receivable.amount receivable.currency}}');
    const currency = call.args.length > 1 ? given : asRecord(call.root['receivable'])['currency'];
    if (typeof amount !== 'number' || !Number.isSafeInteger(amount)) {
      call.fail(`amount must be an integer number of minor units (cents), got ${describe(amount)}`, 0);
    }
    if (typeof currency !== 'string')
      call.fail(`currency must be a code such as "EUR", got ${describe(currency)}`, 1);
    try {
      return formatMoney(amount, currency, contextLocale(call));
    } catch (error) {
      if (error instanceof HelperError) throw error;
      return call.fail(error instanceof Error ? error.message : String(error), undefined, error);
    }
  },

  /** `{{date value style}}`: style `long` (default) or `short`; timestamps shown in the context timezone. */
  date(call: Call) {
    const [value, style = 'long'] = call.args;
    if (call.args.length === 0) call.fail('needs a date: {{date receivable.dueDate "long"}}');
    const iso = value instanceof Date ? value.toISOString() : value;
    if (typeof iso !== 'string') call.fail(`needs an ISO date, got ${describe(value)}`, 0);
    if (style !== 'long' && style !== 'short')
      call.fail(`style must be "long" or "short", got ${describe(style)}`, 1);
    const timezone = call.root['timezone'];
    if (typeof timezone !== 'string')
      call.fail(`the context's timezone must be a zone name, got ${describe(timezone)}`);
    try {
      return formatDate(iso, contextLocale(call), style as DateStyle, timezone);
    } catch (error) {
      if (error instanceof HelperError) throw error;
      return call.fail(error instanceof Error ? error.message : String(error), 0, error);
    }
  },

  /** `{{dossierTotal}}`: the dossier's open total in the context locale (`€ 1.862,37`, `€1,862.37`). */
  dossierTotal(call: Call) {
    const dossier = contextDossier(call);
    return money(call, dossier.total, dossier.currency);
  },

  /**
   * `{{dossierItems}}`: the dossier's open items, one line each ("- Huur december (vervaldatum
   * 1 december 2026): € 620,79"), for text, SMS and letters; HTML can use `{{#each dossier.items}}`.
   */
  dossierItems(call: Call) {
    const dossier = contextDossier(call);
    const locale = contextLocale(call);
    const due = locale === 'en' ? 'due' : 'vervaldatum';
    return dossier.items
      .map((item) => {
        const what = item.description ?? item.externalId;
        const when = formatDate(item.dueDate, locale, 'long', String(call.root['timezone'] ?? 'UTC'));
        return `- ${what} (${due} ${when}): ${money(call, item.balance, dossier.currency)}`;
      })
      .join('\n');
  },

  /** `{{paymentLink}}`: the context's `links.payment`. */
  paymentLink(call: Call) {
    return contextLink(call, 'payment');
  },

  /** `{{link "unsubscribe"}}`: `links[name]`. */
  link(call: Call) {
    if (call.args.length === 0) call.fail('needs a link name: {{link "unsubscribe"}}');
    return contextLink(call, call.args[0], 0);
  },

  /** `{{qr "payment"}}`: the text to encode in a QR code (the letter renderer draws it); default `payment`. */
  qr(call: Call) {
    return contextLink(call, call.args.length > 0 ? call.args[0] : 'payment', 0);
  },

  /** `{{upper value}}`, with the context locale's casing rules. */
  upper(call: Call) {
    const [value] = call.args;
    if (value === undefined || value === null) call.fail(`needs a value, got ${describe(value)}`, 0);
    const locale = call.root['locale'] === 'en' ? 'en-GB' : 'nl-NL';
    return String(value).toLocaleUpperCase(locale);
  },

  /** `{{#if (eq a b)}}`: strict equality. */
  eq(call: Call) {
    if (call.args.length !== 2) call.fail(`needs two values to compare, got ${call.args.length}`);
    return call.args[0] === call.args[1];
  },

  /** `{{#ifEq a b}}…{{else}}…{{/ifEq}}`. */
  ifEq(call: Call) {
    const { fn, inverse } = call.options;
    if (fn === undefined) call.fail('is a block helper: use {{#ifEq a b}}…{{else}}…{{/ifEq}}');
    if (call.args.length !== 2) call.fail(`needs two values to compare, got ${call.args.length}`);
    return call.args[0] === call.args[1] ? fn(this) : (inverse?.(this) ?? '');
  },
};

/** Registers the rendering helpers on an isolated Handlebars environment. */
export function registerRenderHelpers(env: typeof Handlebars): void {
  for (const [name, body] of Object.entries(helpers)) env.registerHelper(name, define(name, body));
}
