import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { secretEnvName } from '../core/bundle/secret-env-name.js';
import { environmentSecrets } from './secrets.js';

describe('channel secrets', () => {
  it('are named OST_SECRET_<NAMESPACE>_<NAME>_<KEY>', () => {
    expect(secretEnvName('woonstad-noord', 'twilio-credentials', 'authToken')).toBe(
      'OST_SECRET_WOONSTAD_NOORD_TWILIO_CREDENTIALS_AUTHTOKEN',
    );
  });

  it('come from the environment first, then from files under OST_SECRETS_DIR', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ost-secrets-'));
    mkdirSync(join(dir, 'ns', 'print'), { recursive: true });
    writeFileSync(join(dir, 'ns', 'print', 'password'), 'from-file');
    const lookup = environmentSecrets({ OST_SECRETS_DIR: dir, OST_SECRET_NS_PRINT_USERNAME: 'from-env' });
    expect(lookup('ns', 'print', 'username')).toBe('from-env');
    expect(lookup('ns', 'print', 'password')).toBe('from-file');
    expect(lookup('ns', 'print', 'privateKey')).toBeUndefined();
  });
});
