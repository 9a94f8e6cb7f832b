// Text and bodies for the hostile test driver (hostile-generators.ts): path segments and header text an
// attacker can send, and JSON bodies broken in a way the API must refuse whatever else they hold — a
// required field missing, a value of the wrong type or range (huge numbers too), U+0000 or an unpaired
// surrogate in a string, nesting deeper than any request, __proto__ and constructor keys, broken syntax —
// and NDJSON that mixes such lines with repeats of a stored receivable and blank lines.
import fc from 'fast-check';
import type { Tenant } from './hostile-street.js';

export type Json = Record<string, unknown>;
/** Stand-ins that JSON.stringify cannot write, put into the text afterwards. */
const HUGE = '__HUGE_NUMBER__';

export const CONTROL = ['\u0000', '\ud800', '\udfff', '\udbff\u0041'];
const junkChar = fc
  .integer({ min: 0x20, max: 0xff })
  .filter((c) => c !== 0x7f)
  .map((c) => String.fromCharCode(c));
/** Header text node's HTTP client will send (visible ASCII, space, tab, Latin-1). */
export const headerText = fc.string({ unit: fc.oneof(junkChar, fc.constant('\t')), maxLength: 60 });
export const binaryText = fc.string({ unit: 'binary', maxLength: 24 });

/** A path segment as sent on the wire: UTF-16 as UTF-8, an unpaired surrogate as the bytes CESU would use. */
export function encodeSegment(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const pair = c >= 0xd800 && c <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
    if (pair) {
      out += encodeURIComponent(text.slice(i, i + 2));
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      out += [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)]
        .map((b) => `%${b.toString(16).toUpperCase()}`)
        .join('');
    } else out += encodeURIComponent(text[i]!);
  }
  return out;
}

export const hostileSegment = fc.oneof(
  fc.constantFrom(
    '%00',
    'a%00b',
    '%E0%A4%A',
    '%',
    '%zz',
    '%ED%A0%80',
    '%C0%AF',
    '%FF%FE',
    '%2e%2e',
    '%2F',
    '%252F',
  ),
  binaryText.filter((t) => t.length > 0).map(encodeSegment),
  fc.integer({ min: 101, max: 4000 }).map((n) => 'x'.repeat(n)),
);

export const setPath = (body: Json, path: string, value: unknown): Json => {
  const copy = structuredClone(body);
  const keys = path.split('.');
  let at: Json = copy;
  for (const k of keys.slice(0, -1)) {
    at[k] ??= {};
    at = at[k] as Json;
  }
  at[keys.at(-1)!] = value;
  return copy;
};
const omit = (body: Json, key: string): Json =>
  Object.fromEntries(Object.entries(body).filter(([k]) => k !== key));
const nest = (depth: number): unknown => (depth === 0 ? 'deep' : [nest(depth - 1)]);
const text = (body: unknown) => JSON.stringify(body).replaceAll(`"${HUGE}"`, '1e400');

export interface BodyRules {
  base: Json;
  required: string[];
  /** Values that fail the schema whatever else the body holds. */
  wrong: Record<string, unknown[]>;
  /** String fields: U+0000 or an unpaired surrogate in them must be refused. */
  strings: string[];
  /** Whether a field the schema does not know is refused (additionalProperties: false). */
  closed: boolean;
}

/** A JSON body text the route must refuse. */
export function brokenJson(rules: BodyRules): fc.Arbitrary<string> {
  const { base, required, wrong, strings, closed } = rules;
  // Without required fields (the patch), the empty object is what is missing: it needs one field.
  const missing =
    required.length > 0 ? fc.constantFrom(...required).map((k) => omit(base, k)) : fc.constant({});
  const families: fc.Arbitrary<string>[] = [
    missing.map(text),
    fc
      .constantFrom(...Object.keys(wrong))
      .chain((k) => fc.constantFrom(...wrong[k]!).map((v) => text(setPath(base, k, v)))),
    fc
      .tuple(fc.constantFrom(...strings), fc.constantFrom(...CONTROL), binaryText, binaryText)
      .map(([path, bad, before, after]) => text(setPath(base, path, `${before}${bad}${after}`))),
    fc.integer({ min: 33, max: 400 }).map((d) => text(setPath(base, Object.keys(base)[0]!, nest(d)))),
    fc.constantFrom('[]', '"receivable"', '1', 'null', '', ' ', '{', 'NaN', "{'a':1}"),
    // Broken syntax over a body that also misses a field: refused even if the parser forgave the syntax.
    fc
      .tuple(missing.map(text), fc.nat(), fc.constantFrom('', '}', ',', 'x', '\ufeff'))
      .map(([t, cut, tail]) =>
        tail === '\ufeff' ? `${tail}${t}` : `${t.slice(0, 1 + (cut % (t.length - 1)))}${tail}`,
      ),
  ];
  if (closed) {
    families.push(
      fc
        .constantFrom('__proto__', 'constructor', 'prototype', 'extra')
        .map((k) => `${text(base).slice(0, -1)},"${k}":{"polluted":true,"prototype":{"x":1}}}`),
    );
  }
  return fc.oneof(...families);
}

