import { describe, expect, it } from 'vitest';
import { isOutputstraatError } from '../../core/errors/index.js';
import { trustProxyFromEnv } from './trust-proxy.js';

describe('OST_TRUST_PROXY', () => {
  it('is off when unset, so X-Forwarded-For is never believed by default', () => {
    expect(trustProxyFromEnv({})).toBe(false);
    expect(trustProxyFromEnv({ OST_TRUST_PROXY: 'false' })).toBe(false);
  });

  it('takes proxy addresses and ranges, a hop count, or true', () => {
    expect(trustProxyFromEnv({ OST_TRUST_PROXY: '10.0.0.0/8, fd00::/8,loopback' })).toBe(
      '10.0.0.0/8,fd00::/8,loopback',
    );
    const hops = trustProxyFromEnv({ OST_TRUST_PROXY: '2' }) as (a: string, hop: number) => boolean;
    expect([0, 1, 2].map((hop) => hops('10.0.0.1', hop))).toEqual([true, true, false]);
    expect(trustProxyFromEnv({ OST_TRUST_PROXY: 'true' })).toBe(true);
  });

  it('refuses what is not an address, naming the entry', () => {
    for (const bad of ['ingress.local', '10.0.0.0/33', '10.0.0.1/8/1']) {
      try {
        trustProxyFromEnv({ OST_TRUST_PROXY: bad });
        expect.unreachable(bad);
      } catch (err) {
        expect(isOutputstraatError(err, 'OST_ERR_CONFIG')).toBe(true);
        expect((err as Error).message).toContain(bad.split(',')[0]!);
      }
    }
  });
});
