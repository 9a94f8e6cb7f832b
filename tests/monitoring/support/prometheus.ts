// A real Prometheus (Debian's `prometheus` package) for the monitoring suite: its own config, data dir
// and loopback port, scraping targets listed in a file_sd file that the test can extend while it runs.
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { freePort, waitFor } from '../../k8s/support/wait.js';

export interface PromSeries {
  metric: Record<string, string>;
  values?: [number, string][];
  value?: [number, string];
}

export interface Prometheus {
  url: string;
  /** Replaces the scrape targets (host:port, scraped at /metrics every second). */
  setTargets(targets: { job: string; address: string }[]): void;
  query(expr: string): Promise<PromSeries[]>;
  queryRange(expr: string, start: number, end: number, stepSeconds?: number): Promise<PromSeries[]>;
  api<T>(path: string): Promise<T>;
  stop(): Promise<void>;
}

export function findPrometheus(name: 'prometheus' | 'promtool' = 'prometheus'): string {
  const configured = process.env[name === 'prometheus' ? 'PROMETHEUS_BIN' : 'PROMTOOL_BIN'];
  const candidates = configured
    ? [configured]
    : [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/local/bin'].map((d) => join(d, name));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      // next
    }
  }
  throw new Error(
    `${name} not found: apt-get install prometheus (Debian's package has prometheus and promtool), or set ${name === 'prometheus' ? 'PROMETHEUS_BIN' : 'PROMTOOL_BIN'}`,
  );
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const p of running) p.kill('SIGKILL');
});

export async function startPrometheus(options: { ruleFiles?: string[] } = {}): Promise<Prometheus> {
  const binary = findPrometheus();
  const dir = mkdtempSync(join(tmpdir(), 'ost-prometheus-'));
  const port = await freePort();
  const targetsFile = join(dir, 'targets.json');
  writeFileSync(targetsFile, '[]');
  writeFileSync(
    join(dir, 'prometheus.yml'),
    JSON.stringify({
      global: { scrape_interval: '1s', scrape_timeout: '900ms', evaluation_interval: '1s' },
      rule_files: options.ruleFiles ?? [],
      scrape_configs: [
        { job_name: 'outputstraat', file_sd_configs: [{ files: [targetsFile], refresh_interval: '1s' }] },
      ],
    }),
  );
  const child = spawn(
    binary,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=1h',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  running.add(child);
  let log = '';
  child.stderr?.on('data', (c: Buffer) => {
    log = (log + c.toString()).slice(-4_000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const api = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${url}/api/v1/${path}`);
    const body = (await res.json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success') throw new Error(`Prometheus ${path}: ${body.error}`);
    return body.data;
  };
  await waitFor(
    'Prometheus to be ready',
    async () => {
      if (child.exitCode !== null) throw new Error(`prometheus exited: ${log}`);
      return (await fetch(`${url}/-/ready`)).ok;
    },
    30_000,
    100,
  );
  return {
    url,
    api,
    setTargets(targets) {
      const byJob = new Map<string, string[]>();
      for (const t of targets) byJob.set(t.job, [...(byJob.get(t.job) ?? []), t.address]);
      writeFileSync(
        targetsFile,
        JSON.stringify(
          [...byJob].map(([job, addresses]) => ({ targets: addresses, labels: { component: job } })),
        ),
      );
    },
    query: async (expr) =>
      (await api<{ result: PromSeries[] }>(`query?query=${encodeURIComponent(expr)}`)).result,
    queryRange: async (expr, start, end, step = 1) =>
      (
        await api<{ result: PromSeries[] }>(
          `query_range?query=${encodeURIComponent(expr)}&start=${start}&end=${end}&step=${step}`,
        )
      ).result,
    async stop() {
      child.kill('SIGTERM');
      await exited;
      running.delete(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
