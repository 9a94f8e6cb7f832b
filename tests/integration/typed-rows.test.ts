// typedRows carries a batch's rows to Postgres as one array literal a column and jsonb as JSON lines. Every
// value must come back exactly as it went in, whatever bytes an ERP put in it: a quote or backslash, a
// comma or brace that would split an unquoted element, the word NULL, a line feed in text or inside a JSON
// string, an empty string. Real PostgreSQL.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database, sql, typedRows } from '../../platform/db/index.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { anyLabelsAndDocs, hostileRows, VALUE_COLUMNS, type ValueRow } from '../support/row-values.js';

let testDb: TestDatabase;
let db: Database;

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = await createDatabase(testDb.url);
});
afterAll(async () => {
  await db?.end();
  await testDb?.drop();
});

async function roundTrip(rows: readonly ValueRow[]) {
  const back = await db.any(sql.unsafe`
    SELECT n, id, label, amount, due, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at,
      ok, doc FROM ${typedRows(VALUE_COLUMNS, rows)} ORDER BY n`);
  return back.map((r) => ({ ...r, at: r.at ?? null }));
}

describe('typedRows', () => {
  it('brings back every hostile text and JSON value unchanged', async () => {
    const rows = hostileRows();
    expect(await roundTrip(rows)).toEqual(rows);
  });

  it('keeps SQL NULL apart from JSON null and from the string "NULL"', async () => {
    const rows: ValueRow[] = [
      { n: 0, id: null, label: null, amount: null, due: null, at: null, ok: null, doc: null },
      { n: 1, id: null, label: 'NULL', amount: 0, due: null, at: null, ok: false, doc: 'NULL' },
      { n: 2, id: null, label: '\\N', amount: -1, due: null, at: null, ok: true, doc: [null] },
    ];
    const back = await roundTrip(rows);
    expect(back).toEqual(rows);
    const [kinds] = await db.any(sql.unsafe`
      SELECT count(*) FILTER (WHERE doc IS NULL)::int AS sql_null FROM ${typedRows(VALUE_COLUMNS, rows)}`);
    expect(kinds).toEqual({ sql_null: 1 });
  });

  it('gives no rows for no rows, and one row for one row whose JSON is null', async () => {
    expect(await roundTrip([])).toEqual([]);
    const one: ValueRow = {
      n: 7,
      id: null,
      label: null,
      amount: null,
      due: null,
      at: null,
      ok: null,
      doc: null,
    };
    expect(await roundTrip([one])).toEqual([one]);
  });

  it('round-trips any string and any JSON value (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(anyLabelsAndDocs, async (rows) => {
        const back = await roundTrip(rows);
        expect(back.map((r) => r.label)).toEqual(rows.map((r) => r.label));
        // jsonb keeps numbers as numeric and objects' keys sorted: compare as Postgres would store them.
        const stored = await db.any(sql.unsafe`
            SELECT n, doc FROM ${typedRows(VALUE_COLUMNS, rows)} ORDER BY n`);
        const expected = await db.any(sql.unsafe`
            SELECT n, doc::jsonb AS doc FROM unnest(${sql.array(
              rows.map((r) => JSON.stringify(r.doc) ?? 'null'),
              'text',
            )}::text[]) WITH ORDINALITY AS t (doc, n) ORDER BY n`);
        expect(stored.map((r) => r.doc)).toEqual(expected.map((r) => r.doc));
      }),
      { numRuns: 100 },
    );
  });
});
