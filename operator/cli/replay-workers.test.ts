// `outputstraat replay --workers N`: the records handed in chunks to worker threads give the report one
// thread gives, failures and their order included; a bad line is named the same way.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ReplayRecord, ReplayReport } from '../../core/replay/index.js';
import { CHUNK_LINES } from './replay-workers.js';
import { cli } from './test-kit.js';

const dir = mkdtempSync(join(tmpdir(), 'ost-replay-workers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const storno = JSON.parse(readFileSync('examples/01-woonstad-noord/receivables/storno.json', 'utf8'));
const DAY = 86_400_000;
const T0 = Date.parse('2026-11-02T08:00:00.000Z');
// Over two chunks and a bit: accepted on one of ten days, every third paid within a week, every
// seventh mail opened, and three receivables the flow cannot take, in the first and the last chunk.
const COUNT = 2 * CHUNK_LINES + 50;
const FAILING = new Set([3, CHUNK_LINES + 7, 2 * CHUNK_LINES + 20]);

function record(i: number): ReplayRecord {
  const accepted = T0 + (i % 10) * DAY + (i % 5) * 3_600_000;
  const events: ReplayRecord['events'] = [];
  if (i % 7 === 0)
    events.push({
      at: new Date(accepted + 3_600_000).toISOString(),
      type: 'opened',
      step: 'storno-email',
      channel: 'email',
    });
  if (i % 3 === 0) events.push({ at: new Date(accepted + (i % 7) * DAY).toISOString(), type: 'paid' });
  const receivable = FAILING.has(i)
    ? { externalId: `W-${i}` }
    : { ...storno, externalId: `W-${i}`, debtor: { ...storno.debtor, id: `D-W-${i}` } };
  return {
    receivable,
    acceptedAt: new Date(accepted).toISOString(),
    until: new Date(T0 + 30 * DAY).toISOString(),
    events,
    sent: [
      {
        at: new Date(accepted).toISOString(),
        step: 'storno-email',
        channel: 'email',
        channelType: 'email',
        costCents: 0.1,
      },
    ],
    alerts: [],
  } as ReplayRecord;
}

describe('outputstraat replay --workers', () => {
  it('two workers print the report one thread prints, as JSON and as text, failures in file order', async () => {
    const file = join(dir, 'records.ndjson');
    writeFileSync(file, `${Array.from({ length: COUNT }, (_, i) => JSON.stringify(record(i))).join('\n')}\n`);
    const args = ['flows', 'examples/01-woonstad-noord', '--records', file];
    const one = await cli('.', 'replay', ...args, '-o', 'json', '--workers', '1');
    const two = await cli('.', 'replay', ...args, '-o', 'json', '--workers', '2');
    expect(one.code, one.err).toBe(0);
    expect(two.code, two.err).toBe(0);
    expect(two.out).toBe(one.out);
    const report = JSON.parse(two.out) as ReplayReport;
    expect(report.records).toBe(COUNT);
    expect(report.failed.map((f) => f.externalId)).toEqual([...FAILING].map((i) => `W-${i}`));
    expect(report.days.length).toBeGreaterThan(10);
    expect(two.err).toContain(`replayed ${COUNT}/${COUNT} (100%)`);
    const text = await cli('.', 'replay', ...args, '--workers', '2');
    const textOne = await cli('.', 'replay', ...args, '--workers', '1');
    expect(text.out).toBe(textOne.out);
    expect(text.out).toContain(`replayed ${COUNT} receivables, 3 could not run`);
  }, 300_000);

  it('names the first bad line of the file as one thread does, and refuses a worker count that is not one', async () => {
    const lines = Array.from({ length: COUNT }, (_, i) => JSON.stringify(record(i)));
    lines[CHUNK_LINES + 9] = 'not json';
    lines[2 * CHUNK_LINES + 1] = '{"receivable": null}';
    const file = join(dir, 'bad.ndjson');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const args = ['flows', 'examples/01-woonstad-noord', '--records', file];
    for (const workers of ['1', '2']) {
      const run = await cli('.', 'replay', ...args, '--workers', workers);
      expect(run.code).toBe(2);
      expect(run.err).toContain(`bad.ndjson line ${CHUNK_LINES + 10} is not JSON`);
    }
    const zero = await cli('.', 'replay', ...args, '--workers', '0');
    expect(zero.code).toBe(2);
    expect(zero.err).toContain('--workers must be a whole number from 1 to 256, not "0"');
  }, 300_000);
});
