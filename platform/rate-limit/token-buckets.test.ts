import { describe, expect, it } from 'vitest';
import { TokenBuckets } from './token-buckets.js';

describe('TokenBuckets', () => {
  it('lets a burst through, then refuses with the seconds until a token is free', () => {
    let now = 0;
    const buckets = new TokenBuckets({ perSecond: 2, burst: 3 }, () => now);
    expect([1, 2, 3].map(() => buckets.take('k').ok)).toEqual([true, true, true]);
    expect(buckets.take('k')).toEqual({ ok: false, retryAfterSeconds: 1, waitMs: 500 });
    now += 500;
    expect(buckets.take('k').ok).toBe(true);
    expect(buckets.take('other').ok).toBe(true);
  });

  it('takes a cost of many tokens at once, and says how long until that many are there', () => {
    let now = 0;
    const buckets = new TokenBuckets({ perSecond: 1_000, burst: 2_000 }, () => now);
    expect(buckets.take('bulk', 1_500).ok).toBe(true);
    expect(buckets.take('bulk', 1_000)).toEqual({ ok: false, retryAfterSeconds: 1, waitMs: 500 });
    now += 500;
    expect(buckets.take('bulk', 1_000).ok).toBe(true);
    expect(buckets.take('other', 2_000).ok).toBe(true);
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
