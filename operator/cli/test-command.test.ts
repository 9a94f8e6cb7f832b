import { describe, expect, it } from 'vitest';
import { cli, writeStreet } from './test-kit.js';

const PASSING = `
apiVersion: outputstraat.io/v1alpha1
kind: FlowTest
metadata: { name: payment-stops-the-reminders }
spec:
  corporation: acme
  start: '2026-03-02T09:00:00+01:00'
  receivableFile: ../acme/receivable.json
  events:
    - { at: '+1d', type: paid }
  until: '+30d'
  expect:
    classification: arrears
    flow: reminder
    messages:
      - { step: first-reminder, channel: email, template: reminder-email, at: '2026-03-02T09:00:00+01:00' }
    end: { status: stopped, reason: paid }
`;

const FAILING = `
apiVersion: outputstraat.io/v1alpha1
kind: FlowTest
metadata: { name: bounce-goes-to-letter }
spec:
  start: '2026-03-02T09:00:00+01:00'
  receivableFile: ../acme/receivable.json
  override: { debtor: { phone: null } }
  events:
    - { at: '+1h', type: bounced, step: first-reminder }
  expect:
    messages:
      - { step: first-reminder, channel: email }
      - { step: first-reminder, channel: letter }
    end: { status: completed }
`;

const INVALID = `
apiVersion: outputstraat.io/v1alpha1
kind: FlowTest
metadata: { name: half-written }
spec:
  start: '2026-03-02T09:00:00+01:00'
  receivable: { kind: rent }
  events:
    - { at: '+1h', type: bounced }
  expect: { flow: reminder }
`;

// Compiling a whole street (CEL, templates) takes a few seconds on a busy machine.
describe('outputstraat test', { timeout: 30_000 }, () => {
  it('a FlowTest that holds passes: one ✓ line and exit 0', async () => {
    const dir = writeStreet({ 'tests/pay.test.yaml': PASSING }, writeStreet());
    const r = await cli(dir, 'test', '.');
    expect(r.err).toBe('');
    expect(r.out).toContain('✓ payment-stops-the-reminders  tests/pay.test.yaml:1');
    expect(r.out.split('\n').at(-1)).toBe('1 passed, 0 failed');
    expect(r.code).toBe(0);
  });

  it('a failing FlowTest prints expected against actual messages with times, and exits 1', async () => {
    const dir = writeStreet(
      { 'tests/pay.test.yaml': PASSING, 'tests/bounce.test.yaml': FAILING },
      writeStreet(),
    );
    const r = await cli(dir, 'test', '.');
    expect(r.code).toBe(1);
    expect(r.out).toContain('✗ bounce-goes-to-letter  tests/bounce.test.yaml:1');
    expect(r.out).toContain('messages: expected exactly 2, in order; 1 went out');
    expect(r.out).toMatch(
      /✓ first-reminder via email +first-reminder via email 'reminder-email' at ma 2 mrt 2026 09:00/,
    );
    expect(r.out).toMatch(/✗ first-reminder via letter +—/);
    expect(r.out).toContain("Step 'second-reminder' skipped");
    expect(r.out.split('\n').at(-1)).toBe('1 passed, 1 failed');
  });

  it('an invalid FlowTest names file, line and field, and counts as failed', async () => {
    const dir = writeStreet({ 'tests/half.test.yaml': INVALID }, writeStreet());
    const r = await cli(dir, 'test', '.');
    expect(r.code).toBe(1);
    expect(r.out).toContain('✗ half-written  tests/half.test.yaml:1');
    expect(r.out).toContain('tests/half.test.yaml:8 FlowTest half-written spec.events[0].step: is required');
    expect(r.out).toContain('OST_ERR_FLOW_TEST');
    expect(r.out.split('\n').at(-1)).toBe('0 passed, 1 failed');
  });

  it('a receivable event without its receivable names the field', async () => {
    const doc = PASSING.replace("- { at: '+1d', type: paid }", "- { at: '+1d', type: receivable }");
    const dir = writeStreet({ 'tests/more.test.yaml': doc }, writeStreet());
    const r = await cli(dir, 'test', '.');
    expect(r.code).toBe(1);
    expect(r.out).toContain('spec.events[0].receivable: is required');
  });

  it('reports the run as json with --output json', async () => {
    const dir = writeStreet({ 'tests/pay.test.yaml': PASSING }, writeStreet());
    const r = await cli(dir, 'test', '.', '--output', 'json');
    const report = JSON.parse(r.out);
    expect(report).toMatchObject({ ok: true, passed: 1, failed: 0 });
    expect(report.tests[0].result.messages[0].template).toBe('reminder-email');
  });
});
