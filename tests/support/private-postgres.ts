// A private PostgreSQL server (initdb + pg_ctl) in a temporary directory on a free loopback port, for
// tests that stop or crash Postgres: the machine's shared server is never touched. Running as root, the
// server runs as the `postgres` OS user (PostgreSQL refuses to run as root).
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './free-port.js';

export interface PrivatePostgres {
  /** postgres://postgres@127.0.0.1:<port>/<database> */
  url: string;
  port: number;
  /** Stops the server (fast: rolls back open transactions; immediate: a crash, recovered from WAL) and starts it again. */
  restart(options?: { mode?: 'fast' | 'immediate'; downMs?: number }): Promise<void>;
  stop(): Promise<void>;
}

const running = new Set<string>();
process.once('exit', () => {
  for (const dir of running) {
    try {
      const [file, argv] = asRoot
        ? ['runuser', ['-u', 'postgres', '--', pgBin('pg_ctl')]]
        : [pgBin('pg_ctl'), []];
      execFileSync(file as string, [
        ...(argv as string[]),
        '-D',
        join(dir, 'data'),
        '-m',
        'immediate',
        'stop',
      ]);
    } catch {}
  }
});

function pgBinDir(): string {
  const configured = process.env.PG_BIN_DIR;
  if (configured) return configured;
  for (const version of ['17', '16', '15', '14']) {
    const dir = `/usr/lib/postgresql/${version}/bin`;
    if (existsSync(join(dir, 'initdb'))) return dir;
  }
  throw new Error(
    'PostgreSQL server binaries not found in /usr/lib/postgresql/*/bin: install postgresql or set PG_BIN_DIR',
  );
}

const pgBin = (name: string) => join(pgBinDir(), name);
const asRoot = userInfo().uid === 0;

function run(binary: string, args: string[]): Promise<string> {
  const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', binary, ...args]] : [binary, args];
  return new Promise((resolve, reject) => {
    execFile(file, argv, { maxBuffer: 4 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error)
        reject(
          new Error(`${binary.split('/').at(-1)} ${args[0] ?? ''} failed: ${stderr.trim() || error.message}`),
        );
      else resolve(stdout);
    });
  });
}

/**
 * `settings`: server settings (`-c name=value`) on top of the defaults, e.g. the rent-day settings of
 * docs/operations.md for the bench.
 */
export async function startPrivatePostgres(
  database = 'outputstraat',
  settings: Readonly<Record<string, string>> = {},
): Promise<PrivatePostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'ost-pg-'));
  if (asRoot) {
    const { uid, gid } = await postgresUser();
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  const port = await freePort();
  running.add(dir);
  await run(pgBin('initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const extra = Object.entries(settings).map(([name, value]) => ` -c ${name}=${value}`);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=on${extra.join('')}`;
  const start = () =>
    run(pgBin('pg_ctl'), [
      '-D',
      data,
      '-o',
      options,
      '-l',
      join(dir, 'server.log'),
      '-w',
      '-t',
      '60',
      'start',
    ]);
  const stopServer = (mode: string) => run(pgBin('pg_ctl'), ['-D', data, '-m', mode, '-w', 'stop']);
  await start();
  const admin = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  let stopped = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/${database}`,
    port,
    async restart({ mode = 'fast', downMs = 0 } = {}) {
      await stopServer(mode);
      if (downMs) await new Promise((resolve) => setTimeout(resolve, downMs));
      await start();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await stopServer('immediate').catch(() => undefined);
      running.delete(dir);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function postgresUser(): Promise<{ uid: number; gid: number }> {
  const out = await new Promise<string>((resolve, reject) =>
    execFile('id', ['postgres'], (error, stdout) =>
      error ? reject(new Error('there is no postgres OS user: install postgresql')) : resolve(stdout),
    ),
  );
  const uid = Number(/uid=(\d+)/.exec(out)?.[1]);
  const gid = Number(/gid=(\d+)/.exec(out)?.[1]);
  return { uid, gid };
}
