import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { secretEnvName } from '../core/bundle/secret-env-name.js';
import { isOutputstraatError } from '../core/errors/index.js';
import { environmentSecrets, secretFilePath } from './secrets.js';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}

describe('channel secrets', () => {
  it('are named OST_SECRET_<NAMESPACE>__<NAME>__<key>', () => {
    expect(secretEnvName('woonstad-noord', 'twilio-credentials', 'authToken')).toBe(
      'OST_SECRET_WOONSTAD_NOORD__TWILIO_CREDENTIALS__authToken',
    );
  });

  it('come from the environment first, then from files under OST_SECRETS_DIR', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ost-secrets-'));
    mkdirSync(join(dir, 'ns', 'print'), { recursive: true });
    writeFileSync(join(dir, 'ns', 'print', 'password'), 'from-file');
    const lookup = environmentSecrets({ OST_SECRETS_DIR: dir, OST_SECRET_NS__PRINT__username: 'from-env' });
    expect(lookup('ns', 'print', 'username')).toBe('from-env');
    expect(lookup('ns', 'print', 'password')).toBe('from-file');
    expect(lookup('ns', 'print', 'privateKey')).toBeUndefined();
  });

  it('never read another namespace’s Secret file, even when handed a path as a name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ost-secrets-'));
    mkdirSync(join(dir, 'woonstad-noord', 'smtp-credentials'), { recursive: true });
    writeFileSync(join(dir, 'woonstad-noord', 'smtp-credentials', 'password'), 'noord-password');
    mkdirSync(join(dir, 'attacker', 'smtp'), { recursive: true });
    const lookup = environmentSecrets({ OST_SECRETS_DIR: join(dir, 'attacker', '..') });
    expect(lookup('woonstad-noord', 'smtp-credentials', 'password')).toBe('noord-password');
    for (const [ns, name, key] of [
      ['attacker', '../woonstad-noord/smtp-credentials', 'password'],
      ['attacker', '..', 'woonstad-noord/smtp-credentials/password'],
      ['attacker', 'smtp', '../../woonstad-noord/smtp-credentials/password'],
      ['..', 'woonstad-noord', 'smtp-credentials/password'],
    ]) {
      const err = thrown(() => lookup(ns!, name!, key!));
      expect(isOutputstraatError(err, 'OST_ERR_UNSAFE_NAME'), `${ns}/${name}/${key}`).toBe(true);
    }
  });

  it('build file paths that stay below OST_SECRETS_DIR', () => {
    expect(secretFilePath('/run/secrets', 'ns', 'print', 'password')).toBe('/run/secrets/ns/print/password');
    expect(secretFilePath('/', 'ns', 'print', 'password')).toBe('/ns/print/password');
    for (const [ns, name, key] of [
      ['ns', '../other', 'k'],
      ['ns', 'a/b', 'k'],
      ['ns', 'name', '..'],
      ['ns', 'name', '/etc/passwd'],
    ]) {
      const err = thrown(() => secretFilePath('/run/secrets', ns!, name!, key!));
      expect(isOutputstraatError(err, 'OST_ERR_UNSAFE_NAME'), `${ns}/${name}/${key}`).toBe(true);
    }
  });
});
