import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isOutputstraatError } from '../errors/index.js';
import { isDnsLabel, isDnsSubdomain, isSecretKey } from '../resources/names.js';
import { parseSecretEnvName, secretEnvName } from './secret-env-name.js';

// Names as Kubernetes allows them, biased towards what makes spellings collide: `-`, `--`, `.`, `_`,
// the escape letters d/h/u and upper case in keys.
const dnsChar = fc.constantFrom(...'abdhuz09-');
const label = fc
  .tuple(fc.constantFrom(...'adhu0'), fc.array(dnsChar, { maxLength: 8 }), fc.constantFrom(...'adhu9'))
  .map(([a, mid, z]) => `${a}${mid.join('')}${mid.length > 0 || a === z ? z : ''}`)
  .filter(isDnsLabel);
const subdomain = fc
  .array(label, { minLength: 1, maxLength: 3 })
  .map((ls) => ls.join('.'))
  .filter(isDnsSubdomain);
const secretKey = fc
  .array(fc.constantFrom(...'aAdDhHuUzZ09-_.'), { minLength: 1, maxLength: 10 })
  .map((cs) => cs.join(''))
  .filter(isSecretKey);
const ref = fc.record({ namespace: label, name: subdomain, key: secretKey });

describe('secret env names', () => {
  it('keep common names readable', () => {
    expect(secretEnvName('woonstad-noord', 'twilio-credentials', 'authToken')).toBe(
      'OST_SECRET_WOONSTAD_NOORD__TWILIO_CREDENTIALS__authToken',
    );
    expect(secretEnvName('woonstad-noord', 'erp-api-key', 'api-key')).toBe(
      'OST_SECRET_WOONSTAD_NOORD__ERP_API_KEY__api_key',
    );
    expect(secretEnvName('ns', 'smtp.relay', 'tls.crt')).toBe('OST_SECRET_NS__SMTP_dRELAY__tls_dcrt');
  });

  it('no longer give (a, b-smtp) and (a-b, smtp) the same variable', () => {
    expect(secretEnvName('a', 'b-smtp', 'password')).not.toBe(secretEnvName('a-b', 'smtp', 'password'));
    expect(secretEnvName('a', 'b', 'c-d')).not.toBe(secretEnvName('a', 'b-c', 'd'));
    expect(secretEnvName('a', 'b', 'authToken')).not.toBe(secretEnvName('a', 'b', 'authtoken'));
    expect(secretEnvName('a', 'b', 'api-key')).not.toBe(secretEnvName('a', 'b', 'api_key'));
    expect(secretEnvName('a', 'b--c', 'k')).not.toBe(secretEnvName('a-b', 'c', 'k'));
  });

  it('are injective over Kubernetes namespaces, Secret names and keys (property)', () => {
    fc.assert(
      fc.property(ref, ref, (x, y) => {
        const same = x.namespace === y.namespace && x.name === y.name && x.key === y.key;
        expect(secretEnvName(x.namespace, x.name, x.key) === secretEnvName(y.namespace, y.name, y.key)).toBe(
          same,
        );
      }),
      { numRuns: 20_000 },
    );
  });

  it('tell apart references that differ only in where the parts split or in case (property)', () => {
    fc.assert(
      fc.property(label, label, label, secretKey, secretKey, (a, b, c, k, k2) => {
        // the boundary between namespace and name, and between name and key, moved by one label
        expect(secretEnvName(a, `${b}-${c}`, k)).not.toBe(secretEnvName(`${a}-${b}`, c, k));
        if (isSecretKey(`${c}-${k}`)) {
          expect(secretEnvName(a, `${b}-${c}`, k)).not.toBe(secretEnvName(a, b, `${c}-${k}`));
        }
        if (k !== k2) expect(secretEnvName(a, b, k)).not.toBe(secretEnvName(a, b, k2));
      }),
      { numRuns: 5_000 },
    );
  });

  it('can be read back: parseSecretEnvName inverts secretEnvName (property)', () => {
    fc.assert(
      fc.property(ref, (x) => {
        const variable = secretEnvName(x.namespace, x.name, x.key);
        expect(variable).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/);
        expect(parseSecretEnvName(variable)).toEqual(x);
      }),
      { numRuns: 20_000 },
    );
  });

  it('refuse a reference that is not a Kubernetes name instead of spelling it', () => {
    for (const [ns, name, key] of [
      ['ns', '../../other-ns/secrets/x', 'k'],
      ['../x', 'name', 'k'],
      ['ns', 'name', '..'],
      ['ns', 'name', '../k'],
    ] as const) {
      let caught: unknown;
      try {
        secretEnvName(ns, name, key);
      } catch (err) {
        caught = err;
      }
      expect(isOutputstraatError(caught, 'OST_ERR_UNSAFE_NAME'), `${ns}/${name}/${key}`).toBe(true);
    }
  });

  it('are not read from a variable of another spelling', () => {
    expect(parseSecretEnvName('OST_SECRET_WOONSTAD_NOORD_TWILIO_CREDENTIALS_AUTHTOKEN')).toBeUndefined();
    expect(parseSecretEnvName('OST_SECRET_NS__NAME__a_hb')).toBeUndefined(); // `_h` where `_` belongs
  });
});
