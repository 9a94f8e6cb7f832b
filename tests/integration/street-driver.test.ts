// The street's slonik driver (platform/db/street-driver.ts) and COPY (platform/db/copy-rows.ts) on real
// PostgreSQL: every value COPY carries comes back exactly as it went in, whatever bytes an ERP put in it; a
// refused row stores nothing and leaves the connection usable; COPY belongs to the caller's transaction;
// and the driver keeps what slonik's own pg driver gives (type parsers with their arrays, error classes,
// timeouts, one statement a query, streams).
import fc from 'fast-check';
import { StatementTimeoutError } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyData, copyOf } from '../../platform/db/copy-rows.js';
import {
  copyRows,
  createDatabase,
  type Database,
  isDataRefused,
  sql,
  sqlState,
} from '../../platform/db/index.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { anyLabelsAndDocs, hostileRows, VALUE_COLUMNS } from '../support/row-values.js';

let testDb: TestDatabase;
let db: Database;

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = await createDatabase(testDb.url);
  await db.query(sql.unsafe`
    CREATE TABLE copied (n int4 PRIMARY KEY, id uuid, label text, amount int8, due date, at timestamptz,
      ok bool, doc jsonb, made timestamptz NOT NULL DEFAULT now())`);
});
afterAll(async () => {
  await db?.end();
  await testDb?.drop();
});

async function stored() {
  return db.any(sql.unsafe`
    SELECT n, id, label, amount, due, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at,
      ok, doc FROM copied ORDER BY n`);
}

describe('copyRows', () => {
  it('brings back every hostile text and JSON value unchanged, SQL NULL apart from JSON null and "NULL"', async () => {
    await db.query(sql.unsafe`TRUNCATE copied`);
    const rows = hostileRows();
    const nulls = [
      { n: 100, id: null, label: null, amount: null, due: null, at: null, ok: null, doc: null },
      { n: 101, id: null, label: 'NULL', amount: 0, due: null, at: null, ok: false, doc: 'NULL' },
    ];
    expect(await db.transaction((tx) => copyRows(tx, 'copied', VALUE_COLUMNS, [...rows, ...nulls]))).toBe(
      rows.length + nulls.length,
    );
    expect(await stored()).toEqual([...rows, ...nulls]);
    const [kinds] = await db.any(sql.unsafe`
      SELECT count(*) FILTER (WHERE doc IS NULL)::int AS sql_null,
        count(*) FILTER (WHERE doc = 'null'::jsonb)::int AS json_null FROM copied`);
    expect(kinds).toEqual({ sql_null: 1, json_null: 0 });
  });

  it('stores rows far larger than the bytes it first sets aside, multi-byte characters whole', async () => {
    await db.query(sql.unsafe`TRUNCATE copied`);
    // 512 bytes a row are set aside at first; these rows are up to 60 KB of three-byte characters.
    const rows = [1, 2, 3].map((n) => ({
      n,
      id: null,
      label: '€'.repeat(n * 10_000),
      amount: null,
      due: null,
      at: null,
      ok: null,
      doc: { text: '€\t'.repeat(n * 3_000) },
    }));
    expect(await db.transaction((tx) => copyRows(tx, 'copied', VALUE_COLUMNS, rows))).toBe(3);
    expect(await stored()).toEqual(rows);
  });

  it('round-trips any string and any JSON value (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(anyLabelsAndDocs, async (rows) => {
        await db.query(sql.unsafe`TRUNCATE copied`);
        await db.transaction((tx) => copyRows(tx, 'copied', VALUE_COLUMNS, rows));
        const back = await stored();
        expect(back.map((r) => r.label)).toEqual(rows.map((r) => r.label));
        // jsonb keeps numbers as numeric and sorts keys: compare with what Postgres makes of the same text.
        const expected = await db.any(sql.unsafe`
            SELECT doc::jsonb AS doc FROM unnest(${sql.array(
              rows.map((r) => JSON.stringify(r.doc) ?? 'null'),
              'text',
            )}::text[]) WITH ORDINALITY AS t (doc, n) ORDER BY n`);
        expect(back.map((r) => r.doc)).toEqual(expected.map((r) => r.doc));
      }),
      { numRuns: 100 },
    );
  });

  it('a row Postgres refuses stores nothing of the batch, reports the data refused, and the pool goes on', async () => {
    await db.query(sql.unsafe`TRUNCATE copied`);
    const good = { n: 1, id: null, label: 'fine', amount: null, due: null, at: null, ok: null, doc: {} };
    for (const bad of [
      { ...good, n: 2, label: 'nul \u0000 byte' },
      { ...good, n: 2, doc: { text: 'nul \u0000 in JSON' } },
      { ...good, n: 2, due: '2026-02-30' },
      { ...good, n: 2, amount: 2 ** 64 },
    ]) {
      const err = await db
        .transaction((tx) => copyRows(tx, 'copied', VALUE_COLUMNS, [good, bad]))
        .catch((e) => e);
      expect(err, JSON.stringify(bad)).toBeInstanceOf(Error);
      expect(isDataRefused(err), `${JSON.stringify(bad)}: ${sqlState(err)}`).toBe(true);
    }
    expect(await db.oneFirst(sql.unsafe`SELECT count(*)::int FROM copied`)).toBe(0);
    // A duplicate key is a constraint, not data: 23505, as from an INSERT.
    await db.transaction((tx) => copyRows(tx, 'copied', VALUE_COLUMNS, [good]));
    const dup = await db.transaction((tx) => copyRows(tx, 'copied', VALUE_COLUMNS, [good])).catch((e) => e);
    expect(sqlState(dup)).toBe('23505');
    expect(await db.oneFirst(sql.unsafe`SELECT count(*)::int FROM copied`)).toBe(1);
  });

  it('belongs to the transaction: rolled back with it, seen by its later statements', async () => {
    await db.query(sql.unsafe`TRUNCATE copied`);
    const row = { n: 5, id: null, label: 'x', amount: null, due: null, at: null, ok: null, doc: null };
    const seen = await db
      .transaction(async (tx) => {
        await copyRows(tx, 'copied', VALUE_COLUMNS, [row]);
        const n = await tx.oneFirst(sql.unsafe`SELECT count(*)::int FROM copied`);
        throw Object.assign(new Error('roll back'), { n });
      })
      .catch((e: { n: number }) => e.n);
    expect(seen).toBe(1);
    expect(await db.oneFirst(sql.unsafe`SELECT count(*)::int FROM copied`)).toBe(0);
    expect(await copyRows(db, 'copied', VALUE_COLUMNS, [])).toBe(0);
  });

  it('only a statement of copyRows is run as COPY', () => {
    const data = copyData(VALUE_COLUMNS.slice(0, 3), [{ n: 1, id: null, label: 'a\tb' }]);
    expect(data.toString()).toBe('1\t\\N\ta\\tb\n');
    expect(copyOf('COPY "copied" ("n", "label") FROM STDIN $1', [data])).toEqual({
      statement: 'COPY "copied" ("n", "label") FROM STDIN',
      data,
    });
    // Only bytes made by copyData, with exactly that statement: a string value (what any other statement
    // passes) is not data, and a statement of another shape is not run as COPY whatever its value.
    for (const [q, values] of [
      ['COPY "copied" ("n") FROM STDIN $1', [1]],
      ['COPY "copied" ("n") FROM STDIN $1', ['1\n']],
      ['COPY "copied" ("n") FROM STDIN $1', [data, data]],
      ['SELECT $1', [data]],
      ['COPY "copied" ("n") FROM PROGRAM \'id\' $1', [data]],
      ['COPY "copied" ("n") FROM STDIN; DROP TABLE copied; $1', [data]],
    ] as const) {
      expect(copyOf(q, values), q).toBeUndefined();
    }
  });
});

