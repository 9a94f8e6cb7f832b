// `npm run bench` end to end with a handful of receivables and mails: every phase runs on its own servers
// (floors, peers, ours, pending timers) and the last line of stdout is the one JSON line a later run is
// compared with. It measures nothing — rates from so few items mean nothing — it checks the bench still
// finishes, so a change to the runtime's settings cannot leave a phase waiting for work it will never see
// (the timers phase once waited its 10 minutes for sends OST_DISPATCH_MAX_WAITING held back).
import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { FiguresLine } from '../../bench/figures-json.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BENCH_TIMEOUT_MS = 240_000;

function runBench(
  args: string[],
  script = 'bench/run.ts',
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Only what a user's shell would pass: no OST_* of the test run reaches the bench's runtimes.
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-8_000);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), BENCH_TIMEOUT_MS - 10_000);
    child.once('error', fail);
    child.once('exit', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

const positive = (x: unknown) => typeof x === 'number' && Number.isFinite(x) && x > 0;

describe('npm run bench, end to end with a few items', () => {
  it(
    'runs every phase and ends with one JSON line holding every figure, with where the CPU went',
    async () => {
      const run = await runBench(['--receivables', '400', '--mails', '60', '--timers', '2000']);
      expect(run.code, run.stderr).toBe(0);
      const last = run.stdout.trim().split('\n').at(-1)!;
      const line = JSON.parse(last) as FiguresLine;
      const { floors, peers, ours, timers, ratios } = line;
      for (const r of [...Object.values(floors), ...Object.values(peers), ...Object.values(ours)])
        expect(positive(r.perSecond)).toBe(true);
      expect(Object.keys(peers).sort()).toEqual(['graphileWorker', 'pgBoss', 'skipLocked']);
      // The CPU of the dispatch phase: our pod and Postgres did work for it, the machine's idle share is a fraction.
      expect(positive(ours.dispatch.cpu?.pods)).toBe(true);
      expect(positive(ours.dispatch.cpu?.postgres)).toBe(true);
      expect(ours.dispatch.cpu!.idle).toBeGreaterThanOrEqual(0);
      expect(ours.dispatch.cpu!.idle).toBeLessThanOrEqual(1);
      expect(positive(peers.pgBoss!.cpu?.peer)).toBe(true);
      expect(timers).toMatchObject({ pending: 2000, slice: 200 });
      expect(positive(timers!.claimWithPending.perSecond)).toBe(true);
      expect(positive(ratios.dispatchToFastestPeer)).toBe(true);
      // The pipeline against the higher of the run's two Postgres floors, and against each of them.
      expect(positive(floors.pgBeforePipeline.perSecond)).toBe(true);
      const higher = Math.max(floors.pg.perSecond, floors.pgBeforePipeline.perSecond);
      expect(ratios.pipelineOfPostgres).toBeCloseTo(ours.pipeline.perSecond / higher, 9);
      expect(ratios.pipelineOfPostgres).toBe(
        Math.min(ratios.pipelineOfPostgresAtStart, ratios.pipelineOfPostgresBeforePipeline),
      );
      expect(run.stdout).toContain('Postgres floor right before the pipeline');
      expect(run.stdout).toContain('of the higher Postgres floor of the run');
      expect(run.stdout).toContain('CPU ms a mail:');
    },
    BENCH_TIMEOUT_MS,
  );

  it(
    'bench/intake-wal.ts counts the WAL a receivable writes, by record type and by table and index',
    async () => {
      const refused = await runBench(['--receivables', 'many'], 'bench/intake-wal.ts');
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('--receivables many: give a whole number');
      const run = await runBench(['--receivables', '500'], 'bench/intake-wal.ts');
      expect(run.code, run.stderr).toBe(0);
      const bytes = Number(/500 receivables: (\d+) WAL bytes a receivable/.exec(run.stdout)?.[1]);
      expect(bytes).toBeGreaterThan(1_000);
      // Every receivable writes its row and its primary key's entry, and a case with its own.
      for (const relation of ['receivables', 'receivables_pkey', 'cases', 'cases_pkey', 'events_pkey']) {
        const records = Number(new RegExp(`\\n  ${relation} +([\\d.]+) `).exec(run.stdout)?.[1]);
        expect(records, `${relation} in:\n${run.stdout}`).toBeGreaterThan(0);
      }
    },
    BENCH_TIMEOUT_MS,
  );

  it('refuses more mails than receivables, saying what to change', async () => {
    const run = await runBench(['--receivables', '10', '--mails', '20']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('raise --receivables or lower --mails');
  });

  it('refuses a count that is not a whole number before it starts anything, naming the option', async () => {
    const run = await runBench(['--receivables', '5k']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--receivables 5k: give a whole number, at least 1');
    expect(run.stderr).not.toContain('starting nats-server');
  });
});
