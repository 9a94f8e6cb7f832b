import { describe, expect, it } from 'vitest';
import { quietHoursEnd } from './quiet-hours.js';

const tz = 'Europe/Amsterdam';
const night = { from: '21:00', to: '08:00' };

describe('channel quiet hours', () => {
  it('an SMS at 23:30 waits until 08:00 the next morning', () => {
    expect(quietHoursEnd(new Date('2026-03-02T22:30:00Z'), night, tz)?.toISOString()).toBe(
      '2026-03-03T07:00:00.000Z',
    );
  });

  it('an SMS at 06:00 waits until 08:00 the same morning', () => {
    expect(quietHoursEnd(new Date('2026-03-03T05:00:00Z'), night, tz)?.toISOString()).toBe(
      '2026-03-03T07:00:00.000Z',
    );
  });

  it('an SMS at 12:00 goes at once', () => {
    expect(quietHoursEnd(new Date('2026-03-03T11:00:00Z'), night, tz)).toBeUndefined();
  });

  it('over the spring DST night the end is 08:00 summer time', () => {
    expect(quietHoursEnd(new Date('2026-03-28T22:00:00Z'), night, tz)?.toISOString()).toBe(
      '2026-03-29T06:00:00.000Z',
    );
  });

  it('a daytime quiet period (12:00–13:00) that does not wrap', () => {
    const lunch = { from: '12:00', to: '13:00' };
    expect(quietHoursEnd(new Date('2026-03-03T11:30:00Z'), lunch, tz)?.toISOString()).toBe(
      '2026-03-03T12:00:00.000Z',
    );
    expect(quietHoursEnd(new Date('2026-03-03T12:30:00Z'), lunch, tz)).toBeUndefined();
  });
});
