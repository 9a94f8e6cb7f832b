// `outputstraat replay --ref`: the flow version read from a git revision of a real repository, next to the
// same paths in the working folder.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ReplayRecord, ReplayReport } from '../../core/replay/index.js';
import { cli } from './test-kit.js';

const repo = mkdtempSync(join(tmpdir(), 'ost-replay-ref-'));
afterAll(() => rmSync(repo, { recursive: true, force: true }));

const git = (...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.org', ...args], { cwd: repo })
    .toString()
    .trim();

const storno = JSON.parse(readFileSync('examples/01-woonstad-noord/receivables/storno.json', 'utf8'));
// Tuesday 3 November 2026, 10:00 in Amsterdam; unpaid, the first mail opened the same day.
const record: ReplayRecord = {
  receivable: { ...storno, externalId: 'REF-1', debtor: { ...storno.debtor, id: 'D-REF-1' } },
  acceptedAt: '2026-11-03T09:00:00.000Z',
  until: '2026-11-24T09:00:00.000Z',
  events: [{ at: '2026-11-03T12:00:00.000Z', type: 'opened', step: 'storno-email', channel: 'email' }],
  sent: [],
  alerts: [],
};

describe('outputstraat replay --ref', () => {
  it('replays the flow as it was in a git revision: the old six days wait next to the working folder three', async () => {
    cpSync('flows', join(repo, 'flows'), { recursive: true });
    cpSync('examples/01-woonstad-noord', join(repo, 'examples/01-woonstad-noord'), { recursive: true });
    writeFileSync(join(repo, 'history.ndjson'), `${JSON.stringify(record)}\n`);
    git('init', '-q');
    git('add', 'flows', 'examples');
    git('commit', '-qm', 'storno: six days to pay');
    const first = git('rev-parse', 'HEAD');
    const flow = join(repo, 'flows/storno/storno.yaml');
    const sixDays = readFileSync(flow, 'utf8');
    expect(sixDays).toContain('for: 6d');
    writeFileSync(flow, sixDays.replace('for: 6d', 'for: 3d'));
    git('commit', '-qam', 'storno: three days to pay');
    const paths = ['flows', 'examples/01-woonstad-noord', '--records', 'history.ndjson', '-o', 'json'];

    const then = await cli(repo, 'replay', '--ref', first, ...paths);
    expect(then.code, then.err).toBe(0);
    const now = await cli(repo, 'replay', ...paths);
    expect(now.code, now.err).toBe(0);
    const reminders = (r: string) =>
      (JSON.parse(r) as ReplayReport).days.filter((d) => d.day !== '2026-11-03').map((d) => d.day);
    // The reminder after the wait: 9 November at the first commit, 6 November now.
    expect(reminders(then.out)[0]).toBe('2026-11-09');
    expect(reminders(now.out)[0]).toBe('2026-11-06');
    // HEAD~1 is the same revision as the first commit; the working tree is left as it was.
    const parent = await cli(repo, 'replay', '--ref', 'HEAD~1', ...paths);
    expect(JSON.parse(parent.out)).toEqual(JSON.parse(then.out));
    expect(git('status', '--porcelain', '--untracked-files=no')).toBe('');
    expect(git('worktree', 'list').split('\n')).toHaveLength(1);
  }, 120_000);

  it('names a revision that is not one, and a path the revision does not have', async () => {
    const bad = await cli(repo, 'replay', '--ref', 'no-such-ref', 'flows', '--records', 'history.ndjson');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('"no-such-ref" is neither a folder nor a git revision');
    const missing = await cli(
      repo,
      'replay',
      '--ref',
      'HEAD',
      'flows',
      'examples/02-nope',
      '--records',
      'history.ndjson',
    );
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('examples/02-nope is not in revision HEAD');
  }, 60_000);
});
