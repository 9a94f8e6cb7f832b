// `outputstraat test` with a household: spec.household and spec.contactPolicy in a FlowTest, and
// expect.deferred checked against what the simulator's contact budget did.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, writeStreet } from './test-kit.js';

const FIXTURE = resolve('tests/support/fixtures/budget-street');

function copyOfFixture(edit?: (tests: string) => string): string {
  const root = writeStreet({});
  cpSync(FIXTURE, root, { recursive: true });
  if (edit) {
    const file = join(root, 'household.test.yaml');
    writeFileSync(file, edit(readFileSync(file, 'utf8')));
  }
  return root;
}

describe('outputstraat test: the contact budget of a household', () => {
  it('runs the household tests of the fixture street', async () => {
    const run = await cli(copyOfFixture(), 'test', '.');
    expect(run.out).toContain('2 passed, 0 failed');
    expect(run.code).toBe(0);
  });

  it('reports a deferral that did not happen, with what the simulation deferred', async () => {
    const root = copyOfFixture((t) =>
      t.replace("until: '2026-03-07T09:00:00+01:00'", "until: '2026-03-05T09:00:00+01:00'"),
    );
    const run = await cli(root, 'test', '.');
    expect(run.code).not.toBe(0);
    const text = `${run.out}\n${run.err}`;
    expect(text).toContain('deferred: expected sends the contact budget defers that it did not');
    expect(text).toMatch(/invoice-reminder until .*an arrears message of the household goes first/);
  });

  it('refuses a household receivable that breaks the ERP contract, naming the field', async () => {
    const root = copyOfFixture((t) => t.replace('paymentReference: REF-BW-RENT-1', 'paymentReference: ""'));
    const run = await cli(root, 'test', '.');
    expect(run.code).not.toBe(0);
    expect(`${run.out}\n${run.err}`).toContain('spec.household[0].receivable.paymentReference');
  });

  it('a declared policy that cannot be read fails the test instead of the run', async () => {
    const root = copyOfFixture((t) =>
      t.replace('household: { max: 2, window: 1d }', 'household: { max: 2, window: 3bd }'),
    );
    const run = await cli(root, 'test', '.');
    expect(run.code).not.toBe(0);
    expect(`${run.out}\n${run.err}`).toContain('the simulation could not run');
  });
});
