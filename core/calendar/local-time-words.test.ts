import { describe, expect, it } from 'vitest';
import { intlLocalTime, localTime } from './local-time.js';

describe('localTime', () => {
  it('writes what Intl writes, in both languages and across DST changes and zones', () => {
    const zones = ['Europe/Amsterdam', 'UTC', 'Asia/Kathmandu', 'America/St_Johns', 'Australia/Lord_Howe'];
    let t = Date.UTC(2025, 0, 1, 0, 7);
    for (let i = 0; i < 1000; i++, t += 9 * 3_600_000 + 17 * 60_000) {
      for (const zone of zones)
        for (const locale of ['nl', 'en'] as const)
          expect(localTime(new Date(t), zone, locale)).toBe(intlLocalTime(new Date(t), zone, locale));
    }
    expect(localTime('2026-03-02T08:00:00Z', 'Europe/Amsterdam', 'nl')).toBe('ma 2 mrt 2026 09:00');
    expect(localTime('2026-03-02T08:00:00Z', 'Europe/Amsterdam', 'en')).toBe('Mon 2 Mar 2026 09:00');
  });
});
