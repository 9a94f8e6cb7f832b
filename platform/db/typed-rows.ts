// Many rows as one statement's input: `unnest` of one typed array a column, `AS t (col, …)`. Postgres
// reads each array with its element type's input function, so nothing parses the batch as one document:
// a `json_to_recordset` of a thousand receivables spent a quarter of the database's CPU parsing the JSON
// document before any row was written (perf on the bench's Postgres, issue #16). The planner also knows
// an array's length, where it takes any json_to_recordset for 100 rows.
//
// Each array is written here as one array literal (every element quoted, `"` and `\` escaped only where
// they occur), not by the driver, which escapes every element of an array with two regular expressions.
// jsonb columns travel as one text of JSON documents, one a line, split by `string_to_array` (nothing to
// escape or undo): JSON.stringify never writes a line feed, it escapes one inside a string as \n. `\N`
// stands for SQL NULL; no JSON text starts with a backslash.

import { sql } from 'slonik';

/** The column types the street's batch statements use. */
export type ColumnType = 'uuid' | 'text' | 'int4' | 'int8' | 'bool' | 'date' | 'timestamptz' | 'jsonb';

/** [column name, its type]; the value of a row's column is `row[name]`. */
export type Column = readonly [name: string, type: ColumnType];

const NULL_JSON = '\\N';

const ESCAPED = /["\\]/;

/** A value that is not null as the text Postgres reads for it (also COPY's, copy-rows.ts). */
export function inputText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function element(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  const s = inputText(v);
  return ESCAPED.test(s) ? `"${s.replace(/["\\]/g, '\\$&')}"` : `"${s}"`;
}

/** One column of `rows` as JSON lines, `\N` for SQL NULL. */
function jsonLines(rows: readonly Readonly<Record<string, unknown>>[], name: string): string {
  let out = '';
  for (let i = 0; i < rows.length; i++) {
    const v = rows[i]![name];
    if (i > 0) out += '\n';
    out += v === null || v === undefined ? NULL_JSON : JSON.stringify(v);
  }
  return out;
}

/** One column of `rows` as one array literal: `{"a","b",NULL}`. */
function arrayLiteral(rows: readonly Readonly<Record<string, unknown>>[], name: string): string {
  let out = '{';
  for (let i = 0; i < rows.length; i++) {
    if (i > 0) out += ',';
    out += element(rows[i]![name]);
  }
  return `${out}}`;
}

/**
 * `unnest(…) AS t (c1, c2, …)` for `rows`: use as `INSERT INTO x (c1, c2, …) SELECT * FROM ${typedRows(…)}`
 * or in a join. Every row gives a value (or null) for every column.
 */
export function typedRows<R extends Readonly<Record<string, unknown>>>(
  columns: readonly Column[],
  rows: readonly R[],
) {
  // One loop a column appending to one string: no array of values and no array of elements to join
  // (building these took 3.0 s of the intake pod's CPU for 200,000 receivables that way, 1.8 s this way;
  // issue #16, `npm run bench -- --profile DIR`).
  const arrays = columns.map(([name, type]) =>
    type === 'jsonb'
      ? sql.fragment`string_to_array(${jsonLines(rows, name)}::text, E'\\n', ${NULL_JSON})::jsonb[]`
      : sql.fragment`${arrayLiteral(rows, name)}::${sql.identifier([type])}[]`,
  );
  const names = columns.map(([name]) => sql.identifier([name]));
  return sql.fragment`unnest(${sql.join(arrays, sql.fragment`, `)}) AS t (${sql.join(names, sql.fragment`, `)})`;
}
