// The operator and runtime entry points as an operator starts them: --help prints the usage, an
// unknown flag is one line plus the usage with exit 2, never a stack trace, before any connection.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const start = (entry: string, ...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', entry, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    // Nothing to connect to: a process that got past its flags would fail differently.
    env: { ...process.env, NATS_URL: 'nats://127.0.0.1:1', DATABASE_URL: 'postgres://127.0.0.1:1/none' },
  });

describe.each([
  ['operator/main.ts', 'outputstraat-operator', '--leader-elect'],
  ['runtime/main.ts', 'outputstraat-runtime', 'DATABASE_URL'],
])('%s', (entry, name, mentioned) => {
  it('--help prints the usage and exits 0', () => {
    const run = start(entry, '--help');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^Usage: ${name} `));
    expect(run.stdout).toContain(mentioned);
    expect(run.stderr).toBe('');
  });

  it('an unknown flag: one line, the usage, exit 2, no stack trace', () => {
    const run = start(entry, '--no-such-flag');
    expect(run.status).toBe(2);
    const lines = run.stderr.split('\n');
    expect(lines[0]).toBe(`${name}: Unknown option '--no-such-flag'`);
    expect(lines[2]).toMatch(new RegExp(`^Usage: ${name} `));
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stdout).toBe('');
  });
});
