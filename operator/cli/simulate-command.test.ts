import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, writeStreet } from './test-kit.js';

const REPO = new URL('../..', import.meta.url).pathname;
const START = '2026-03-02T09:00:00+01:00';

// Compiling a whole street (CEL, templates) takes a few seconds on a busy machine.
describe('outputstraat simulate', { timeout: 30_000 }, () => {
  it('runs the storno flow of the base street for Woonstad Noord: the email goes out and the case ends', async () => {
    const r = await cli(
      REPO,
      'simulate',
      'flows',
      'examples',
      '--receivable',
      'examples/01-woonstad-noord/receivables/storno.json',
      '--start',
      START,
      '--event',
      '+1h bounced storno-email',
    );
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('ma 2 mrt 2026 09:00');
    expect(r.out).toContain("Email 'storno-email' sent to the debtor via email");
    expect(r.out).toContain('k.balogun@example.org');
    expect(r.out).toContain("Email 'storno-email' bounced");
    expect(r.out).toMatch(/^Outcome: case (completed|stopped)/m);
  });

  it('a payment before the wait ends sends nothing more', async () => {
    const dir = writeStreet();
    const r = await cli(
      dir,
      'simulate',
      '.',
      '-r',
      'acme/receivable.json',
      '--start',
      START,
      '-e',
      '+1d paid',
    );
    expect(r.code).toBe(0);
    expect(r.out).toContain("first-reminder   Email 'reminder-email' sent to the debtor via email");
    expect(r.out).toContain('Payment received: balance € 0,00');
    expect(r.out).not.toContain('second-reminder  Email');
    expect(r.out).toContain('Outcome: case stopped (receivable paid) on di 3 mrt 2026 09:00');

    const json = await cli(
      dir,
      'simulate',
      '.',
      '-r',
      'acme/receivable.json',
      '--start',
      START,
      '-e',
      '+1d paid',
      '-o',
      'json',
    );
    const result = JSON.parse(json.out);
    expect(result.messages.map((m: { step: string }) => m.step)).toEqual(['first-reminder']);
    expect(result.end).toMatchObject({ status: 'stopped', reason: 'receivable paid' });
  });

  it('says why a step was skipped and which channel the fallback used', async () => {
    const dir = writeStreet();
    const r = await cli(
      dir,
      'simulate',
      '.',
      '-r',
      'acme/receivable.json',
      '--start',
      START,
      '-e',
      '+1h bounced first-reminder',
    );
    expect(r.out).toContain("SMS 'reminder-sms' sent to the debtor via sms (fallback after bounce)");
    expect(r.out).toContain("Step 'second-reminder' skipped: no channel left (email bounced before");
    expect(r.out).toContain(
      "call-tenant      Alert 'consultant-alert' (call) emailed to incasso@acme.example",
    );
  });

  it('a bad --event or --start is a usage error (exit 2) that shows what is expected', async () => {
    const dir = writeStreet();
    const bad = await cli(dir, 'simulate', '.', '-r', 'acme/receivable.json', '-e', '+1h bounced');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('bounced needs the step');
    const start = await cli(dir, 'simulate', '.', '-r', 'acme/receivable.json', '--start', 'tomorrow');
    expect(start.code).toBe(2);
    expect(start.err).toContain('--start');
  });

  it('a receivable the ingress would reject is invalid (exit 1) and names the field', async () => {
    const dir = writeStreet(
      {
        'bad.json': JSON.stringify({ externalId: 'X', kind: 'rent', amount: 100, dueDate: 'soon' }),
      },
      writeStreet(),
    );
    const r = await cli(dir, 'simulate', '.', '-r', 'bad.json', '--start', START);
    expect(r.code).toBe(1);
    expect(r.err).toContain('OST_ERR_VALIDATION');
    expect(r.err).toContain('dueDate');
  });

  it('--add posts another receivable of the debtor later: it joins the per-debtor dossier and the next mail asks the total', async () => {
    const storno = JSON.parse(
      readFileSync(join(REPO, 'examples/01-woonstad-noord/receivables/storno.json'), 'utf8'),
    );
    const rent = (externalId: string, dueDate: string) => {
      const { stornoReasonCode: _reason, ...rest } = storno;
      return JSON.stringify({ ...rest, externalId, kind: 'rent', dueDate, description: `Huur ${dueDate}` });
    };
    const dir = writeStreet({
      'october.json': rent('WN-R-10', '2026-10-01'),
      'november.json': rent('WN-R-11', '2026-11-01'),
    });
    const args = ['simulate', join(REPO, 'flows'), join(REPO, 'examples'), '--corporation', 'woonstad-noord'];
    const r = await cli(
      dir,
      ...args,
      '-r',
      'october.json',
      '--start',
      '2026-10-08T09:00:00+02:00',
      '--add',
      '+5d november.json',
    );
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('Receivable WN-R-11 posted (€ 620,79): it joins the dossier');
    expect(r.out).toMatch(/second-reminder +Email '[a-z-]+' sent to the debtor/);
    expect(r.out).toContain('€ 1.241,58');
    // One dossier: a single case line, and the debtor got no parallel series about November alone.
    expect(r.out.match(/Case started/g)).toHaveLength(1);

    const bad = await cli(dir, ...args, '-r', 'october.json', '--add', 'november.json');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('needs a time and a receivable file');
  });
});
