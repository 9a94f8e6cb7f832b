import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface NatsServerOptions {
  /** Extra command-line arguments for nats-server. */
  args?: readonly string[];
  /** Milliseconds to wait for the server to accept connections (default 10 s). */
  startTimeoutMs?: number;
}

export interface NatsServer {
  /** nats://127.0.0.1:<port> */
  url: string;
  port: number;
  /** Kills the server and removes its JetStream store. */
  stop(): Promise<void>;
  /** Stops and starts the server on the same port and store, so JetStream data survives. */
  restart(): Promise<void>;
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
  const args = ['-a', HOST, '-p', String(port), '-js', '-sd', storeDir, ...(options.args ?? [])];
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
    async stop() {
      if (stopped) return;
      stopped = true;
      await terminate(child);
      removeStore(storeDir);
    },
    async restart() {
      if (stopped) throw new Error('nats-server was stopped; start a new one');
      await terminate(child);
      child = await launch(binary, args, port, timeoutMs);
    },
  };
}

function removeStore(dir: string) {
  rmSync(dir, { recursive: true, force: true });
  storeDirs.delete(dir);
}

function findNatsServer(): string {
  const configured = process.env.NATS_SERVER_BIN;
  if (configured) {
    if (isExecutable(configured)) return configured;
    throw new Error(`NATS_SERVER_BIN=${configured} is not an executable file`);
  }
  const dirs = [
    ...(process.env.PATH ?? '').split(delimiter),
    '/usr/sbin',
    '/usr/local/sbin',
    '/usr/local/bin',
  ];
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = join(dir, 'nats-server');
    if (isExecutable(candidate)) return candidate;
  }
  throw new Error(
    'nats-server not found on PATH or in /usr/sbin: install it (apt-get install nats-server, or a release ' +
      'from https://github.com/nats-io/nats-server/releases) or set NATS_SERVER_BIN to its path',
  );
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('could not reserve a loopback port');
  return address.port;
}

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

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
  running.delete(child);
}
