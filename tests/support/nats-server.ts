// A private nats-server with JetStream on a free loopback port, for tests and the bench. It runs the
// server built by scripts/tools/build-nats-server.sh (built on first use, cached in .cache/tools/bin),
// from a config file that fsyncs every write (`sync_interval: always`): the durability the runtime
// documents for production (docs/operations.md).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './free-port.js';

export interface NatsServerOptions {
  /** Extra command-line arguments for nats-server. */
  args?: readonly string[];
  /** JetStream fsync policy (default 'always'; nats-server's own default is '2m'). */
  syncInterval?: string;
  /** Milliseconds to wait for the server to accept connections (default 10 s). */
  startTimeoutMs?: number;
  /** Who may connect (nats-server's `authorization` block); without it anyone may. */
  authorization?: { users: NatsUser[] };
  /**
   * TLS for client connections with this server certificate and key; with `caFile` clients must also
   * present a certificate that CA signed (mutual TLS, `verify: true`).
   */
  tls?: { certFile: string; keyFile: string; caFile?: string };
  /** The server's name (each server of a JetStream cluster needs its own). */
  serverName?: string;
  /** Join a cluster: its name, this server's route port and the route ports of the others (nats-cluster.ts). */
  cluster?: { name: string; port: number; routes: readonly number[] };
}

/** A user of the `authorization` block: a user name and password, or an NKEY public key (`U…`). */
export type NatsUser = { user: string; password: string } | { nkey: string };

export interface NatsServer {
  /** nats://127.0.0.1:<port> */
  url: string;
  port: number;
  /** Kills the server and removes its JetStream store. */
  stop(): Promise<void>;
  /**
   * Stops and starts the server on the same port and store, so JetStream data survives. `hard` kills it
   * with SIGKILL (a crash) instead of asking it to shut down.
   */
  restart(options?: { hard?: boolean; downMs?: number }): Promise<void>;
  /** SIGKILL, store kept: a crash of this server; `restart()` brings it back. */
  kill(): Promise<void>;
  /** The store directory (JetStream data). */
  storeDir: string;
  /** JetStream's fsync policy in the server's config. */
  syncInterval: string;
}

const HOST = '127.0.0.1';
const running = new Set<ChildProcess>();
const storeDirs = new Set<string>();
// A test run that dies between start and stop must not leave servers or stores behind.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
  for (const dir of storeDirs) rmSync(dir, { recursive: true, force: true });
});

/** Starts a private nats-server with JetStream on a free loopback port. */
export async function startNatsServer(options: NatsServerOptions = {}): Promise<NatsServer> {
  const binary = findNatsServer();
  const port = await freePort();
  const storeDir = mkdtempSync(join(tmpdir(), 'ost-nats-'));
  storeDirs.add(storeDir);
  const config = join(storeDir, 'nats-server.conf');
  const syncInterval = options.syncInterval ?? 'always';
  const cluster = options.cluster;
  writeFileSync(
    config,
    [
      `host: "${HOST}"`,
      `port: ${port}`,
      ...(options.serverName ? [`server_name: "${options.serverName}"`] : []),
      'jetstream {',
      `  store_dir: "${join(storeDir, 'jetstream')}"`,
      `  sync_interval: ${syncInterval}`,
      '}',
      ...authorizationBlock(options.authorization),
      ...tlsBlock(options.tls),
      ...(cluster
        ? [
            'cluster {',
            `  name: "${cluster.name}"`,
            `  listen: "${HOST}:${cluster.port}"`,
            `  routes: [${cluster.routes.map((p) => `"nats-route://${HOST}:${p}"`).join(', ')}]`,
            '}',
          ]
        : []),
      '',
    ].join('\n'),
  );
  const args = ['-c', config, ...(options.args ?? [])];
  const timeoutMs = options.startTimeoutMs ?? 10_000;

  let child: ChildProcess;
  try {
    child = await launch(binary, args, port, timeoutMs);
  } catch (err) {
    removeStore(storeDir);
    throw err;
  }
  let stopped = false;
  return {
    url: `nats://${HOST}:${port}`,
    port,
    storeDir,
    syncInterval,
    async stop() {
      if (stopped) return;
      stopped = true;
      await terminate(child);
      removeStore(storeDir);
    },
    async kill() {
      await terminate(child, 'SIGKILL');
    },
    async restart(how = {}) {
      if (stopped) throw new Error('nats-server was stopped; start a new one');
      await terminate(child, how.hard ? 'SIGKILL' : 'SIGTERM');
      if (how.downMs) await new Promise((r) => setTimeout(r, how.downMs));
      child = await launch(binary, args, port, timeoutMs);
    },
  };
}

