// Many new rows as one COPY … FROM STDIN in COPY's text format, inside the caller's transaction: for rows that
// can conflict with nothing (a new case's steps, events), where COPY costs Postgres a fifth less than an
// INSERT of unnest arrays (issue #16; `typedRows` stays for statements that join or resolve conflicts).
//
// slonik passes every value as a parameter, so the statement travels as `COPY t (c, …) FROM STDIN $1` with
// the rows' bytes as its one value; the street's driver (street-driver.ts) recognises exactly that shape and
// streams them to Postgres. No other statement ends in `FROM STDIN $1` (it is not valid SQL).
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

/**
 * `rows` in COPY's text format as UTF-8 bytes, `columns` in order (every row gives a value or null for each).
 * Bytes, not one string: a batch's data waits for its turn on the connection while other batches run, and
 * off the JavaScript heap it is not copied by each young-generation collection meanwhile; nor does the driver
 * encode it again when it sends it. A line is joined as a string and written once (issue #16: a flat string
 * of the whole batch cost the intake pod twice the time).
 */
export function copyData(
  columns: readonly Column[],
  rows: readonly Readonly<Record<string, unknown>>[],
): Buffer {
  const names = columns.map(([name]) => name);
  const jsonb = columns.map(([, type]) => type === 'jsonb');
  const cells = new Array<string>(columns.length);
  let data = Buffer.allocUnsafe(Math.max(4_096, rows.length * 512));
  let length = 0;
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    for (let c = 0; c < names.length; c++) cells[c] = field(row[names[c]!], jsonb[c]!);
    const line = cells.join('\t');
    // A UTF-16 code unit is at most three bytes of UTF-8; the line feed is one more.
    const most = length + line.length * 3 + 1;
    if (most > data.length) {
      const bigger = Buffer.allocUnsafe(Math.max(most, data.length * 2));
      data.copy(bigger, 0, 0, length);
      data = bigger;
    }
    length += data.write(line, length);
    data[length++] = 0x0a;
  }
  return data.subarray(0, length);
}

/** Rows made ready for one COPY into `table`: only their bytes are kept, not the row objects they came from. */
export interface CopyBatch {
  table: string;
  columns: readonly Column[];
  rows: number;
  data: Buffer;
}

export const copyBatch = (
  table: string,
  columns: readonly Column[],
  rows: readonly Readonly<Record<string, unknown>>[],
): CopyBatch => ({ table, columns, rows: rows.length, data: copyData(columns, rows) });

/** Runs a COPY made by copyBatch; returns how many rows it stored. */
export async function sendCopy(db: CommonQueryMethods, batch: CopyBatch): Promise<number> {
  if (batch.rows === 0) return 0;
  const names = batch.columns.map(([name]) => sql.identifier([name]));
  const result = await db.query(
    sql.unsafe`COPY ${sql.identifier([batch.table])} (${sql.join(names, sql.fragment`, `)}) FROM STDIN ${sql.binary(batch.data)}`,
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
): { statement: string; data: Buffer } | undefined {
  const data = values[0];
  if (values.length !== 1 || !Buffer.isBuffer(data) || !COPY_STATEMENT.test(text)) return undefined;
  return { statement: text.slice(0, -' $1'.length), data };
}
