import { describe, expect, it } from 'vitest';
import { TokenBuckets } from '../../platform/rate-limit/token-buckets.js';
import { singleLaneFromEnv } from './rate-limit.js';

describe('the lane of single posts', () => {
  it('takes 50 single posts a second per corporation by default, bursts of 100', () => {
    expect(singleLaneFromEnv({})).toEqual({ perSecond: 50, burst: 100 });
    expect(singleLaneFromEnv({ OST_INTAKE_SINGLE_LANE_PER_SECOND: '5' })).toEqual({
      perSecond: 5,
      burst: 10,
    });
  });

  it('refuses a rate that is not a positive number, naming the variable and what to set', () => {
    for (const raw of ['abc', '0', '-3', 'Infinity']) {
      expect(() => singleLaneFromEnv({ OST_INTAKE_SINGLE_LANE_PER_SECOND: raw })).toThrow(
        /OST_INTAKE_SINGLE_LANE_PER_SECOND=.* is not a positive number.*single posts/,
      );
    }
  });

  it('counts each corporation on its own: one corporation past its budget leaves the other untouched', () => {
    let now = 0;
    const lane = new TokenBuckets({ perSecond: 1, burst: 2 }, () => now);
    expect([1, 2, 3].map(() => lane.take('a').ok)).toEqual([true, true, false]);
    expect(lane.take('b').ok).toBe(true);
    now += 1_000;
    expect(lane.take('a').ok).toBe(true);
  });
});
