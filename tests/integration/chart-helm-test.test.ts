// The chart's `helm test` script (charts/outputstraat/files/tests/smoke.mjs) run by node against a
// real street with the chart's default tests.receivable: it posts, sees message.sent on the feed and
// exits 0 once the mail is out; a wrong key or a message that never comes ends it with exit 1 and the
// reason, within its timeout.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEMO_KEY, startStreet, type TestStreet } from '../support/street.js';

const chart = join(import.meta.dirname, '..', '..', 'charts', 'outputstraat');
const script = join(chart, 'files', 'tests', 'smoke.mjs');
const values = parse(readFileSync(join(chart, 'values.yaml'), 'utf8')) as {
  tests: { receivable: Record<string, unknown> & { debtor: Record<string, unknown> } };
};

let street: TestStreet;
let dir: string;

beforeAll(async () => {
  street = await startStreet();
  await street.startRuntime();
  dir = mkdtempSync(join(tmpdir(), 'ost-helm-test-'));
}, 60_000);

afterAll(async () => {
  await street?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const smoke = (env: Record<string, string>, receivable: unknown = values.tests.receivable) => {
  const file = join(dir, `receivable-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(receivable));
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [script],
      {
        env: {
          PATH: process.env.PATH ?? '',
          OST_URL: street.runtimes[0]!.url,
          OST_API_KEY: DEMO_KEY,
          OST_TIMEOUT_SECONDS: '60',
          OST_RECEIVABLE_FILE: file,
          ...env,
        },
        timeout: 90_000,
      },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
};

describe('the chart’s helm test script', () => {
  it('posts the default receivable and passes once its message.sent is on the feed', async () => {
    const before = street.smtp.messages.length;
    const run = await smoke({});
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^posted HELM-TEST-[a-z0-9]+: accepted\n/);
    expect(run.stdout).toMatch(/message\.sent for HELM-TEST-[a-z0-9]+ \(/);
    const externalId = /posted (\S+):/.exec(run.stdout)![1]!;
    const events = (await (await street.get(`/v1/events?type=message.sent`)).json()) as {
      events: { externalId: string }[];
    };
    expect(events.events.filter((e) => e.externalId === externalId)).toHaveLength(1);
    const mails = await street.smtp.waitForMessages(before + 1, 10_000);
    expect(mails.length).toBeGreaterThan(before);
    // A second run uses a new externalId: no duplicate, its own message.
    const again = await smoke({});
    expect(again.code).toBe(0);
    expect(/posted (\S+):/.exec(again.stdout)![1]).not.toBe(externalId);
  }, 120_000);

  it('fails with the HTTP status when the key is another corporation’s or wrong', async () => {
    const run = await smoke({ OST_API_KEY: 'not-a-key' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^helm test failed: GET \/v1\/events\?type=message\.sent.*HTTP 401/);
  });

  it('gives up after its timeout when no message is sent, saying so', async () => {
    // A kind no flow handles: accepted, never sent.
    const unrouted = { ...values.tests.receivable, kind: 'no-such-kind' };
    const started = Date.now();
    const run = await smoke({ OST_TIMEOUT_SECONDS: '3' }, unrouted);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/no message\.sent for HELM-TEST-[a-z0-9]+ within 3s/);
    expect(Date.now() - started).toBeLessThan(20_000);
  }, 30_000);
});
