import { describe, expect, it } from 'vitest';
import { TokenBuckets } from './token-buckets.js';

describe('TokenBuckets', () => {
  it('lets a burst through, then refuses with the seconds until a token is free', () => {
    let now = 0;
    const buckets = new TokenBuckets({ perSecond: 2, burst: 3 }, () => now);
    expect([1, 2, 3].map(() => buckets.take('k').ok)).toEqual([true, true, true]);
    expect(buckets.take('k')).toEqual({ ok: false, retryAfterSeconds: 1 });
    now += 500;
    expect(buckets.take('k').ok).toBe(true);
    expect(buckets.take('other').ok).toBe(true);
  });

  it('forgets buckets instead of growing without bound over many keys', () => {
    let now = 0;
    const buckets = new TokenBuckets({ perSecond: 1, burst: 1 }, () => now);
    for (let i = 0; i < 50_000; i++) {
      now += 1;
      buckets.take(`client-${i}`);
    }
    expect(buckets.size).toBeLessThanOrEqual(10_001);
  });
});
