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
  // Joined, not appended: one flat string rather than a rope of a cell per value, which would live (and be
  // copied by each young-generation collection) until the statement is sent.
  const lines = new Array<string>(rows.length + 1);
  const cells = new Array<string>(columns.length);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    for (let c = 0; c < columns.length; c++) {
      const [name, type] = columns[c]!;
      cells[c] = field(row[name], type === 'jsonb');
    }
    lines[r] = cells.join('\t');
  }
  lines[rows.length] = '';
  return lines.join('\n');
}

/** Rows made ready for one COPY into `table`: only the text is kept, not the row objects it came from. */
export interface CopyBatch {
  table: string;
  columns: readonly Column[];
  rows: number;
  text: string;
}

export const copyBatch = (
  table: string,
  columns: readonly Column[],
  rows: readonly Readonly<Record<string, unknown>>[],
): CopyBatch => ({ table, columns, rows: rows.length, text: copyText(columns, rows) });

/** Runs a COPY made by copyBatch; returns how many rows it stored. */
export async function sendCopy(db: CommonQueryMethods, batch: CopyBatch): Promise<number> {
  if (batch.rows === 0) return 0;
  const names = batch.columns.map(([name]) => sql.identifier([name]));
  const result = await db.query(
    sql.unsafe`COPY ${sql.identifier([batch.table])} (${sql.join(names, sql.fragment`, `)}) FROM STDIN ${batch.text}`,
  );
  return result.rowCount;
}

/** Inserts `rows` into `table` with one COPY; returns how many rows it stored. */
export const copyRows = (
  db: CommonQueryMethods,
  table: string,
  columns: readonly Column[],
  rows: readonly Readonly<Record<string, unknown>>[],
): Promise<number> => sendCopy(db, copyBatch(table, columns, rows));

const COPY_STATEMENT = /^COPY "[^"]+" \((?:"[^"]+"(?:, )?)+\) FROM STDIN \$1$/;

/** The driver's side: a statement made by copyRows, as the COPY to run and its data; otherwise undefined. */
export function copyOf(
  text: string,
  values: readonly unknown[],
): { statement: string; data: string } | undefined {
  if (values.length !== 1 || typeof values[0] !== 'string' || !COPY_STATEMENT.test(text)) return undefined;
  return { statement: text.slice(0, -' $1'.length), data: values[0] };
}
