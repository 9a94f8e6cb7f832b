// docs/tutorial.md followed as a newcomer would: its street command (the `sh` block with `npm start`)
// and every `sh` block marked `# step <name>` run, in the doc's order, in a fresh copy of the checkout
// (the local-street-root suite's approach: hard links, no git, no earlier .street). The only change
// made to the doc's commands is the runtime's port (a free one instead of 8080). Each step must exit 0
// and print what the doc promises; a step that waits on the street (the mail) is tried again for up to
// a minute. When a command of the tutorial stops working, this suite fails.
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../platform/package-root.js';
import { freePort } from '../support/nats-server.js';

const root = packageRoot();
const doc = readFileSync(join(root, 'docs', 'tutorial.md'), 'utf8');
// Each `sh` block with the `text` block right after it (the output the doc promises), if any.
const blocks = [...doc.matchAll(/```sh\n([\s\S]*?)```(?:\s*```text\n([\s\S]*?)```)?/g)].map((m) => ({
  body: m[1] ?? '',
  promised: m[2] ?? '',
}));
const steps = blocks.flatMap(({ body, promised }) => {
  const name = /^# step (\S+)\n/.exec(body)?.[1];
  return name ? [{ name, body, promised }] : [];
});
const streetBlock = blocks.find((b) => b.body.includes('npm start'));
const streetCommand = streetBlock?.body;

const privateDir = mkdtempSync(join(tmpdir(), 'ost-tutorial-'));
const checkout = join(privateDir, 'outputstraat');
const shared = join('/var/tmp', `ost-tutorial-test-${process.pid}`);
let street: ChildProcess | undefined;
let streetOut = '';
let port = 0;

function onPort(text: string): string {
  return text.replaceAll('127.0.0.1:8080', `127.0.0.1:${port}`);
}

// A step's block, after the `export` lines of the blocks before it (as in one terminal session).
function run(index: number): { status: number | null; out: string } {
  const exports = steps
    .slice(0, index)
    .flatMap((s) => s.body.split('\n').filter((l) => l.startsWith('export ')))
    .join('\n');
  const script = `set -e\n${exports}\n${steps[index]?.body ?? ''}`;
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['OUTPUTSTRAAT_SERVER', 'OUTPUTSTRAAT_API_KEY', 'OUTPUTSTRAAT_CONTEXT'])
    delete env[name];
  env.OUTPUTSTRAAT_CONFIG = join(privateDir, 'no-config.yaml');
  const result = spawnSync('bash', ['-c', onPort(script)], {
    cwd: checkout,
    env,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: result.status, out: `${result.stdout}${result.stderr}` };
}

// Every piece of a promised line between the `…` elisions must be in the output.
function missing(promised: string, out: string): string[] {
  return onPort(promised)
    .split('\n')
    .flatMap((line) => line.split('…'))
    .map((piece) => piece.trim())
    .filter((piece) => piece !== '' && !out.includes(piece));
}

async function stepUntil(name: string, check: (out: string) => boolean, timeoutMs = 0) {
  const index = steps.findIndex((s) => s.name === name);
  expect(index, `docs/tutorial.md has a step '${name}'`).toBeGreaterThanOrEqual(0);
  const end = Date.now() + timeoutMs;
  for (;;) {
    const { status, out } = run(index);
    if (status === 0 && check(out) && missing(steps[index]?.promised ?? '', out).length === 0) return out;
    if (Date.now() > end)
      throw new Error(
        `step '${name}' exited ${status}, missing ${JSON.stringify(missing(steps[index]?.promised ?? '', out))}:\n${out}\nstreet said:\n${streetOut}`,
      );
    await new Promise((r) => setTimeout(r, 1000));
  }
}

beforeAll(async () => {
  if (!existsSync(join(root, 'dist', 'scripts', 'start-street.js'))) {
    throw new Error('dist/ is missing: run `npm run build` (npm ci does it) before this suite');
  }
  execFileSync('cp', ['-al', root, checkout]);
  for (const name of ['.git', '.cache', '.street', 'events.cursor'])
    rmSync(join(checkout, name), { recursive: true, force: true });
  symlinkSync(join(root, '.cache'), join(checkout, '.cache'));
}, 60_000);

