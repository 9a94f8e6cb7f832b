// The personal-data registry against a migrated database: a column added by a migration must be declared
// personal (with how it is erased) or not personal (with why), so it cannot be forgotten by an erasure or
// by retention; and docs/privacy.md must name every personal column.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database, runMigrations, sql } from '../../platform/db/index.js';
import { NOT_PERSONAL, PERSONAL_DATA, personalColumns } from '../../runtime/dossiers/index.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { quietLog } from '../support/street.js';

let test: TestDatabase;
let db: Database;
let schema: string[];

beforeAll(async () => {
  test = await createTestDatabase();
  db = await createDatabase(test.url, { log: quietLog() });
  await runMigrations(db, { log: quietLog() });
  schema = await columnsOf(db);
});

async function columnsOf(pool: Database): Promise<string[]> {
  const rows = await pool.any(sql.unsafe`
    SELECT c.table_name, c.column_name FROM information_schema.columns c
    JOIN information_schema.tables t USING (table_schema, table_name)
    -- A view (events, migration 040) holds nothing of its own: its table's columns are classified.
    WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' ORDER BY c.table_name, c.ordinal_position`);
  return rows.map((r) => `${r.table_name as string}.${r.column_name as string}`);
}

afterAll(async () => {
  await db?.end();
  await test?.drop();
});

const personal = () => personalColumns().map((c) => `${c.table}.${c.column}`);
const notPersonal = () => NOT_PERSONAL.flatMap((e) => e.columns.map((c) => `${e.table}.${c}`));
/** Columns of the schema in neither list. */
const unclassified = (columns: string[]) => {
  const known = new Set([...personal(), ...notPersonal()]);
  return columns.filter((column) => !known.has(column));
};

describe('the personal-data registry', () => {
  it('classifies every column of the migrated schema: personal with its eraser, or not personal with a reason', () => {
    expect(
      unclassified(schema),
      'add each column to PERSONAL_DATA (how it is erased) or NOT_PERSONAL (why not) in runtime/dossiers/personal-data.ts',
    ).toEqual([]);
  });

  it('a column a new migration adds is caught until someone classifies it', async () => {
    await db.query(sql.unsafe`ALTER TABLE receivables ADD COLUMN nickname text`);
    try {
      expect(unclassified(await columnsOf(db))).toEqual(['receivables.nickname']);
    } finally {
      await db.query(sql.unsafe`ALTER TABLE receivables DROP COLUMN nickname`);
    }
  });

  it('names only columns that exist, each once', () => {
    const inSchema = new Set(schema);
    const all = [...personal(), ...notPersonal()];
    expect(all.filter((column) => !inSchema.has(column))).toEqual([]);
    expect(all.filter((column, i) => all.indexOf(column) !== i)).toEqual([]);
  });

  it('erases every personal column somehow, and every table either has a retention or rides with its parent', () => {
    const tables = new Set(PERSONAL_DATA.map((t) => t.table));
    for (const table of PERSONAL_DATA) {
      for (const column of table.columns) {
        expect(column.set !== undefined || table.deletes === true, `${table.table}.${column.column}`).toBe(
          true,
        );
      }
      if ('parent' in table) expect(tables.has(table.parent), `${table.table}'s parent`).toBe(true);
      else expect(table.retention.kind ?? table.retention.elsewhere, table.table).toBeTruthy();
    }
  });

  it('finds the rows it erases by a unique index or by their place, never by reading the whole table', async () => {
    // erase-rows.ts matches each picked row by `key = picked.k AND corporation = …`: without a unique index
    // on the key (alone or after corporation) every batch of retention reads the whole table (events by
    // seq did, after migration 037 moved its key to the feed's order).
    const rows = await db.any(sql.unsafe`
      SELECT t.relname::text AS table, string_agg(a.attname::text, ',' ORDER BY k.n) AS columns
      FROM pg_index i
      JOIN pg_class t ON t.oid = i.indrelid
      JOIN pg_namespace ns ON ns.oid = t.relnamespace AND ns.nspname = 'public'
      CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k (attnum, n)
      JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
      WHERE i.indisunique AND i.indpred IS NULL
      GROUP BY i.indexrelid, t.relname`);
    const unique = rows.map((r) => ({ table: r.table as string, columns: r.columns as string }));
    const unfound = PERSONAL_DATA.flatMap((t) => {
      if ('parent' in t || t.key === 'ctid') return [];
      const found = unique.some(
        (u) => u.table === t.table && (u.columns === t.key || u.columns === `corporation,${t.key}`),
      );
      return found ? [] : [`${t.table}.${t.key}`];
    });
    expect(unfound, 'give these a unique index on the key, or key them by ctid').toEqual([]);
  });

  it('docs/privacy.md names every personal column, every retention setting and how erasure works', () => {
    const doc = readFileSync('docs/privacy.md', 'utf8');
    const missing = personal().filter((column) => !doc.includes(`\`${column}\``));
    expect(missing, 'describe these in docs/privacy.md').toEqual([]);
    for (const setting of ['messagesDays', 'dossiersDays', 'formsDays', 'eventsDays']) {
      expect(doc).toContain(setting);
    }
    expect(doc).toContain('DELETE /v1/debtors/{debtorId}');
    expect(doc).toContain('debtor.erased');
  });
});
