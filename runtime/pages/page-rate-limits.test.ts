import { describe, expect, it } from 'vitest';
import { isOutputstraatError } from '../../core/errors/index.js';
import { addressKey, PagePostLimiter, pageRateLimitsFromEnv } from './page-rate-limits.js';

describe('page POST limits', () => {
  it('read <requests>/<seconds> from the environment, with defaults', () => {
    expect(pageRateLimitsFromEnv({})).toEqual({
      perToken: { burst: 10, perSecond: 10 / 600 },
      perAddress: { burst: 60, perSecond: 1 },
    });
    expect(pageRateLimitsFromEnv({ OST_PAGE_POSTS_PER_TOKEN: '3/3600' }).perToken).toEqual({
      burst: 3,
      perSecond: 3 / 3600,
    });
    for (const bad of ['10', '0/60', '10/0', 'ten/60']) {
      try {
        pageRateLimitsFromEnv({ OST_PAGE_POSTS_PER_ADDRESS: bad });
        expect.unreachable(bad);
      } catch (err) {
        expect(isOutputstraatError(err, 'OST_ERR_CONFIG')).toBe(true);
        expect((err as Error).message).toContain('OST_PAGE_POSTS_PER_ADDRESS');
      }
    }
  });

  it('count an IPv6 client by its /64 and an IPv4-mapped one as IPv4', () => {
    expect(addressKey('203.0.113.9')).toBe('203.0.113.9');
    expect(addressKey('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:0db8:0001:0002:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
  });

  it('refuse a token over its limit without using up the address, and an address over its limit', () => {
    let now = 0;
    const limiter = new PagePostLimiter(
      { perToken: { burst: 2, perSecond: 0.01 }, perAddress: { burst: 3, perSecond: 0.01 } },
      () => now,
    );
    expect(limiter.take('198.51.100.1', 'tokenAAAAAAAAAAAAAAAAAAA').ok).toBe(true);
    expect(limiter.take('198.51.100.1', 'tokenAAAAAAAAAAAAAAAAAAA').ok).toBe(true);
    expect(limiter.take('198.51.100.2', 'tokenAAAAAAAAAAAAAAAAAAA')).toEqual({
      ok: false,
      retryAfterSeconds: 100,
    });
    expect(limiter.take('198.51.100.1', 'tokenBBBBBBBBBBBBBBBBBBB').ok).toBe(true);
    expect(limiter.take('198.51.100.1', 'tokenCCCCCCCCCCCCCCCCCCC').ok).toBe(false);
    expect(limiter.take('198.51.100.3', 'tokenCCCCCCCCCCCCCCCCCCC').ok).toBe(true);
    now += 100_000;
    expect(limiter.take('198.51.100.1', 'tokenAAAAAAAAAAAAAAAAAAA').ok).toBe(true);
  });
});
