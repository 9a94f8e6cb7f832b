import type { Logger } from 'pino';
import { type ClientConfigurationInput, createPool, type DatabasePool } from 'slonik';
import { createError } from '../../core/errors/index.js';
import { describeDatabaseUrl } from './database-url.js';
import { typeParsers } from './type-parsers.js';

export type Database = DatabasePool;

export interface CreateDatabaseOptions extends ClientConfigurationInput {
  log?: Logger;
}

/** A slonik pool for `url` (postgres://…); fails with OST_ERR_DATABASE when Postgres cannot be reached. */
export async function createDatabase(url: string, options: CreateDatabaseOptions = {}): Promise<Database> {
  const { log, ...configuration } = options;
  let pool: DatabasePool;
  try {
    pool = await createPool(url, { typeParsers, ...configuration });
  } catch (cause) {
    throw createError('OST_ERR_DATABASE', [`cannot use ${describeDatabaseUrl(url)}`], { cause });
  }
  // An idle connection dropped by the server is reported here; the pool replaces it on the next query.
  pool.on('error', (err) => {
    log?.warn({ err: { name: err.name, message: err.message } }, 'database connection lost');
  });
  return pool;
}
