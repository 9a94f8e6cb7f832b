import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, writeStreet } from './test-kit.js';

const REPO = new URL('../..', import.meta.url).pathname;

// Compiling a whole street (CEL, templates) takes a few seconds on a busy machine.
describe('outputstraat render', { timeout: 30_000 }, () => {
  it("renders the base street's storno email with the sample receivable: € 620,79", async () => {
    const r = await cli(REPO, 'render', 'flows', '--template', 'storno-email');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain(
      'Template storno-email (email, nl) for Testcorporatie, with the sample receivable',
    );
    expect(r.out).toContain('── subject');
    expect(r.out).toContain('€ 620,79');
  });

  it("uses a corporation's branding and a given receivable, part by part", async () => {
    const r = await cli(
      REPO,
      'render',
      'flows',
      'examples',
      '-t',
      'storno-email',
      '-c',
      'woonstad-noord',
      '-r',
      'examples/01-woonstad-noord/receivables/storno.json',
      '--part',
      'html',
    );
    expect(r.code).toBe(0);
    expect(r.out).toContain('Beste heer Balogun');
    expect(r.out).toContain('https://betalen.woonstad-noord.example/p/');
    expect(r.out).not.toContain('── html');
  });

  it('offers early signalling in the 14-day letter only when the corporation has it on', async () => {
    const corporation = readFileSync(join(REPO, 'examples/01-woonstad-noord/corporation.yaml'), 'utf8');
    const on = writeStreet({
      'corporation.yaml': corporation.replace(
        '  base: outputstraat-base\n',
        `  base: outputstraat-base
  collections:
    earlySignal:
      enabled: true
      offerTemplates: [rent-orange-notice-letter, rent-orange-notice-email]
      export:
        sftp:
          host: sftp.gemeente.example
          directory: /vroegsignalering
          hostKeySha256: '${'A'.repeat(43)}'
          credentialsSecretRef: { name: municipality-sftp }
`,
      ),
    });
    const letter = (dir: string, locale: string) =>
      cli(
        REPO,
        'render',
        'flows',
        dir,
        '-t',
        'rent-orange-notice-letter',
        '-c',
        'woonstad-noord',
        '--locale',
        locale,
      );
    const offered = await letter(on, 'nl');
    expect(offered.err).toBe('');
    expect(offered.out).toContain('door aan de gemeente');
    expect(offered.out).toContain('Laat het ons dan weten via 050 123 45 67.');
    expect((await letter(on, 'en')).out).toContain('on to the municipality');
    const off = await letter(join(REPO, 'examples/01-woonstad-noord'), 'nl');
    expect(off.code).toBe(0);
    expect(off.out).not.toContain('door aan de gemeente');
  });

  it("renders in the debtor's language with --locale en", async () => {
    const r = await cli(REPO, 'render', 'flows', '-t', 'storno-email', '--locale', 'en', '--part', 'subject');
    expect(r.code).toBe(0);
    expect(r.out).toBe('Your direct debit did not go through: €620.79');
  });

  it('writes each part to a file with --out', async () => {
    const dir = writeStreet();
    const r = await cli(dir, 'render', '.', '-t', 'reminder-email', '--out', 'out');
    expect(r.out.split('\n')).toEqual([
      'wrote out/reminder-email.nl.subject.txt',
      'wrote out/reminder-email.nl.txt',
    ]);
    expect(readdirSync(join(dir, 'out')).sort()).toEqual([
      'reminder-email.nl.subject.txt',
      'reminder-email.nl.txt',
    ]);
    expect(readFileSync(join(dir, 'out/reminder-email.nl.subject.txt'), 'utf8')).toBe(
      'Herinnering: € 620,79\n',
    );
  });

  it('renders a consultant alert as the alert for an action', async () => {
    const r = await cli(
      REPO,
      'render',
      'flows',
      '-t',
      'consultant-alert',
      '--alert',
      'home-visit',
      '-p',
      'subject',
    );
    expect(r.code).toBe(0);
    expect(r.out).toContain('[Plan een huisbezoek]');
  });

  it('an unknown template is a usage error that lists the ones there are', async () => {
    const dir = writeStreet();
    const r = await cli(dir, 'render', '.', '-t', 'nope');
    expect(r.code).toBe(2);
    expect(r.err).toContain('no template "nope" in the bundle of acme');
    expect(r.err).toContain('reminder-email');
  });
});
