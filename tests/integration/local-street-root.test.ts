// The local street as a newcomer starts it: the built street (`npm start` runs dist/scripts/start-street.js)
// from a checkout inside a private folder (mode 0700, like /root or a `mktemp -d` folder), as the user
// running the suite — root on CI machines, where the embedded PostgreSQL must run as the `postgres` user.
// The README's receivable is posted and its mail must reach the outbox; the terminal shows human lines
// only: no JSON log lines, no warnings.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../platform/package-root.js';
import { freePort } from '../support/nats-server.js';

const root = packageRoot();
const privateDir = mkdtempSync(join(tmpdir(), 'ost-private-'));
const checkout = join(privateDir, 'outputstraat');
const shared = join('/var/tmp', `ost-street-test-${process.pid}`);
let street: ChildProcess | undefined;
let stdout = '';
let stderr = '';
let port = 0;

async function until<T>(what: string, timeoutMs: number, probe: () => T | undefined): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > end)
      throw new Error(`${what} within ${timeoutMs} ms; street said:\n${stdout}\n${stderr}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  if (!existsSync(join(root, 'dist', 'scripts', 'start-street.js'))) {
    throw new Error('dist/ is missing: run `npm run build` (npm ci does it) before this suite');
  }
  // A checkout in the private folder: the files as hard links (fast, same bytes), without git, the
  // tools cache (linked back, as a checkout that ran the tools once has it) or an earlier street's state.
  execFileSync('cp', ['-al', root, checkout]);
  for (const name of ['.git', '.cache', '.street'])
    rmSync(join(checkout, name), { recursive: true, force: true });
  symlinkSync(join(root, '.cache'), join(checkout, '.cache'));
  port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    METRICS_PORT: String(await freePort()),
    STREET_POSTGRES_PORT: String(await freePort()),
    STREET_NATS_PORT: String(await freePort()),
    STREET_SHARED_DIR: shared,
  };
  for (const name of ['DATABASE_URL', 'NATS_URL', 'LOG_LEVEL', 'OST_TRACKING_SECRET']) delete env[name];
  street = spawn(process.execPath, ['dist/scripts/start-street.js'], { cwd: checkout, env });
  street.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  street.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  await until('the street said ready', 150_000, () => (stdout.includes('ready — try') ? true : undefined));
}, 180_000);

afterAll(async () => {
  if (street && street.exitCode === null) {
    const exited = new Promise((resolve) => street?.once('exit', resolve));
    street.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
    if (street.exitCode === null) street.kill('SIGKILL');
  }
  rmSync(privateDir, { recursive: true, force: true });
  rmSync(shared, { recursive: true, force: true });
}, 60_000);

describe('the local street from a private folder', () => {
  it('starts, takes the README receivable and delivers its mail to the outbox', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/v1/receivables`, {
      method: 'POST',
      headers: { authorization: 'Bearer demo-woonstad-noord-key', 'content-type': 'application/json' },
      body: readFileSync(join(checkout, 'examples/01-woonstad-noord/receivables/storno.json')),
    });
    expect(response.status).toBe(202);
    const outbox = join(checkout, '.street', 'outbox');
    const mails = await until('a mail in the outbox', 60_000, () => {
      const files = existsSync(outbox) ? readdirSync(outbox).filter((f) => f.endsWith('.eml')) : [];
      return files.length > 0 ? files : undefined;
    });
    expect(mails[0]).toMatch(/woonstad-noord/);
  });

  it('lets the tenant pay through the link in the mail at the local checkout, and the receivable is paid', async () => {
    const outbox = join(checkout, '.street', 'outbox');
    const eml = readdirSync(outbox).find((f) => f.endsWith('.eml'))!;
    const mail = await simpleParser(readFileSync(join(outbox, eml)));
    const token = /\/p\/([A-Za-z0-9_-]{20,})/.exec(`${mail.text ?? ''} ${mail.html || ''}`)?.[1];
    expect(token, 'a payment link in the mail').toBeDefined();
    const page = `http://127.0.0.1:${port}/c/woonstad-noord/p/${token}`;
    const start = await fetch(`${page}/pay`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
      redirect: 'manual',
    });
    expect(start.status).toBe(303);
    const checkoutUrl = start.headers.get('location')!;
    expect(checkoutUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/checkout\/lp_[0-9a-f]{16}$/);
    expect(await (await fetch(checkoutUrl)).text()).toContain('€ 620,79');
    const paid = await fetch(`${checkoutUrl}/pay`, { method: 'POST', redirect: 'manual' });
    expect(paid.status).toBe(303);
    expect(paid.headers.get('location')).toContain(`/p/${token}/return/`);
    const receivable = `http://127.0.0.1:${port}/v1/receivables/WN-2026-000123`;
    const auth = { authorization: 'Bearer demo-woonstad-noord-key' };
    let last = '';
    for (const end = Date.now() + 30_000; Date.now() < end; await new Promise((r) => setTimeout(r, 300))) {
      last = ((await (await fetch(receivable, { headers: auth })).json()) as { status: string }).status;
      if (last === 'paid') break;
    }
    expect(last).toBe('paid');
  });

  it('prints human lines only: no JSON log lines, no warnings, nothing on stderr', () => {
    const lines = stdout.split('\n').filter((l) => l.trim() !== '');
    expect(lines.length).toBeGreaterThan(5);
    expect(lines.filter((l) => l.trimStart().startsWith('{'))).toEqual([]);
    expect(lines.filter((l) => /warn|deprecat|error/i.test(l))).toEqual([]);
    expect(stderr).toBe('');
    expect(stdout).toContain(`logs    ${join(checkout, '.street', 'street.log')}`);
  });
});
