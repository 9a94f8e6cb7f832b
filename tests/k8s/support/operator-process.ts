// The operator as users run it: operator/main.ts in its own process (through tsx), configured by the
// environment and flags, observed through its /metrics and its JSON log.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './kubectl.js';
import { freePort, waitFor } from './wait.js';

export interface OperatorProcess {
  identity: string;
  metricsUrl: string;
  pid: number;
  /** The process's log lines so far (pino JSON). */
  logs(): string[];
  /** The value of one sample of /metrics (summed over series that match all given labels). */
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  exited(): boolean;
  /** SIGTERM and wait (graceful: releases the lease). */
  stop(): Promise<void>;
  /** SIGKILL: a crash, nothing released. */
  kill(): Promise<void>;
}

const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

export interface OperatorOptions {
  kubeconfig: string;
  natsUrl: string;
  identity: string;
  args?: string[];
  leaseNamespace?: string;
  /** More environment, e.g. NATS_USER and NATS_PASSWORD. */
  env?: Record<string, string>;
}

function spawnOperator(options: OperatorOptions, port: number): ChildProcess {
  return spawn(
    process.execPath,
    ['--import', 'tsx', join(repoRoot, 'operator', 'main.ts'), ...(options.args ?? [])],
    {
      cwd: repoRoot,
      env: {
        ...process.env,
        KUBECONFIG: options.kubeconfig,
        NATS_URL: options.natsUrl,
        POD_NAME: options.identity,
        METRICS_PORT: String(port),
        LEADER_ELECTION_NAMESPACE: options.leaseNamespace ?? 'default',
        LOG_LEVEL: process.env.OPERATOR_LOG_LEVEL ?? 'info',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
}

/**
 * Runs an operator that must refuse to start (NATS refusing its login, a bad setting): its exit code and
 * everything it printed, once it exited; fails if it still runs after `timeoutMs`.
 */
export async function operatorRefusal(
  options: OperatorOptions,
  timeoutMs = 30_000,
): Promise<{ code: number | null; output: string }> {
  const child = spawnOperator(options, await freePort());
  children.add(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)));
  clearTimeout(timer);
  children.delete(child);
  if (timedOut)
    throw new Error(`operator ${options.identity} kept running; it should have refused:\n${output}`);
  return { code, output };
}

export async function startOperator(options: OperatorOptions): Promise<OperatorProcess> {
  const port = await freePort();
  const child = spawnOperator(options, port);
  children.add(child);
  const lines: string[] = [];
  let partial = '';
  const collect = (chunk: Buffer) => {
    partial += chunk.toString('utf8');
    const parts = partial.split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts.filter(Boolean));
    if (lines.length > 20_000) lines.splice(0, lines.length - 20_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      children.delete(child);
      resolve();
    }),
  );
  const metricsUrl = `http://127.0.0.1:${port}/metrics`;
  const op: OperatorProcess = {
    identity: options.identity,
    metricsUrl,
    pid: child.pid ?? -1,
    logs: () => [...lines],
    exited: () => exited,
    async metric(name, labels = {}) {
      const text = await (await fetch(metricsUrl)).text();
      let sum = 0;
      for (const line of text.split('\n')) {
        const m = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)$/.exec(line);
        if (!m || m[1] !== name) continue;
        const set = Object.fromEntries(
          [...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]),
        );
        if (Object.entries(labels).every(([k, v]) => set[k] === v)) sum += Number(m[3]);
      }
      return sum;
    },
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      await exit;
    },
    async kill() {
      if (exited) return;
      child.kill('SIGKILL');
      await exit;
    },
  };
  try {
    await waitFor(
      `operator ${options.identity} to serve /healthz`,
      async () => {
        if (exited) throw new Error(`the operator exited:\n${lines.slice(-20).join('\n')}`);
        return (await fetch(`http://127.0.0.1:${port}/healthz`)).ok;
      },
      30_000,
      100,
    );
  } catch (err) {
    await op.kill();
    throw err;
  }
  return op;
}
