import { describe, expect, it } from 'vitest';
import { addDuration, type CalendarSettings, formatDuration, parseFlowDuration } from './index.js';

const amsterdam: CalendarSettings = { timezone: 'Europe/Amsterdam' };
const at = (iso: string): Date => new Date(iso);

describe('parseFlowDuration', () => {
  it('reads calendar days, business days, hours, minutes and combinations', () => {
    expect(parseFlowDuration('5d')).toEqual({ days: 5 });
    expect(parseFlowDuration('3bd')).toEqual({ businessDays: 3 });
    expect(parseFlowDuration('2h')).toEqual({ hours: 2 });
    expect(parseFlowDuration('30m')).toEqual({ minutes: 30 });
    expect(parseFlowDuration('1d12h')).toEqual({ days: 1, hours: 12 });
    expect(parseFlowDuration(' 2bd 4h 15m ')).toEqual({ businessDays: 2, hours: 4, minutes: 15 });
    expect(parseFlowDuration('0d')).toEqual({ days: 0 });
  });

  it('rejects prose with a TypeError that names the bad text', () => {
    expect(() => parseFlowDuration('five days')).toThrow(TypeError);
    expect(() => parseFlowDuration('five days')).toThrow(/"five days"/);
  });

  it.each(['', '5', 'd', '1.5d', '-1d', '1d1d', '2w', '1D', '3 business days', '1d12'])(
    'rejects %j',
    (text) => {
      expect(() => parseFlowDuration(text)).toThrow(TypeError);
    },
  );

  it('formats back to the compact text', () => {
    for (const text of ['5d', '3bd', '2h', '30m', '1d12h', '1d2bd3h4m']) {
      expect(formatDuration(parseFlowDuration(text))).toBe(text);
    }
    expect(formatDuration({})).toBe('0m');
  });
});

describe('addDuration', () => {
  it('keeps 10:00 local when a calendar day crosses the spring DST change (23-hour day)', () => {
    // Sat 28 Mar 2026 10:00 CET -> Sun 29 Mar 10:00 CEST
    expect(addDuration(at('2026-03-28T09:00:00Z'), { days: 1 }, amsterdam).toISOString()).toBe(
      '2026-03-29T08:00:00.000Z',
    );
  });

  it('keeps 10:00 local when calendar days cross the autumn DST change (25-hour day)', () => {
    // Sat 24 Oct 2026 10:00 CEST -> Mon 26 Oct 10:00 CET
    expect(addDuration(at('2026-10-24T08:00:00Z'), parseFlowDuration('2d'), amsterdam).toISOString()).toBe(
      '2026-10-26T09:00:00.000Z',
    );
  });

  it('treats hours and minutes as elapsed time, also across DST', () => {
    // Sun 29 Mar 2026 01:30 CET + 2h = 04:30 CEST (02:00-03:00 local does not exist)
    expect(addDuration(at('2026-03-29T00:30:00Z'), { hours: 2 }, amsterdam).toISOString()).toBe(
      '2026-03-29T02:30:00.000Z',
    );
    expect(addDuration(at('2026-03-02T09:00:00Z'), parseFlowDuration('1d12h'), amsterdam).toISOString()).toBe(
      '2026-03-03T21:00:00.000Z',
    );
  });

  it('moves a wall-clock time that falls into the DST gap forward by the gap', () => {
    // Sat 28 Mar 02:30 CET + 1d: 29 Mar 02:30 does not exist -> 03:30 CEST
    expect(addDuration(at('2026-03-28T01:30:00Z'), { days: 1 }, amsterdam).toISOString()).toBe(
      '2026-03-29T01:30:00.000Z',
    );
  });

  it('applies business days in the calendar time zone, keeping local time across DST', () => {
    // Fri 27 Mar 2026 10:00 CET + 1bd -> Mon 30 Mar 10:00 CEST
    expect(addDuration(at('2026-03-27T09:00:00Z'), { businessDays: 1 }, amsterdam).toISOString()).toBe(
      '2026-03-30T08:00:00.000Z',
    );
  });

  it('returns the same instant for an empty duration', () => {
    const start = at('2026-03-28T09:00:00.123Z');
    expect(addDuration(start, {}, amsterdam).getTime()).toBe(start.getTime());
  });

  it('rejects negative or fractional parts and unknown time zones', () => {
    expect(() => addDuration(at('2026-03-02T09:00:00Z'), { days: -1 }, amsterdam)).toThrow(/non-negative/);
    expect(() => addDuration(at('2026-03-02T09:00:00Z'), { hours: 1.5 }, amsterdam)).toThrow(RangeError);
    expect(() =>
      addDuration(at('2026-03-02T09:00:00Z'), { days: 1 }, { timezone: 'Europe/Amsterdamm' }),
    ).toThrow(/Europe\/Amsterdamm/);
  });
});