export const receivableRules = (base: Json): BodyRules => ({
  base,
  required: ['externalId', 'kind', 'amount', 'dueDate', 'paymentReference', 'source', 'debtor'],
  wrong: {
    amount: ['1', 1.5, -1, 1e11, 2 ** 64, true, null, HUGE],
    externalId: [12, '', 'has space', 'x'.repeat(101)],
    kind: ['Rent', '', 7],
    dueDate: ['2026-13-01', 'tomorrow', 20261101],
    currency: ['eur', 'EURO'],
    source: ['prod', ''],
    debtor: [[], 'x', {}, null],
    balance: [(base.amount as number) + 1, -5],
    vars: [[], 'x', { a: { b: 1 } }],
  },
  strings: ['externalId', 'debtor.name', 'description', 'paymentReference', 'debtor.id', 'vars.note'],
  closed: true,
});

export const patchRules: BodyRules = {
  base: { status: 'paused', reason: 'hostile test' },
  required: [],
  wrong: {
    balance: [-1, '1', 1.5, 1e11, HUGE],
    status: ['paid', 'PAUSED', 1],
    arrangement: ['x', { endsOn: 'never' }, { extra: 1 }],
    reason: [1, 'x'.repeat(201)],
  },
  strings: ['reason', 'arrangement.note'],
  closed: true,
};

export const paymentRules: BodyRules = {
  base: { paymentId: 'FZ-PAY-1', amount: 100 },
  required: ['paymentId', 'amount'],
  wrong: {
    amount: [0, -1, '1', 1.5, 1e11, HUGE],
    paymentId: ['', 'has space', 7, 'x'.repeat(101)],
    paidAt: ['yesterday', 1],
    method: ['IDEAL', 'a b', 1],
  },
  strings: ['paymentId', 'method'],
  closed: true,
};

export const staffRules: BodyRules = {
  base: { meterNumber: 'FZ-M-1', reading: 1, address: 'Fuzzstraat 1, 1234 AB Ergens' },
  required: ['meterNumber', 'reading', 'address'],
  wrong: {
    meterNumber: ['', 7, 'x'.repeat(41)],
    reading: [-1, '1', 1.5, 2 ** 60, null, HUGE],
    readOn: ['2999-01-01', 'x'],
    confirm: ['yes', 1],
  },
  strings: ['address', 'meterNumber'],
  closed: false,
};

/** NDJSON lines: repeats of the caller's stored receivable, lines the validator must refuse, blanks. */
export function ndjson(owner: Tenant): fc.Arbitrary<{ body: string; good: number; bad: number[] }> {
  const line = fc.oneof(
    fc.constant({ kind: 'good' as const, text: JSON.stringify(owner.receivable) }),
    brokenJson({ ...receivableRules(owner.receivable), strings: ['kind'] })
      .filter((t) => t.trim() !== '' && !/[\r\n]/.test(t))
      .map((t) => ({ kind: 'bad' as const, text: t })),
    fc.constantFrom('', '   ').map((t) => ({ kind: 'blank' as const, text: t })),
  );
  return fc
    .tuple(fc.array(line, { minLength: 1, maxLength: 6 }), fc.constantFrom('\n', '\r\n'))
    .map(([lines, eol]) => ({
      body: lines.map((l) => l.text).join(eol),
      good: lines.filter((l) => l.kind === 'good').length,
      bad: lines.flatMap((l, i) => (l.kind === 'bad' ? [i + 1] : [])),
    }));
}