describe('the street driver', () => {
  it('parses int8 as a number, timestamptz as a Date, date as text, and their arrays alike', async () => {
    const row = await db.one(sql.unsafe`
      SELECT 9007199254740991::int8 AS big, ARRAY[1, 2]::int8[] AS bigs,
        '2026-12-06T05:40:00Z'::timestamptz AS at, ARRAY['2026-12-06T05:40:00Z']::timestamptz[] AS ats,
        '2026-11-01'::date AS due, ARRAY['2026-11-01']::date[] AS dues, 1.5::numeric AS num, '{"a":1}'::jsonb AS doc`);
    expect(row).toEqual({
      big: 9_007_199_254_740_991,
      bigs: [1, 2],
      at: new Date('2026-12-06T05:40:00Z'),
      ats: [new Date('2026-12-06T05:40:00Z')],
      due: '2026-11-01',
      dues: ['2026-11-01'],
      num: '1.5',
      doc: { a: 1 },
    });
    const err = await db.oneFirst(sql.unsafe`SELECT 9007199254740993::int8`).catch((e) => e);
    expect(String(err)).toMatch(/does not fit a JavaScript number/);
  });

  it('refuses two statements in one query, keeps SQLSTATEs, and honours the statement timeout', async () => {
    await expect(db.query(sql.unsafe`SELECT 1; SELECT 2`)).rejects.toThrow();
    expect(sqlState(await db.query(sql.unsafe`SELECT 1/0`).catch((e) => e))).toBe('22012');
    const short = await createDatabase(testDb.url, { statementTimeout: 100 });
    try {
      const err = await short.query(sql.unsafe`SELECT pg_sleep(2)`).catch((e) => e);
      expect(err).toBeInstanceOf(StatementTimeoutError);
      expect(sqlState(err)).toBe('57014');
      expect(await short.oneFirst(sql.unsafe`SELECT 1`)).toBe(1);
    } finally {
      await short.end();
    }
  });

  it('streams rows with their fields', async () => {
    const seen: number[] = [];
    await db.stream(sql.unsafe`SELECT generate_series(1, 5)::int4 AS n`, (stream) => {
      stream.on('data', (datum: { fields: { name: string }[]; data: { n: number } }) => {
        seen.push(datum.fields.length === 1 && datum.fields[0]!.name === 'n' ? datum.data.n : -1);
      });
    });
    expect(seen).toEqual([1, 2, 3, 4, 5]);
  });
});
