import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli } from './test-kit.js';

const ID = '01a237fa-7f64-7508-b6bd-fc74f5380486';

describe('outputstraat dossiers evidence', () => {
  let saved: string | undefined;
  beforeEach(() => {
    saved = process.env.OUTPUTSTRAAT_API_KEY;
    delete process.env.OUTPUTSTRAAT_API_KEY;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.OUTPUTSTRAAT_API_KEY;
    else process.env.OUTPUTSTRAAT_API_KEY = saved;
  });

  it('refuses an id that is not a dossier id, a missing --file, --server or key, saying what to pass (exit 2)', async () => {
    const bad = await cli(
      process.cwd(),
      'dossiers',
      'evidence',
      '../../etc/passwd',
      '--file',
      'x.zip',
      '--server',
      'http://x',
      '--api-key',
      'k',
    );
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('is not a dossier id');
    const noFile = await cli(
      process.cwd(),
      'dossiers',
      'evidence',
      ID,
      '--server',
      'http://x',
      '--api-key',
      'k',
    );
    expect(noFile.code).toBe(2);
    expect(noFile.err).toContain('--file is required');
    const noUrl = await cli(process.cwd(), 'dossiers', 'evidence', ID, '--file', 'x.zip', '--api-key', 'k');
    expect(noUrl.code).toBe(2);
    expect(noUrl.err).toContain('--server is missing');
    const noKey = await cli(
      process.cwd(),
      'dossiers',
      'evidence',
      ID,
      '--file',
      'x.zip',
      '--server',
      'http://127.0.0.1:9',
    );
    expect(noKey.code).toBe(2);
    expect(noKey.err).toContain('OUTPUTSTRAAT_API_KEY');
  });
});
