import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { pino } from 'pino';
import { createDatabase, type Database, runMigrations, sql } from '../../platform/db/index.js';

export interface TestDatabase {
  /** postgres:// URL of a fresh, empty database. */
  url: string;
  /** Terminates the database's connections and drops it. */
  drop(): Promise<void>;
}

// The password is ignored under trust auth and set by scripts/test-env.sh where md5/scram applies.
const DEFAULT_ADMIN_URL = 'postgres://postgres:postgres@127.0.0.1:5432/postgres';

/** Creates a uniquely named database (ost_test_<random>) on the server of TEST_DATABASE_URL. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = process.env.TEST_DATABASE_URL ?? DEFAULT_ADMIN_URL;
  const name = `ost_test_${randomBytes(6).toString('hex')}`;
  await withAdmin(adminUrl, (client) => client.query(`CREATE DATABASE ${name}`));

  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    url: url.toString(),
    async drop() {
      if (dropped) return;
      dropped = true;
      await withAdmin(adminUrl, async (client) => {
        await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [
          name,
        ]);
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      });
    },
  };
}

async function withAdmin<T>(adminUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (cause) {
    const where = new URL(adminUrl);
    throw new Error(
      `PostgreSQL is not reachable at ${where.hostname}:${where.port || 5432}: start PostgreSQL or set ` +
        'TEST_DATABASE_URL to a server where this user may create databases',
      { cause },
    );
  }
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A fresh database with every migration applied and a pool on it; `drop()` ends the pool, then drops it. */
export async function createMigratedDatabase(): Promise<TestDatabase & { db: Database }> {
  const log = pino({ level: 'silent' });
  const test = await createTestDatabase();
  const db = await createDatabase(test.url, { log });
  await runMigrations(db, { log });
  return {
    url: test.url,
    db,
    async drop() {
      await db.end();
      await test.drop();
    },
  };
}

/**
 * The fewest rows a test of cases, steps or messages needs: one rent receivable of `corporation` (external id
 * `externalId`) and `count` cases on it, with no debtor, flow or bundle behind them.
 */
export async function insertBareCases(
  db: Database,
  count: number,
  corporation = 'woonstad',
  externalId = 'R-1',
): Promise<{ receivable: string; cases: string[] }> {
  const receivable = String(
    await db.oneFirst(sql.unsafe`
      INSERT INTO receivables (corporation, external_id, kind, amount_minor, balance_minor, due_date, debtor, payload)
      VALUES (${corporation}, ${externalId}, 'rent', 100, 100, '2026-11-01', '{}', '{}') RETURNING id`),
  );
  const cases = await db.anyFirst(sql.unsafe`
    INSERT INTO cases (receivable_id, corporation, flow, flow_revision, bundle_revision)
    SELECT ${receivable}, ${corporation}, 'rent', 'r1', 'b1' FROM generate_series(1, ${count}) RETURNING id`);
  return { receivable, cases: cases.map(String) };
}
