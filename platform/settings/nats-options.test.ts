import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nkeys } from '@nats-io/transport-node';
import { afterAll, describe, expect, it } from 'vitest';
import { isOutputstraatError } from '../../core/errors/index.js';
import { natsOptionsFromEnv } from './nats-options.js';

const dir = mkdtempSync(join(tmpdir(), 'ost-nats-options-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** The one line a process prints when it refuses the environment. */
function refusal(env: NodeJS.ProcessEnv): string {
  try {
    natsOptionsFromEnv(env);
  } catch (err) {
    expect(isOutputstraatError(err, 'OST_ERR_CONFIG')).toBe(true);
    expect((err as Error).message).not.toContain('\n');
    return (err as Error).message;
  }
  throw new Error('natsOptionsFromEnv accepted the environment');
}

describe('NATS credentials and TLS from the environment', () => {
  it('without any variable the client logs in as nobody, without TLS', () => {
    expect(natsOptionsFromEnv({})).toEqual({});
  });

  it('NATS_USER and NATS_PASSWORD become a user/password login that errors name', () => {
    const options = natsOptionsFromEnv({ NATS_USER: 'runtime', NATS_PASSWORD: 's3cret' });
    expect(options.loginFrom).toBe('NATS_USER and NATS_PASSWORD');
    expect(options.authenticator?.('')).toEqual({ user: 'runtime', pass: 's3cret' });
  });

  it('NATS_NKEY_SEED_FILE signs the server nonce with the seed in the file', () => {
    const user = nkeys.createUser();
    const seedFile = file('user.nk', `${new TextDecoder().decode(user.getSeed())}\n`);
    const options = natsOptionsFromEnv({ NATS_NKEY_SEED_FILE: seedFile });
    expect(options.loginFrom).toBe('NATS_NKEY_SEED_FILE');
    const auth = options.authenticator?.('bm9uY2U') as { nkey: string; sig: string };
    expect(auth.nkey).toBe(user.getPublicKey());
    expect(auth.sig).toMatch(/\S/);
  });

  it('NATS_TLS_CA_FILE, NATS_TLS_CERT_FILE and NATS_TLS_KEY_FILE become the TLS files', () => {
    const ca = file('ca.crt', 'ca');
    const cert = file('tls.crt', 'cert');
    const key = file('tls.key', 'key');
    expect(natsOptionsFromEnv({ NATS_TLS_CA_FILE: ca }).tls).toEqual({ caFile: ca });
    expect(
      natsOptionsFromEnv({ NATS_TLS_CA_FILE: ca, NATS_TLS_CERT_FILE: cert, NATS_TLS_KEY_FILE: key }).tls,
    ).toEqual({ caFile: ca, certFile: cert, keyFile: key });
  });

  it('refuses half a login, two logins, or a file that is missing or wrong, naming the variable', () => {
    expect(refusal({ NATS_USER: 'runtime' })).toMatch(/NATS_USER is set but NATS_PASSWORD is not/);
    expect(refusal({ NATS_PASSWORD: 'x' })).toMatch(/NATS_PASSWORD is set but NATS_USER is not/);
    expect(refusal({ NATS_USER: 'a', NATS_PASSWORD: 'b', NATS_CREDS_FILE: '/x' })).toMatch(
      /NATS_USER and NATS_CREDS_FILE are all set: NATS takes one login/,
    );
    expect(refusal({ NATS_NKEY_SEED_FILE: join(dir, 'absent.nk') })).toMatch(
      /NATS_NKEY_SEED_FILE=.*absent\.nk cannot be read \(ENOENT\); mount the Secret at that path or fix NATS_NKEY_SEED_FILE/,
    );
    expect(refusal({ NATS_NKEY_SEED_FILE: file('bad.nk', 'not a seed') })).toMatch(
      /does not hold a user NKEY seed/,
    );
    expect(refusal({ NATS_CREDS_FILE: file('bad.creds', 'user: me') })).toMatch(
      /NATS_CREDS_FILE=.* is not a NATS \.creds file/,
    );
    expect(refusal({ NATS_TLS_CERT_FILE: file('only.crt', 'cert') })).toMatch(
      /NATS_TLS_CERT_FILE is set but NATS_TLS_KEY_FILE is not/,
    );
    expect(refusal({ NATS_TLS_CA_FILE: join(dir, 'absent-ca.crt') })).toMatch(
      /NATS_TLS_CA_FILE=.* cannot be read \(ENOENT\)/,
    );
  });
});
