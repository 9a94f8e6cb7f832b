import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli } from './test-kit.js';

describe('outputstraat debtors erase', () => {
  let saved: string | undefined;
  beforeEach(() => {
    saved = process.env.OST_API_KEY;
    delete process.env.OST_API_KEY;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.OST_API_KEY;
    else process.env.OST_API_KEY = saved;
  });

  it('without --url says which flag is missing and exits 2 before any request', async () => {
    const run = await cli(process.cwd(), 'debtors', 'erase', 'D-1', '--api-key', 'k');
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/^error OST_ERR_CLI_USAGE --url is required; pass the runtime API/);
  });

  it('refuses a URL that is not http(s) and a missing key, saying what to pass', async () => {
    const ftp = await cli(process.cwd(), 'debtors', 'erase', 'D-1', '--url', 'ftp://x', '--api-key', 'k');
    expect(ftp.code).toBe(2);
    expect(ftp.err).toContain('--url ftp://x is not http or https');
    const noKey = await cli(process.cwd(), 'debtors', 'erase', 'D-1', '--url', 'http://127.0.0.1:9');
    expect(noKey.code).toBe(2);
    expect(noKey.err).toContain('--api-key is required');
    expect(noKey.err).toContain('OST_API_KEY');
  });

  it('refuses a debtor id longer than any ERP id', async () => {
    const run = await cli(
      process.cwd(),
      'debtors',
      'erase',
      'D'.repeat(101),
      '--url',
      'http://x',
      '--api-key',
      'k',
    );
    expect(run.code).toBe(2);
    expect(run.err).toContain('DEBTOR_ID must be 1 to 100 characters');
  });
});
