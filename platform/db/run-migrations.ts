import pg from 'pg';
import type { Logger } from 'pino';
import type { DatabasePool } from 'slonik';
import { createError } from '../../core/errors/index.js';
import { describeDatabaseUrl } from './database-url.js';
import { loadMigrations, type Migration } from './load-migrations.js';

/** Fixed advisory lock key: replicas starting together queue on it and migrate one after another. */
export const MIGRATION_LOCK_ID = 7_203_001_917;

export interface RunMigrationsOptions {
  log?: Logger;
  /** Defaults to runtime/db/migrations next to this module. */
  directory?: string;
}

export interface MigrationReport {
  /** Versions this call applied, in order; empty when the schema was already current. */
  applied: number[];
  /** Highest version recorded in the database afterwards. */
  version: number;
}

interface AppliedRow {
  version: number;
  name: string;
  checksum: string;
}

/**
 * Applies pending migrations, each in its own transaction that holds the migration lock, and records them
 * in schema_migrations. Safe to call from every replica on every start.
 *
 * Runs on a dedicated `pg` client rather than the slonik pool: slonik's driver uses the extended query
 * protocol, which allows one statement per query, and a migration file is many statements.
 */
export async function runMigrations(
  pool: DatabasePool,
  options: RunMigrationsOptions = {},
): Promise<MigrationReport> {
  const migrations = await loadMigrations(options.directory);
  const client = await connect(pool);
  try {
    const recorded = await readRecorded(client);
    verifyUnchanged(migrations, recorded, options.log);

    const done = new Set(recorded.map((row) => row.version));
    const applied: number[] = [];
    for (const migration of migrations) {
      if (done.has(migration.version)) continue;
      if (await apply(client, migration, options.log)) applied.push(migration.version);
    }
    // Every known migration is recorded now, by this replica or another one.
    const version = Math.max(0, ...recorded.map((row) => row.version), ...migrations.map((m) => m.version));
    options.log?.info({ version, applied: applied.length }, 'database schema is current');
    return { applied, version };
  } finally {
    await client.end().catch(() => {});
  }
}

async function connect(pool: DatabasePool) {
  const { connectionUri, ssl } = pool.configuration;
  const client = new pg.Client({
    connectionString: connectionUri,
    application_name: 'outputstraat-migrations',
    connectionTimeoutMillis: 10_000,
    ...(ssl ? { ssl } : {}),
  });
  // A connection dropped by the server surfaces as a failed query; without a listener it would crash.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (cause) {
    throw createError('OST_ERR_DATABASE', [`cannot connect to ${describeDatabaseUrl(connectionUri)}`], {
      cause,
    });
  }
  return client;
}

async function readRecorded(client: pg.Client) {
  try {
    return await transaction(client, async () => {
      await client.query(
        `CREATE TABLE IF NOT EXISTS schema_migrations (
           version    integer     PRIMARY KEY,
           name       text        NOT NULL,
           checksum   text        NOT NULL,
           applied_at timestamptz NOT NULL DEFAULT now()
         )`,
      );
      const result = await client.query<AppliedRow>('SELECT version, name, checksum FROM schema_migrations');
      return result.rows;
    });
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw createError('OST_ERR_DATABASE', [`cannot prepare schema_migrations: ${reason}`], { cause });
  }
}

/** Applies one migration unless another replica did while this one waited for the lock. */
async function apply(client: pg.Client, migration: Migration, log: Logger | undefined) {
  const started = performance.now();
  try {
    const applied = await transaction(client, async () => {
      const exists = await client.query('SELECT 1 FROM schema_migrations WHERE version = $1', [
        migration.version,
      ]);
      if (exists.rowCount) return false;
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
        migration.version,
        migration.name,
        migration.checksum,
      ]);
      return true;
    });
    if (applied) {
      const ms = Math.round(performance.now() - started);
      log?.info({ version: migration.version, name: migration.name, ms }, 'applied database migration');
    }
    return applied;
  } catch (cause) {
    if (cause instanceof pg.DatabaseError) {
      throw createError(
        'OST_ERR_CONFIG',
        [
          `migration ${migration.file} failed and was rolled back: ${cause.message}`,
          'fix the migration and restart; none of it was applied',
        ],
        { cause },
      );
    }
    throw createError('OST_ERR_DATABASE', [`lost the connection while applying ${migration.file}`], {
      cause,
    });
  }
}

async function transaction<T>(client: pg.Client, work: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [MIGRATION_LOCK_ID]);
    const result = await work();
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  }
}

function verifyUnchanged(migrations: Migration[], recorded: AppliedRow[], log: Logger | undefined) {
  const byVersion = new Map(migrations.map((migration) => [migration.version, migration]));
  for (const row of recorded) {
    const migration = byVersion.get(row.version);
    if (!migration) {
      // Normal during a rolling update: a newer replica already migrated further than this code knows.
      log?.warn(
        { version: row.version, name: row.name },
        'database has a migration this build does not know',
      );
    } else if (migration.checksum !== row.checksum) {
      throw createError('OST_ERR_CONFIG', [
        `migration ${migration.file} was changed after it was applied to this database`,
        'restore the file as it was and put the change in a new migration',
      ]);
    }
  }
}
