import type { Logger } from 'pino';
import { type ClientConfigurationInput, createPool, type DatabasePool } from 'slonik';
import { createError } from '../../core/errors/index.js';
import { describeDatabaseUrl } from './database-url.js';
import { createStreetDriverFactory } from './street-driver.js';
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
    pool = await createPool(url, {
      typeParsers,
      // pg as slonik's own driver uses it, with COPY for intake's batches (street-driver.ts).
      driverFactory: createStreetDriverFactory(),
      // slonik's default runs DISCARD ALL whenever a connection goes back to the pool: one more round
      // trip per query or transaction (a third of dispatch's statements). The street keeps no session
      // state: settings are transaction-local (set_config(..., true)), locks are transaction locks, and
      // the webhook worker's one session lock is released in a finally on the connection that took it.
      resetConnection: async () => {},
      ...configuration,
    });
  } catch (cause) {
    throw createError('OST_ERR_DATABASE', [`cannot use ${describeDatabaseUrl(url)}`], { cause });
  }
  // An idle connection dropped by the server is reported here; the pool replaces it on the next query.
  pool.on('error', (err) => {
    log?.warn({ err: { name: err.name, message: err.message } }, 'database connection lost');
  });
  return pool;
}