afterAll(async () => {
  if (street?.pid && street.exitCode === null) {
    const exited = new Promise((resolve) => street?.once('exit', resolve));
    process.kill(-street.pid, 'SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
    if (street.exitCode === null) process.kill(-street.pid, 'SIGKILL');
  }
  rmSync(privateDir, { recursive: true, force: true });
  rmSync(shared, { recursive: true, force: true });
}, 60_000);

describe('docs/tutorial.md, followed command by command', () => {
  it('has its steps in the order of the story', () => {
    expect(steps.map((s) => s.name)).toEqual([
      'validate',
      'test',
      'simulate',
      'env',
      'push',
      'mail',
      'pay',
      'events',
      'debtors',
    ]);
    expect(streetCommand).toBe('STREET_PATHS=flows,examples,docs/tutorial npm start\n');
    for (const step of steps)
      expect(step.promised === '', `step '${step.name}' shows its output`).toBe(step.name === 'env');
  });

  it('checks the corporation offline: validate, test, simulate', async () => {
    await stepUntil('validate', (out) => /^ok {4}corporation zuiderhaven: \d+ flows/m.test(out));
    await stepUntil('test', (out) =>
      out.includes('✓ zuiderhaven storno email at once, paid after two days, no reminder'),
    );
    await stepUntil('test', (out) => out.trimEnd().endsWith('1 passed, 0 failed'));
    const sim = await stepUntil('simulate', (out) => out.includes('Case stopped: receivable paid'));
    expect(sim).toContain('"Zuiderhaven: uw huur is niet afgeschreven"');
    expect(sim).toContain("Step 'storno-reminder' scheduled for Tue 8 Dec 2026 10:00");
    expect(sim).toContain('Sent: 1 email. Alerts: none. Skipped: none.');
  }, 120_000);

  it('starts the street the doc starts, with the tutorial corporation', async () => {
    port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`,
      PORT: String(port),
      METRICS_PORT: String(await freePort()),
      STREET_POSTGRES_PORT: String(await freePort()),
      STREET_NATS_PORT: String(await freePort()),
      STREET_SHARED_DIR: shared,
    };
    for (const name of ['DATABASE_URL', 'NATS_URL', 'LOG_LEVEL', 'STREET_PATHS', 'STREET_DIR'])
      delete env[name];
    street = spawn('bash', ['-c', `${streetCommand ?? 'false'}`], {
      cwd: checkout,
      env,
      detached: true,
    });
    street.stdout?.on('data', (chunk: Buffer) => {
      streetOut += chunk.toString();
    });
    street.stderr?.on('data', (chunk: Buffer) => {
      streetOut += chunk.toString();
    });
    const end = Date.now() + 150_000;
    while (!streetOut.includes('ready — try')) {
      if (Date.now() > end || street.exitCode !== null)
        throw new Error(`the street did not start:\n${streetOut}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(streetOut).toMatch(/^config {2}zuiderhaven {2}revision \w+ {2}\(\d+ flows\)$/m);
    expect(missing(streetBlock?.promised ?? '', streetOut)).toEqual([]);
  }, 180_000);

  it('pushes the receivables and delivers both mails to the outbox', async () => {
    await stepUntil('push', (out) =>
      out.includes(
        'pushed 2 lines of docs/tutorial/receivables/december.ndjson: accepted 2, duplicates 0, errors 0',
      ),
    );
    const mails = await stepUntil(
      'mail',
      (out) =>
        out
          .trim()
          .split('\n')
          .filter((l) => l.endsWith('.eml')).length === 2,
      60_000,
    );
    for (const file of mails.trim().split('\n')) {
      const mail = readFileSync(join(checkout, file), 'utf8');
      expect(mail).toContain('From: Zuiderhaven Wonen <noreply@zuiderhaven.example>');
      // A token is base64url: it may start with '-', which \w does not match (one mail in 64).
      expect(mail).toMatch(/https:\/\/betalen\.zuiderhaven\.example\/p\/[A-Za-z0-9_-]{24}/);
    }
  }, 120_000);

  it('takes the payment, stops the paid case and closes its link; the other case goes on', async () => {
    const paid = await stepUntil('pay', (out) => out.includes('"status":"paid"'));
    expect(JSON.parse(paid)).toEqual({
      externalId: 'ZH-2026-0001',
      status: 'paid',
      balance: 0,
      duplicate: false,
    });
    const events = await stepUntil('events', (out) =>
      /case\.stopped {2}ZH-2026-0001 {2}\{"reason":"receivable paid"\}/.test(out),
    );
    expect(events).toMatch(/payment\.received {2}ZH-2026-0001 {2}\{"amount":71250,/);
    expect(events).toMatch(/link\.closed {2}ZH-2026-0001 {2}\{"reason":"receivable paid"\}/);
    expect(events).toMatch(/message\.sent {2}ZH-2026-0002 /);
    expect(events).not.toMatch(/case\.stopped {2}ZH-2026-0002/);
    expect(events).not.toMatch(/"stepId":"storno-reminder"/);

    const debtors = await stepUntil('debtors', (out) => out.includes('debtorId: ZH-D-1002'));
    const [jansen, deGroot] = debtors.split('debtorId: ZH-D-1002');
    expect(jansen).toMatch(/status: stopped\n\s+externalId: ZH-2026-0001\n/);
    expect(jansen).toContain('endReason: receivable paid');
    expect(jansen).toContain('nextStep: null');
    expect(deGroot).toMatch(/status: active\n\s+externalId: ZH-2026-0002\n/);
    expect(deGroot).toMatch(/nextStep:\n\s+stepId: storno-reminder\n/);
  }, 120_000);
});
