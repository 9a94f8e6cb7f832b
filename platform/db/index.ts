export { sql } from 'slonik';
export { type CopyBatch, copyBatch, copyRows, sendCopy } from './copy-rows.js';
export { type CreateDatabaseOptions, createDatabase, type Database } from './create-database.js';
export { databaseAnswers, waitForDatabase } from './database-health.js';
export { describeDatabaseUrl } from './database-url.js';
export { loadMigrations, MIGRATIONS_DIRECTORY, type Migration } from './load-migrations.js';
export { newIds } from './new-ids.js';
export {
  MIGRATION_LOCK_ID,
  type MigrationReport,
  type RunMigrationsOptions,
  runMigrations,
} from './run-migrations.js';
export { isDataRefused, sqlState } from './sql-state.js';
export { type Column, type ColumnType, typedRows } from './typed-rows.js';
