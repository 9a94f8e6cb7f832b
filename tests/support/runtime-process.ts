// A runtime in its own OS process (`node --import tsx runtime/main.ts`), configured through the
// environment like a pod, so a test can kill it with SIGKILL in the middle of its work or stop it with
// SIGTERM and watch it drain. Its JSON log goes to a file that a failing test can show.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './free-port.js';
import { TEST_LINK_SECRET } from './street.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const logDir = mkdtempSync(join(tmpdir(), 'ost-runtime-logs-'));
const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

export interface RuntimeProcessOptions {
  name: string;
  databaseUrl: string;
  natsUrl: string;
  smtp: { host?: string; port: number };
  /** More environment (OST_WORKERS, OST_CLAIM_LEASE_MS, …). */
  env?: Record<string, string>;
  /** Extra node flags, e.g. ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] to profile a run. */
  nodeArgs?: string[];
  startTimeoutMs?: number;
}

export interface RuntimeProcess {
  name: string;
  url: string;
  /** The internal port: /metrics, /openapi.json, /healthz, /readyz. */
  metricsUrl: string;
  pid: number;
  logFile: string;
  /** SIGKILL: no shutdown code runs, like a node losing power. */
  kill(): Promise<void>;
  /** SIGTERM and wait for the exit code (graceful shutdown drains in-flight work). */
  stop(timeoutMs?: number): Promise<number | null>;
  exited: Promise<number | null>;
  log(): string;
}

/** Spawns `runtime/main.ts` with the environment of a pod; its output goes to a log file. */
async function launch(options: RuntimeProcessOptions) {
  const port = await freePort();
  const metricsPort = await freePort();
  const logFile = join(logDir, `${options.name}-${Date.now()}.log`);
  const out = createWriteStream(logFile);
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', 'runtime/main.ts'], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      DATABASE_URL: options.databaseUrl,
      NATS_URL: options.natsUrl,
      HOST: '127.0.0.1',
      PORT: String(port),
      POD_NAME: options.name,
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      METRICS_HOST: '127.0.0.1',
      METRICS_PORT: String(metricsPort),
      OST_SMTP_REDIRECT: `${options.smtp.host ?? '127.0.0.1'}:${options.smtp.port}`,
      OST_SCHEDULER_INTERVAL_MS: '50',
      OST_CLAIM_LEASE_MS: '15000',
      OST_DISPATCH_LEASE_MS: '60000',
      OST_METRICS_SAMPLE_MS: '1000',
      OST_LINK_SECRET: TEST_LINK_SECRET,
      LOG_LEVEL: process.env.TEST_RUNTIME_LOG_LEVEL ?? 'warn',
      ...options.env,
    },
  });
  children.add(child);
  child.stdout?.pipe(out, { end: false });
  child.stderr?.pipe(out, { end: false });
  const exited = new Promise<number | null>((ok) =>
    child.once('exit', (code) => {
      children.delete(child);
      ok(code);
    }),
  );
  const log = () => readFileSync(logFile, 'utf8');
  // Everything it printed, complete once its output streams closed (the file may lag behind).
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  const closed = new Promise<string>((ok) => child.once('close', () => ok(output)));
  return { child, exited, closed, log, logFile, port, metricsPort };
}

/**
 * Starts a runtime that must refuse to start (a bad setting, NATS refusing its login): resolves with its
 * exit code and its log once it exits; fails if it becomes ready or is still running after the timeout.
 */
export async function runtimeRefusal(
  options: RuntimeProcessOptions,
): Promise<{ code: number | null; log: string }> {
  const { child, exited, closed, log, port } = await launch(options);
  const timeoutMs = options.startTimeoutMs ?? 60_000;
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  let ready = false;
  const probe = setInterval(() => {
    fetch(`http://127.0.0.1:${port}/readyz`).then(
      (res) => {
        if (res.status === 200) {
          ready = true;
          child.kill('SIGKILL');
        }
      },
      () => undefined,
    );
  }, 250);
  const code = await exited;
  clearTimeout(timer);
  clearInterval(probe);
  if (ready) throw new Error(`runtime ${options.name} started although it should have refused:\n${log()}`);
  return { code, log: await closed };
}

export async function startRuntimeProcess(options: RuntimeProcessOptions): Promise<RuntimeProcess> {
  const { child, exited, log, logFile, port, metricsPort } = await launch(options);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  let exitCode: number | null | undefined;
  void exited.then((code) => {
    exitCode = code;
  });
  for (;;) {
    if (exitCode !== undefined)
      throw new Error(`runtime ${options.name} exited (${exitCode}) while starting:\n${log()}`);
    const ready = await fetch(`${url}/readyz`).then(
      (res) => res.status === 200,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`runtime ${options.name} was not ready within the start timeout:\n${log()}`);
    }
    await new Promise((ok) => setTimeout(ok, 100));
  }
  return {
    name: options.name,
    url,
    metricsUrl: `http://127.0.0.1:${metricsPort}`,
    pid: child.pid!,
    logFile,
    exited,
    log,
    async kill() {
      if (exitCode === undefined) child.kill('SIGKILL');
      await exited;
    },
    async stop(timeoutMs = 30_000) {
      if (exitCode !== undefined) return exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
