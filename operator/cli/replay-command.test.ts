import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ReplayRecord, ReplayReport } from '../../core/replay/index.js';
import { cli } from './test-kit.js';

const dir = mkdtempSync(join(tmpdir(), 'ost-replay-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const storno = JSON.parse(readFileSync('examples/01-woonstad-noord/receivables/storno.json', 'utf8'));
// Tuesday 3 November 2026, 10:00 in Amsterdam; the history ends three weeks later.
const accepted = '2026-11-03T09:00:00.000Z';
const record = (id: string, events: ReplayRecord['events'], sent: ReplayRecord['sent']): ReplayRecord => ({
  receivable: { ...storno, externalId: id, debtor: { ...storno.debtor, id: `D-${id}` } },
  acceptedAt: accepted,
  until: '2026-11-24T09:00:00.000Z',
  events,
  sent,
  alerts: [],
});
const mail = (at: string, step: string) => ({
  at,
  step,
  channel: 'email',
  channelType: 'email',
  costCents: 0.1,
});

function write(name: string, records: ReplayRecord[]): string {
  const file = join(dir, name);
  writeFileSync(file, `${records.map((r) => JSON.stringify(r)).join('\n')}\n`);
  return file;
}

describe('outputstraat replay', () => {
  it('runs the storno flow over recorded payments and opens: the payer gets the first mail only, an open holds the SMS back', async () => {
    const opened = {
      at: '2026-11-03T12:00:00.000Z',
      type: 'opened',
      step: 'storno-email',
      channel: 'email',
    } as const;
    const history = [
      record('PAID', [{ at: '2026-11-05T08:00:00.000Z', type: 'paid' }], [mail(accepted, 'storno-email')]),
      record('UNPAID', [opened], [mail(accepted, 'storno-email')]),
    ];
    const run = await cli(
      '.',
      'replay',
      'flows',
      'examples/01-woonstad-noord',
      '--records',
      write('two.ndjson', history),
      '-o',
      'json',
    );
    expect(run.code).toBe(0);
    expect(run.err).toContain('replayed 2/2 (100%)');
    const report = JSON.parse(run.out) as ReplayReport;
    expect(report.failed).toEqual([]);
    // Both first mails on 3 November as recorded; the unpaid one's reminder after the six days' wait, and
    // the SMS of "not opened within 2 days" two days after the reminder (the first mail was opened).
    expect(report.days).toEqual([
      { day: '2026-11-03', channel: 'email', replayed: 2, actual: 2 },
      { day: '2026-11-09', channel: 'email', replayed: 1, actual: 0 },
      { day: '2026-11-11', channel: 'sms', replayed: 1, actual: 0 },
    ]);
    // The base channels' prices: 0.1 cent a mail, 7.5 cents an SMS.
    expect(report.replayed).toEqual({ contacts: 4, letters: 0, tasks: 0, costCents: 7.8 });
    expect(report.actual).toEqual({ contacts: 2, letters: 0, tasks: 0, costCents: 0.2 });

    // Without the recorded open, the first mail's "not opened" SMS goes on 5 November too.
    const unopened = [history[0]!, { ...history[1]!, events: [] }];
    const again = await cli(
      '.',
      'replay',
      'flows',
      'examples/01-woonstad-noord',
      '--records',
      write('unopened.ndjson', unopened),
      '-o',
      'json',
    );
    expect((JSON.parse(again.out) as ReplayReport).days).toContainEqual({
      day: '2026-11-05',
      channel: 'sms',
      replayed: 1,
      actual: 0,
    });
  }, 60_000);

  it('a receivable the flow version cannot take is listed, not fatal; a bad line is a usage error by number', async () => {
    const bad = { ...record('BAD', [], []), receivable: { externalId: 'BAD' } } as unknown as ReplayRecord;
    const run = await cli(
      '.',
      'replay',
      'flows',
      'examples/01-woonstad-noord',
      '--records',
      write('bad.ndjson', [bad]),
    );
    expect(run.code).toBe(0);
    expect(run.out).toContain('replayed 1 receivables, 1 could not run');
    expect(run.out).toMatch(/could not run BAD: kind is required/);
    const file = join(dir, 'broken.ndjson');
    writeFileSync(file, `${JSON.stringify(record('OK', [], []))}\nnot json\n`);
    const broken = await cli('.', 'replay', 'flows', 'examples/01-woonstad-noord', '--records', file);
    expect(broken.code).toBe(2);
    expect(broken.err).toContain('broken.ndjson line 2 is not JSON');
    const missing = await cli('.', 'replay', 'flows', 'examples/01-woonstad-noord');
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('--records is missing');
  }, 60_000);
});
