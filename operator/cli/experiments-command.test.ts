import { describe, expect, it } from 'vitest';
import { experimentReport, fixedAllocation } from '../../core/experiments/index.js';
import { reportText } from './experiments-command.js';
import { cli } from './test-kit.js';

// The happy path runs against a real runtime in tests/integration/experiments-report.test.ts.
describe('outputstraat experiments report', () => {
  it('prints a headline and one aligned row per arm with the interval and the verdict', () => {
    const settings = {
      name: 'sms-first',
      variants: [
        { name: 'a', weight: 1 },
        { name: 'b', weight: 1 },
      ],
      holdout: 0.1,
      paidWithinDays: 14,
      minimumSample: 50,
      confidence: 0.95,
      mode: 'fixed' as const,
      guardrails: { complaintRate: 0.01 },
    };
    const arm = (n: number, successes: number, complaints = 0) => ({ n, successes, complaints, optOuts: 0 });
    const report = experimentReport(
      settings,
      { holdout: arm(60, 18), a: arm(80, 48), b: arm(70, 56, 7) },
      fixedAllocation(0.1, settings.variants),
    );
    const lines = reportText({ ...report, flow: 'storno' });
    expect(lines[0]).toBe(
      'experiment sms-first (flow storno, mode fixed): conclusive: b is better than the control; the stop rule says stop',
    );
    expect(lines[1]).toBe('outcome: paid in full within 14 days; intervals at 95.0% confidence');
    expect(lines[2]).toMatch(/^arm +n +paid +rate +interval +vs control +vs holdout +share +guardrails$/);
    expect(lines[3]).toMatch(/^holdout +60 +18 +30\.0% +\[/);
    expect(lines[5]).toContain('+20.0 pts [+5.2, +33.4] better');
    expect(lines[5]).toContain('STOPPED (complaintRate): complaints 10.0%');
    expect(lines).toHaveLength(6);
  });

  it('without --server, with a bad name or format: usage errors (exit 2)', async () => {
    expect((await cli('.', 'experiments', 'report', 'x', '--api-key', 'k')).err).toContain(
      '--server is missing',
    );
    const badName = await cli(
      '.',
      'experiments',
      'report',
      'NOT A NAME',
      '--url',
      'http://127.0.0.1:9',
      '--api-key',
      'k',
    );
    expect(badName.code).toBe(2);
    expect(badName.err).toContain('experiment name "NOT A NAME" is not a name');
    const badFormat = await cli(
      '.',
      'experiments',
      'report',
      'x',
      '-o',
      'xml',
      '--url',
      'http://127.0.0.1:9',
      '--api-key',
      'k',
    );
    expect(badFormat.code).toBe(2);
    expect(badFormat.err).toContain('--output must be text, json or yaml, not "xml"');
  });
});
