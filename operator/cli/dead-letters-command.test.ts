import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli, isolatedCliEnv } from './test-kit.js';

// The happy path runs against a real runtime in tests/integration/dead-letters-intake.test.ts.
describe('outputstraat dead-letters', () => {
  let restore: () => void;
  beforeEach(() => {
    restore = isolatedCliEnv();
  });
  afterEach(() => restore());

  it('without --server or --api-key is a usage error that says what to give', async () => {
    const noUrl = await cli('.', 'dead-letters', 'list', '--api-key', 'k');
    expect(noUrl.code).toBe(2);
    expect(noUrl.err).toContain("--server is missing; give the runtime's base URL");
    const noKey = await cli('.', 'dead-letters', 'list', '--server', 'http://127.0.0.1:8080');
    expect(noKey.code).toBe(2);
    expect(noKey.err).toContain('--api-key is missing');
    const badUrl = await cli('.', 'dead-letters', 'retry', 'x', '--server', 'runtime:8080', '--api-key', 'k');
    expect(badUrl.err).toContain('--server runtime:8080 is not an http(s) URL');
    const badLimit = await cli(
      '.',
      'dead-letters',
      'list',
      '--limit',
      '5000',
      '--server',
      'http://x',
      '--api-key',
      'k',
    );
    expect(badLimit.err).toContain('--limit 5000 is not 1-1000');
  });

  it('a runtime that cannot be reached is named with the reason (the old --url still works)', async () => {
    const run = await cli('.', 'dead-letters', 'list', '--url', 'http://127.0.0.1:9', '--api-key', 'k');
    expect(run.code).toBe(2);
    expect(run.err).toMatch(
      /^error OST_ERR_CLI_REQUEST cannot reach the runtime at http:\/\/127\.0\.0\.1:9: [^;]+; check --server/,
    );
  });
});
