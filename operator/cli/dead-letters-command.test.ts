import { describe, expect, it } from 'vitest';
import { cli } from './test-kit.js';

// The happy path runs against a real runtime in tests/integration/dead-letters-intake.test.ts.
describe('outputstraat dead-letters', () => {
  it('without --url or --api-key is a usage error that says what to give', async () => {
    const noUrl = await cli('.', 'dead-letters', 'list', '--api-key', 'k');
    expect(noUrl.code).toBe(2);
    expect(noUrl.err).toContain("--url is missing; give the runtime's base URL");
    const noKey = await cli('.', 'dead-letters', 'list', '--url', 'http://127.0.0.1:8080');
    expect(noKey.code).toBe(2);
    expect(noKey.err).toContain('--api-key is missing');
    const badUrl = await cli('.', 'dead-letters', 'retry', 'x', '--url', 'runtime:8080', '--api-key', 'k');
    expect(badUrl.err).toContain('--url runtime:8080 is not an http(s) URL');
  });

  it('a runtime that cannot be reached is named with the reason', async () => {
    const run = await cli('.', 'dead-letters', 'list', '--url', 'http://127.0.0.1:9', '--api-key', 'k');
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/^error OST_ERR_CLI_USAGE cannot reach the runtime at http:\/\/127\.0\.0\.1:9: /);
  });
});
