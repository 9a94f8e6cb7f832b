import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli, isolatedCliEnv } from './test-kit.js';

describe('outputstraat debtor show|erase', () => {
  let restore: () => void;
  beforeEach(() => {
    restore = isolatedCliEnv();
  });
  afterEach(() => restore());

  it('without --server says which flag is missing and exits 2 before any request', async () => {
    const run = await cli(process.cwd(), 'debtors', 'erase', 'D-1', '--api-key', 'k');
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/^error OST_ERR_CLI_USAGE --server is missing; give the runtime's base URL/);
    const show = await cli(process.cwd(), 'debtor', 'show', 'D-1', '--api-key', 'k');
    expect(show.code).toBe(2);
    expect(show.err).toContain('--server is missing');
  });

  it('refuses a URL that is not http(s) and a missing key, saying what to pass', async () => {
    const ftp = await cli(process.cwd(), 'debtors', 'erase', 'D-1', '--server', 'ftp://x', '--api-key', 'k');
    expect(ftp.code).toBe(2);
    expect(ftp.err).toContain('--server ftp://x is not an http(s) URL');
    const noKey = await cli(process.cwd(), 'debtors', 'erase', 'D-1', '--server', 'http://127.0.0.1:9');
    expect(noKey.code).toBe(2);
    expect(noKey.err).toContain('--api-key is missing');
    expect(noKey.err).toContain('OUTPUTSTRAAT_API_KEY');
  });

  it('refuses a debtor id longer than any ERP id', async () => {
    const args = ['D'.repeat(101), '--server', 'http://x', '--api-key', 'k'];
    for (const verb of ['erase', 'show']) {
      const run = await cli(process.cwd(), 'debtor', verb, ...args);
      expect(run.code).toBe(2);
      expect(run.err).toContain('DEBTOR_ID must be 1 to 100 characters');
    }
  });
});
