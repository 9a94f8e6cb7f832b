import { describe, expect, it } from 'vitest';
import { nextCutoff } from './print-channel.js';

describe('print batch cutoff', () => {
  it("is today at the cutoff in the corporation's time zone, or tomorrow once it passed", () => {
    // 22 November: CET (UTC+1).
    expect(nextCutoff(new Date('2026-11-22T10:00:00Z'), '16:00', 'Europe/Amsterdam').toISOString()).toBe(
      '2026-11-22T15:00:00.000Z',
    );
    expect(nextCutoff(new Date('2026-11-22T15:00:00Z'), '16:00', 'Europe/Amsterdam').toISOString()).toBe(
      '2026-11-23T15:00:00.000Z',
    );
    // Across the end of summer time (25 October 2026): CEST before, CET after.
    expect(nextCutoff(new Date('2026-10-24T15:30:00Z'), '16:00', 'Europe/Amsterdam').toISOString()).toBe(
      '2026-10-25T15:00:00.000Z',
    );
    // Month end.
    expect(nextCutoff(new Date('2026-11-30T20:00:00Z'), '07:30', 'Europe/Amsterdam').toISOString()).toBe(
      '2026-12-01T06:30:00.000Z',
    );
  });
});