// Values are written as JSON strings, which nats-server's config syntax reads as quoted strings.
function authorizationBlock(authorization: NatsServerOptions['authorization']): string[] {
  if (!authorization) return [];
  const users = authorization.users.map((u) =>
    'nkey' in u
      ? `    { nkey: ${JSON.stringify(u.nkey)} }`
      : `    { user: ${JSON.stringify(u.user)}, password: ${JSON.stringify(u.password)} }`,
  );
  return ['authorization {', '  users: [', ...users, '  ]', '}'];
}

function tlsBlock(tls: NatsServerOptions['tls']): string[] {
  if (!tls) return [];
  return [
    'tls {',
    `  cert_file: ${JSON.stringify(tls.certFile)}`,
    `  key_file: ${JSON.stringify(tls.keyFile)}`,
    ...(tls.caFile ? [`  ca_file: ${JSON.stringify(tls.caFile)}`, '  verify: true'] : []),
    '}',
  ];
}

function removeStore(dir: string) {
  rmSync(dir, { recursive: true, force: true });
  storeDirs.delete(dir);
}

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const buildScript = join(repoRoot, 'scripts', 'tools', 'build-nats-server.sh');
let built: string | undefined;

/**
 * NATS_SERVER_BIN when set; otherwise the server built by scripts/tools/build-nats-server.sh, which is
 * run (idempotent, cached) when its binary is not there yet. No fallback to an old server on PATH: the
 * durability guarantees under test depend on a current one.
 */
export function findNatsServer(): string {
  const configured = process.env.NATS_SERVER_BIN;
  if (configured) {
    if (isExecutable(configured)) return configured;
    throw new Error(`NATS_SERVER_BIN=${configured} is not an executable file`);
  }
  if (built) return built;
  const toolsDir = process.env.OUTPUTSTRAAT_TOOLS_DIR ?? join(repoRoot, '.cache', 'tools');
  const binary = join(toolsDir, 'bin', 'nats-server');
  const stampOk = existsSync(join(toolsDir, 'bin', '.nats-server.stamp'));
  if (!isExecutable(binary) || !stampOk) {
    const run = spawnSync('bash', [buildScript], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    if (run.status !== 0 || !isExecutable(binary)) {
      const why = (run.stderr || run.error?.message || '').trim().split('\n').at(-1);
      throw new Error(`cannot build nats-server with scripts/tools/build-nats-server.sh: ${why}`);
    }
  }
  built = binary;
  return binary;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export { freePort };

async function launch(
  binary: string,
  args: string[],
  port: number,
  timeoutMs: number,
): Promise<ChildProcess> {
  const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  running.add(child);
  let output = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    output = (output + chunk).slice(-4_000);
  });
  const exited = new Promise<never>((_, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      running.delete(child);
      reject(new Error(`nats-server exited (${signal ?? code}) before accepting connections:\n${output}`));
    });
  });
  exited.catch(() => {}); // an exit after start is expected (stop, restart)
  try {
    await Promise.race([waitForInfo(port, timeoutMs), exited]);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return child;
}

/** Resolves once the server greets a client with its INFO line, i.e. it is ready for clients. */
async function waitForInfo(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await greets(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nats-server did not accept connections on ${HOST}:${port} within ${timeoutMs} ms`);
}

function greets(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: HOST, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('data', (data) => done(data.toString('utf8').startsWith('INFO')));
  });
}

async function terminate(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
  running.delete(child);
}
