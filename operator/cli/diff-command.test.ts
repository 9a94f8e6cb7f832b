import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, writeStreet } from './test-kit.js';

function edit(dir: string, file: string, from: string, to: string): void {
  const path = join(dir, file);
  const text = readFileSync(path, 'utf8');
  if (!text.includes(from)) throw new Error(`${file} does not contain ${from}`);
  writeFileSync(path, text.replace(from, to));
}

// Compiling a whole street (CEL, templates) takes a few seconds on a busy machine.
describe('outputstraat diff', { timeout: 30_000 }, () => {
  it('shows per corporation which template changed, and how', async () => {
    const a = writeStreet();
    const b = writeStreet();
    edit(b, 'flows/templates.yaml', "subject: 'Herinnering:", "subject: 'Betaalherinnering:");
    const r = await cli(a, 'diff', a, b);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^acme \(Acme Wonen\): revision \w+ → \w+$/m);
    expect(r.out).toContain('  template reminder-email changed');
    expect(r.out).toContain('locales.nl.subject changed');
    expect(r.out).toContain('+ "Betaalherinnering:');
    expect(r.out).not.toContain('flow reminder changed');
    expect(r.out).toContain('1 corporation(s) changed, 0 added, 0 removed, 0 unchanged');
  });

  it('lists steps added and fields changed in a flow, and --exit-code turns a difference into exit 1', async () => {
    const a = writeStreet();
    const b = writeStreet();
    edit(b, 'flows/reminder.yaml', '{ for: 3d }', '{ for: 5d }');
    edit(
      b,
      'flows/reminder.yaml',
      '    - id: call-tenant',
      '    - id: final-sms\n      send: { channel: sms, template: reminder-sms }\n    - id: call-tenant',
    );
    const r = await cli(a, 'diff', a, b, '--exit-code');
    expect(r.out).toContain('  flow reminder changed');
    expect(r.out).toContain("step 'final-sms' added after 'wait-2d': send 'reminder-sms' via sms");
    expect(r.out).toContain(`step 'wait-3d'.wait.for: "3d" → "5d"`);
    expect(r.code).toBe(1);
    const same = await cli(a, 'diff', a, writeStreet(), '--exit-code');
    expect(same.out).toContain('acme (Acme Wonen): unchanged');
    expect(same.code).toBe(0);
  });

  it('compares two git revisions without touching the working tree', async () => {
    const repo = writeStreet();
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.org', ...args], { cwd: repo });
    git('init', '-q');
    git('add', '.');
    git('commit', '-qm', 'one');
    edit(repo, 'flows/channels.yaml', 'from: Acme', 'from: AcmeWonen');
    git('commit', '-qam', 'two');
    edit(repo, 'flows/channels.yaml', 'from: AcmeWonen', 'from: Uncommitted');
    const r = await cli(repo, 'diff', 'HEAD~1', 'HEAD', '--', 'flows', 'acme');
    expect(r.err).toBe('');
    expect(r.out).toContain('Comparing HEAD~1 with HEAD (flows, acme)');
    expect(r.out).toContain('  channel sms changed');
    expect(r.out).toContain('twilio.from: "Acme" → "AcmeWonen"');
    expect(readFileSync(join(repo, 'flows/channels.yaml'), 'utf8')).toContain('Uncommitted');
    expect(git('worktree', 'list').toString().trim().split('\n')).toHaveLength(1);
  });

  it('a name that is neither a folder nor a revision is a usage error', async () => {
    const dir = writeStreet();
    const r = await cli(dir, 'diff', 'no-such-thing', '.');
    expect(r.code).toBe(2);
    expect(r.err).toContain('"no-such-thing" is neither a folder nor a git revision');
  });
});
