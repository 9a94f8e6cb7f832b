// Many new rows as one COPY … FROM STDIN in COPY's text format, inside the caller's transaction: for rows that
// can conflict with nothing (a new case's steps, events), where COPY costs Postgres a fifth less than an
// INSERT of unnest arrays (issue #16; `typedRows` stays for statements that join or resolve conflicts).
//
// slonik passes every value as a parameter, so the statement travels as `COPY t (c, …) FROM STDIN $1` with
// the rows as its one text value; the street's driver (street-driver.ts) recognises exactly that shape and
// streams the text to Postgres. No other statement ends in `FROM STDIN $1` (it is not valid SQL).
//
// Text format: a tab between columns, a line feed after each row, `\N` for SQL NULL, and a backslash, tab,
// line feed or carriage return inside a value written as `\\`, `\t`, `\n`, `\r` — so no byte of a value can
// end a column, a row or the data (`\.`).

import type { CommonQueryMethods } from 'slonik';
import { sql } from 'slonik';
import { type Column, inputText } from './typed-rows.js';

const NULL = '\\N';
const SPECIAL = /[\\\t\n\r]/;
const SPECIALS = /[\\\t\n\r]/g;
const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

const escaped = (s: string) => (SPECIAL.test(s) ? s.replace(SPECIALS, (c) => ESCAPES[c]!) : s);

function field(v: unknown, jsonb: boolean): string {
  if (v === null || v === undefined) return NULL;
  // A jsonb column's string is a JSON string, quoted; any other column's value is its input text.
  return escaped(jsonb ? JSON.stringify(v) : inputText(v));
}

/** `rows` in COPY's text format, `columns` in order (every row gives a value or null for each). */
export function copyText(
  columns: readonly Column[],
  rows: readonly Readonly<Record<string, unknown>>[],
): string {
  let out = '';
  for (const row of rows) {
    for (let c = 0; c < columns.length; c++) {
      const [name, type] = columns[c]!;
      if (c > 0) out += '\t';
      out += field(row[name], type === 'jsonb');
    }
    out += '\n';
  }
  return out;
}

/** Inserts `rows` into `table` with one COPY; returns how many rows it stored. */
export async function copyRows(
  db: CommonQueryMethods,
  table: string,
  columns: readonly Column[],
  rows: readonly Readonly<Record<string, unknown>>[],
): Promise<number> {
  if (rows.length === 0) return 0;
  const names = columns.map(([name]) => sql.identifier([name]));
  const result = await db.query(
    sql.unsafe`COPY ${sql.identifier([table])} (${sql.join(names, sql.fragment`, `)}) FROM STDIN ${copyText(columns, rows)}`,
  );
  return result.rowCount;
}

const COPY_STATEMENT = /^COPY "[^"]+" \((?:"[^"]+"(?:, )?)+\) FROM STDIN \$1$/;

/** The driver's side: a statement made by copyRows, as the COPY to run and its data; otherwise undefined. */
export function copyOf(
  text: string,
  values: readonly unknown[],
): { statement: string; data: string } | undefined {
  if (values.length !== 1 || typeof values[0] !== 'string' || !COPY_STATEMENT.test(text)) return undefined;
  return { statement: text.slice(0, -' $1'.length), data: values[0] };
}
