import { describe, expect, it } from 'vitest';
import { type CalendarSettings, type DispatchWindow, isInsideWindow, nextWindowOpening } from './index.js';

const nl: CalendarSettings = { timezone: 'Europe/Amsterdam' };
const officeHours: DispatchWindow = {
  days: ['mon', 'tue', 'wed', 'thu', 'fri'],
  from: '09:00',
  to: '17:00',
  skipHolidays: true,
};
const next = (iso: string, w: DispatchWindow = officeHours, cal: CalendarSettings = nl): string =>
  nextWindowOpening(new Date(iso), w, cal).toISOString();

describe('dispatch window Mon–Fri 09:00–17:00 Europe/Amsterdam', () => {
  it('returns the same instant when it is already inside', () => {
    expect(next('2026-03-03T10:15:30.500Z')).toBe('2026-03-03T10:15:30.500Z');
    expect(next('2026-03-03T08:00:00Z')).toBe('2026-03-03T08:00:00.000Z'); // 09:00 CET sharp
  });

  it('treats the closing time as exclusive', () => {
    expect(isInsideWindow(new Date('2026-03-03T15:59:59.999Z'), officeHours, nl)).toBe(true);
    expect(isInsideWindow(new Date('2026-03-03T16:00:00Z'), officeHours, nl)).toBe(false);
    expect(next('2026-03-03T16:00:00Z')).toBe('2026-03-04T08:00:00.000Z');
  });

  it('opens later the same morning when asked before 09:00', () => {
    expect(next('2026-03-03T05:00:00Z')).toBe('2026-03-03T08:00:00.000Z');
  });

  it('moves a Saturday evening to Monday 09:00 local', () => {
    expect(next('2026-03-07T19:00:00Z')).toBe('2026-03-09T08:00:00.000Z');
  });

  it('gives the right UTC instants across the spring DST weekend (29 March 2026)', () => {
    expect(next('2026-03-27T07:00:00Z')).toBe('2026-03-27T08:00:00.000Z'); // Fri 09:00 CET
    expect(next('2026-03-27T17:00:00Z')).toBe('2026-03-30T07:00:00.000Z'); // Mon 09:00 CEST
    expect(isInsideWindow(new Date('2026-03-30T14:59:00Z'), officeHours, nl)).toBe(true); // 16:59 CEST
    expect(isInsideWindow(new Date('2026-03-30T15:00:00Z'), officeHours, nl)).toBe(false); // 17:00 CEST
  });

  it('gives the right UTC instants across the autumn DST weekend (25 October 2026)', () => {
    expect(next('2026-10-23T06:00:00Z')).toBe('2026-10-23T07:00:00.000Z'); // Fri 09:00 CEST
    expect(next('2026-10-23T15:00:00Z')).toBe('2026-10-26T08:00:00.000Z'); // Mon 09:00 CET
    expect(isInsideWindow(new Date('2026-10-26T15:59:00Z'), officeHours, nl)).toBe(true); // 16:59 CET
    expect(isInsideWindow(new Date('2026-10-26T16:00:00Z'), officeHours, nl)).toBe(false); // 17:00 CET
  });

  it('skips a public holiday to the next business day when skipHolidays is set', () => {
    // Easter Monday 6 Apr 2026 -> Tue 7 Apr 09:00 CEST
    expect(next('2026-04-06T08:00:00Z')).toBe('2026-04-07T07:00:00.000Z');
    // Thu 24 Dec 2026 evening -> Christmas Fri 25, weekend -> Mon 28 Dec 09:00 CET
    expect(next('2026-12-24T18:00:00Z')).toBe('2026-12-28T08:00:00.000Z');
    expect(isInsideWindow(new Date('2026-04-06T08:00:00Z'), officeHours, nl)).toBe(false);
  });

  it('opens on public holidays when skipHolidays is off', () => {
    const always = { ...officeHours, skipHolidays: false };
    expect(next('2026-04-06T08:00:00Z', always)).toBe('2026-04-06T08:00:00.000Z');
    expect(next('2026-12-24T18:00:00Z', always)).toBe('2026-12-25T08:00:00.000Z');
  });

  it('skips extra closed dates like holidays', () => {
    expect(next('2026-03-06T17:00:00Z', officeHours, { ...nl, extraClosedDates: ['2026-03-09'] })).toBe(
      '2026-03-10T08:00:00.000Z',
    );
  });

  it('reads days and hours in the calendar time zone, not UTC', () => {
    // Mon 2 Mar 2026 08:30 UTC is 09:30 in Amsterdam but 08:30 in London
    expect(isInsideWindow(new Date('2026-03-02T08:30:00Z'), officeHours, nl)).toBe(true);
    expect(isInsideWindow(new Date('2026-03-02T08:30:00Z'), officeHours, { timezone: 'Europe/London' })).toBe(
      false,
    );
    // Sun 1 Mar 23:30 UTC is already Monday 00:30 in Amsterdam
    expect(next('2026-03-01T23:30:00Z')).toBe('2026-03-02T08:00:00.000Z');
  });
});

