// `outputstraat receivables push` against a running street (runtime in its own process, real NATS
// JetStream and PostgreSQL): a 100,000-line file with 200 bad lines shows progress, stores 99,800
// receivables, writes the 200 errors with their line numbers, and after the CLI process is killed
// mid-push, `--resume` finishes it without a duplicate. Also: the 401 of another key, and events tail.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushFiles } from '../../operator/cli/receivables-push-command.js';
import {
  type DurabilityStreet,
  FIXTURE_KEY,
  fixtureReceivable,
  startDurabilityStreet,
  until,
} from '../support/durability-street.js';

const LINES = 100_000;
const BAD_EVERY = 500;

interface Run {
  child: ChildProcess;
  done: Promise<{ code: number | null; out: string; err: string }>;
}

/** The CLI as an operator runs it: its own process, stdout and stderr pipes (not a TTY). */
function outputstraat(cwd: string, env: Record<string, string>, ...args: string[]): Run {
  const child = spawn(
    process.execPath,
    ['--import', import.meta.resolve('tsx'), join(process.cwd(), 'operator/cli/main.ts'), ...args],
    {
      cwd,
      env: { ...process.env, OUTPUTSTRAAT_CONFIG: join(cwd, 'no-config.yaml'), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<{ code: number | null; out: string; err: string }>((resolve) =>
    child.on('exit', (code) => resolve({ code, out, err })),
  );
  return { child, done };
}

describe('outputstraat receivables push', () => {
  let street: DurabilityStreet;
  let url: string;
  let dir: string;
  beforeAll(async () => {
    street = await startDurabilityStreet();
    // A line budget that makes the 100,000 lines take some seconds, so the CLI can be killed mid-push.
    const runtime = await street.startRuntime('push', { OST_RATE_LIMIT_LINES_PER_SECOND: '8000' });
    url = runtime.url;
    dir = mkdtempSync(join(tmpdir(), 'ost-cli-push-'));
  }, 120_000);
  afterAll(async () => {
    await street?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a refused key is said so; events tail prints the feed and keeps its cursor', async () => {
    const refused = await outputstraat(
      dir,
      { OUTPUTSTRAAT_SERVER: url, OUTPUTSTRAAT_API_KEY: 'not-our-key' },
      'events',
      'tail',
    ).done;
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/^error OST_ERR_UNAUTHORIZED the API key is refused: /);

    const env = { OUTPUTSTRAAT_SERVER: url, OUTPUTSTRAAT_API_KEY: FIXTURE_KEY };
    // Three receivables of the big file's first lines (the same externalIds: stored once over both tests).
    const small = join(dir, 'three.ndjson');
    writeFileSync(
      small,
      [1, 2, 3].map((n) => JSON.stringify(fixtureReceivable(n, { source: 'test' }))).join('\n'),
    );
    const pushed = await outputstraat(dir, env, 'receivables', 'push', 'three.ndjson').done;
    expect(pushed.code).toBe(0);
    expect(pushed.out).toBe('pushed 3 lines of three.ndjson: accepted 3, duplicates 0, errors 0\n');
    await until(
      async () => (await street.sql.query('SELECT count(*)::int AS n FROM receivables')).rows[0].n === 3,
      60_000,
      'three receivables stored',
    );
    const first = await outputstraat(dir, env, 'events', 'tail', '--limit', '1000', '-o', 'json').done;
    expect(first.code).toBe(0);
    const events = first.out
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { cursor: string });
    expect(events.length).toBeGreaterThan(0);
    expect(readFileSync(join(dir, 'events.cursor'), 'utf8').trim()).toBe(events.at(-1)!.cursor);
    // The next run starts after the cursor: nothing new, nothing printed twice.
    const again = await outputstraat(dir, env, 'events', 'tail', '-o', 'json').done;
    expect(again.code).toBe(0);
    expect(again.out.trim()).toBe('');

    // debtor show: the whole picture of GET /v1/debtors/{id}.
    const shown = await outputstraat(dir, env, 'debtor', 'show', 'D-1', '-o', 'json').done;
    expect(shown.code).toBe(0);
    expect(shown.err).toBe('');
    expect(JSON.parse(shown.out)).toMatchObject({
      debtorId: 'D-1',
      optOuts: [],
      messages: expect.any(Array),
    });
    const nobody = await outputstraat(dir, env, 'debtor', 'show', 'D-NOBODY').done;
    expect(nobody.code).toBe(1);
    expect(nobody.err).toMatch(/^error OST_ERR_NOT_FOUND debtor D-NOBODY not found/m);

    const version = await outputstraat(dir, env, 'version', '-o', 'json').done;
    expect(JSON.parse(version.out)).toMatchObject({
      server: url,
      serverVersion: expect.stringMatching(/^\d+\.\d+\.\d+/),
    });
  }, 120_000);
  it(`${LINES} lines with ${LINES / BAD_EVERY} bad: progress, ${LINES - LINES / BAD_EVERY} stored, errors by line, killed and resumed without duplicates`, async () => {
    const bad = new Map<number, string>();
    const lines: string[] = [];
    for (let line = 1; line <= LINES; line++) {
      if (line % BAD_EVERY === 0) {
        if (line % (2 * BAD_EVERY) === 0) {
          bad.set(line, 'not valid JSON');
          lines.push('{"externalId": "broken",');
        } else {
          bad.set(line, 'amount');
          lines.push(JSON.stringify({ ...fixtureReceivable(line, { source: 'test' }), amount: 'veel' }));
        }
      } else lines.push(JSON.stringify(fixtureReceivable(line, { source: 'test' })));
    }
    const good = LINES - bad.size;
    const file = join(dir, 'receivables.ndjson');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const state = pushFiles(file).state;
    const env = { OUTPUTSTRAAT_SERVER: url, OUTPUTSTRAAT_API_KEY: FIXTURE_KEY };

    const first = outputstraat(dir, env, 'receivables', 'push', 'receivables.ndjson', '--chunk-lines', '500');
    await until(
      async () => existsSync(state) && JSON.parse(readFileSync(state, 'utf8')).nextLine > 20_000,
      120_000,
      'the push past line 20,000',
    );
    first.child.kill('SIGKILL');
    const killed = await first.done;
    expect(killed.code).toBeNull();
    // Plain progress lines on a pipe (a bar only on a terminal).
    expect(killed.err).toMatch(/^progress \d+% line \d+ {2}accepted \d+ {2}duplicates \d+ {2}errors \d+$/m);
    const stoppedAt = JSON.parse(readFileSync(state, 'utf8')) as { nextLine: number };
    expect(stoppedAt.nextLine).toBeLessThan(LINES);

    const resumed = outputstraat(
      dir,
      env,
      'receivables',
      'push',
      'receivables.ndjson',
      '--resume',
      '-o',
      'json',
    );
    const result = await resumed.done;
    expect(result.err).toContain(`resuming receivables.ndjson at line ${stoppedAt.nextLine}`);
    expect(result.code).toBe(1); // some lines were rejected
    const summary = JSON.parse(result.out) as Record<string, unknown>;
    expect(summary).toMatchObject({
      lines: LINES,
      errors: bad.size,
      errorsFile: 'receivables.ndjson.errors.ndjson',
    });
    // A chunk in flight when the CLI was killed is sent again: the ingress knows it (a duplicate) or
    // stores it once by externalId.
    expect((summary.accepted as number) + (summary.duplicates as number)).toBeGreaterThanOrEqual(good);
    expect(summary.accepted as number).toBeLessThanOrEqual(good);
    expect(existsSync(state)).toBe(false);

    const errors = readFileSync(join(dir, 'receivables.ndjson.errors.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { line: number; message: string });
    expect(errors.map((e) => e.line)).toEqual([...bad.keys()]);
    for (const e of errors) expect(e.message).toContain(bad.get(e.line));

    await until(
      async () => (await street.sql.query('SELECT count(*)::int AS n FROM receivables')).rows[0].n >= good,
      300_000,
      `${good} receivables stored`,
    );
    const counts = await street.sql.query(
      `SELECT count(*)::int AS receivables, count(DISTINCT external_id)::int AS distinct_ids FROM receivables`,
    );
    expect(counts.rows[0]).toEqual({ receivables: good, distinct_ids: good });
  }, 600_000);
});
