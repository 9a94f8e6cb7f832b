// Values for the tests of the ways the street writes many rows at once (typed-rows.test.ts, street-driver.test.ts):
// one column of each type the batch statements use, the texts that break naive encodings (a quote, a
// backslash, a tab or line feed, the word NULL, COPY's own `\N` and `\.`), and any string and JSON value.
import fc from 'fast-check';
import type { Column } from '../../platform/db/index.js';

export const VALUE_COLUMNS: readonly Column[] = [
  ['n', 'int4'],
  ['id', 'uuid'],
  ['label', 'text'],
  ['amount', 'int8'],
  ['due', 'date'],
  ['at', 'timestamptz'],
  ['ok', 'bool'],
  ['doc', 'jsonb'],
];

export interface ValueRow extends Record<string, unknown> {
  n: number;
  id: string | null;
  label: string | null;
  amount: number | null;
  due: string | null;
  at: string | null;
  ok: boolean | null;
  doc: unknown;
}

export const HOSTILE_TEXTS = [
  'a "quoted" word',
  'back\\slash',
  'ends in a backslash\\',
  'comma, and {braces}',
  'NULL',
  'null',
  '',
  ' leading and trailing ',
  'line\nfeed\tand tab',
  'carriage\rreturn',
  '\\N',
  '\\.',
  '\\t is not a tab',
  'Zoë — ’t Hoofd € 🏠',
  'line\u2028separator',
];

/** One row a hostile text, the text also inside its JSON. */
export const hostileRows = (): ValueRow[] =>
  HOSTILE_TEXTS.map((label, n) => ({
    n,
    id: `0190f0e2-6b3c-7d4e-8f00-0000000000${String(n).padStart(2, '0')}`,
    label,
    amount: n * 1_000_000_007,
    due: '2026-11-01',
    at: '2026-12-06T05:40:00.123Z',
    ok: n % 2 === 0,
    doc: { label, list: [label, n], nested: { text: `${label}\n${label}` } },
  }));

/** Up to 20 rows of any string (or null) and any JSON value. */
export const anyLabelsAndDocs = fc
  .array(fc.tuple(fc.option(fc.string({ unit: 'grapheme' })), fc.jsonValue()), { maxLength: 20 })
  .map((pairs) =>
    pairs.map(
      ([label, doc], n): ValueRow => ({
        n,
        id: null,
        // Postgres text holds no NUL character, and jsonb refuses \u0000: the ERP API refuses them first
        // (erp-api-control-characters.test.ts).
        label: label === null ? null : clean(label),
        amount: null,
        due: null,
        at: null,
        ok: null,
        doc: JSON.parse(clean(JSON.stringify(doc))) as unknown,
      }),
    ),
  );

const clean = (s: string) => s.replaceAll('\u0000', '');
