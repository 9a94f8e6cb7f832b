import { describe, expect, it } from 'vitest';
import { WindowPacer } from './window-pacer.js';

function fakeClock() {
  let now = 0;
  const slept: number[] = [];
  return {
    clock: () => now,
    sleep: async (ms: number) => {
      slept.push(ms);
      now += ms;
    },
    slept,
    at: () => now,
  };
}

describe('WindowPacer', () => {
  it('lets perSecond messages start in any second and makes the next one wait', async () => {
    const c = fakeClock();
    const limiter = new WindowPacer({ perSecond: 3 }, c.clock, c.sleep);
    const starts: number[] = [];
    for (let i = 0; i < 7; i++) {
      await limiter.acquire();
      starts.push(c.at());
    }
    expect(starts).toEqual([0, 0, 0, 1000, 1000, 1000, 2000]);
  });

  it('applies perMinute on top of perSecond', async () => {
    const c = fakeClock();
    const limiter = new WindowPacer({ perSecond: 10, perMinute: 2 }, c.clock, c.sleep);
    const starts: number[] = [];
    for (let i = 0; i < 4; i++) {
      await limiter.acquire();
      starts.push(c.at());
    }
    expect(starts).toEqual([0, 0, 60_000, 60_000]);
  });

  it('has no delay without limits', () => {
    expect(new WindowPacer({}).delay(0)).toBe(0);
  });
});