describe('dispatch window edge cases', () => {
  it('opens at the end of the DST gap when its opening time does not exist that day', () => {
    const sundayNight: DispatchWindow = { days: ['sun'], from: '02:30', to: '04:00', skipHolidays: false };
    // 02:30 on 29 Mar 2026 does not exist; the first instant with a local time in the window is 03:00 CEST
    expect(next('2026-03-28T12:00:00Z', sundayNight)).toBe('2026-03-29T01:00:00.000Z');
  });

  it('reopens when the autumn clock change falls back into the window', () => {
    const earlySunday: DispatchWindow = { days: ['sun'], from: '01:00', to: '02:15', skipHolidays: false };
    // 02:20 CEST is past the window, but at 03:00 CEST the clock goes back to 02:00 CET, inside again
    expect(next('2026-10-25T00:20:00Z', earlySunday)).toBe('2026-10-25T01:00:00.000Z');
  });

  it('supports a window to the end of the day with to 24:00', () => {
    const evening: DispatchWindow = { days: ['sat'], from: '18:00', to: '24:00', skipHolidays: false };
    expect(isInsideWindow(new Date('2026-03-07T22:59:00Z'), evening, nl)).toBe(true);
    expect(next('2026-03-07T23:00:00Z', evening)).toBe('2026-03-14T17:00:00.000Z');
  });

  it('throws a clear error for a window that can never open', () => {
    const t = new Date('2026-03-02T10:00:00Z');
    expect(() => nextWindowOpening(t, { ...officeHours, days: [] }, nl)).toThrow(
      /can never open: it has no days/,
    );
    expect(() => nextWindowOpening(t, { ...officeHours, from: '17:00', to: '09:00' }, nl)).toThrow(
      /can never open/,
    );
    expect(() => nextWindowOpening(t, { ...officeHours, from: '09:00', to: '09:00' }, nl)).toThrow(
      /can never open/,
    );
    expect(() => isInsideWindow(t, { ...officeHours, days: [] }, nl)).toThrow(/can never open/);
  });

  it('rejects malformed times and days', () => {
    const t = new Date('2026-03-02T10:00:00Z');
    expect(() => nextWindowOpening(t, { ...officeHours, from: '9:00' }, nl)).toThrow(/'9:00'/);
    expect(() => nextWindowOpening(t, { ...officeHours, to: '25:00' }, nl)).toThrow(/'25:00'/);
    expect(() => nextWindowOpening(t, { ...officeHours, days: ['monday' as 'mon'] }, nl)).toThrow(/'monday'/);
  });
});

describe('dispatch window against a brute-force scan', () => {
  it('finds the same opening as stepping a quarter of an hour at a time around both DST weekends', () => {
    const windows: DispatchWindow[] = [
      officeHours,
      { days: ['sun'], from: '01:00', to: '02:15', skipHolidays: false },
      { days: ['sun'], from: '02:30', to: '04:00', skipHolidays: false },
      { days: ['sat', 'sun'], from: '00:00', to: '03:00', skipHolidays: true },
    ];
    const quarter = 15 * 60_000;
    for (const tz of ['Europe/Amsterdam', 'America/New_York']) {
      const cal = { timezone: tz };
      for (const weekend of ['2026-03-27T12:00:00Z', '2026-10-23T12:00:00Z', '2026-03-06T12:00:00Z']) {
        for (let k = 0; k < 3 * 24; k += 5) {
          const t = new Date(new Date(weekend).getTime() + k * 4 * quarter);
          for (const w of windows) {
            let scan = t.getTime();
            while (!isInsideWindow(new Date(scan), w, cal)) scan += quarter;
            expect(
              nextWindowOpening(t, w, cal).toISOString(),
              `${tz} ${w.days} ${w.from} from ${t.toISOString()}`,
            ).toBe(new Date(scan).toISOString());
          }
        }
      }
    }
    // An exhaustive scan: seconds on a busy two-core CI machine.
  }, 60_000);
});
