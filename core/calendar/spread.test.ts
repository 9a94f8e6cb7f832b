import { describe, expect, it } from 'vitest';
import { allocateSpreadSlot, type CalendarSettings, type DispatchWindow } from './index.js';

const nl: CalendarSettings = { timezone: 'Europe/Amsterdam' };
const officeHours: DispatchWindow = {
  days: ['mon', 'tue', 'wed', 'thu', 'fri'],
  from: '09:00',
  to: '17:00',
  skipHolidays: true,
};

/** Books `count` dispatches one after another the way the scheduler does: allocate, then persist. */
function bookMany(
  earliest: string,
  count: number,
  maxPerHour: number,
  w?: DispatchWindow,
  cal = nl,
): string[] {
  const bookings = new Map<string, number>();
  const result: string[] = [];
  for (let i = 0; i < count; i++) {
    const slot = allocateSpreadSlot(new Date(earliest), w, maxPerHour, (h) => bookings.get(h) ?? 0, cal);
    const key = slot.hourStart.toISOString();
    bookings.set(key, (bookings.get(key) ?? 0) + 1);
    result.push(slot.at.toISOString());
  }
  return result;
}

describe('allocateSpreadSlot', () => {
  it('spreads evenly within the hour and puts the third booking into the next hour at maxPerHour 2', () => {
    // Mon 2 Mar 2026 10:00 CET
    expect(bookMany('2026-03-02T09:00:00Z', 5, 2, officeHours)).toEqual([
      '2026-03-02T09:00:00.000Z',
      '2026-03-02T09:30:00.000Z',
      '2026-03-02T10:00:00.000Z',
      '2026-03-02T10:30:00.000Z',
      '2026-03-02T11:00:00.000Z',
    ]);
  });

  it('goes to the first slot of the next day when the window closes', () => {
    // Mon 2 Mar 2026 16:00 CET: two fit before 17:00, the third goes to Tue 09:00 CET
    expect(bookMany('2026-03-02T15:00:00Z', 3, 2, officeHours)).toEqual([
      '2026-03-02T15:00:00.000Z',
      '2026-03-02T15:30:00.000Z',
      '2026-03-03T08:00:00.000Z',
    ]);
  });

  it('goes from Friday afternoon to Monday morning, past a public holiday', () => {
    // Thu 24 Dec 2026 16:00 CET, Christmas Friday -> Mon 28 Dec 09:00 CET
    expect(bookMany('2026-12-24T15:00:00Z', 3, 2, officeHours)[2]).toBe('2026-12-28T08:00:00.000Z');
  });

  it('never books before the earliest allowed instant', () => {
    // 10:10 CET: slot 0 of the hour (10:00) is in the past, slot 1 (10:30) is not
    expect(bookMany('2026-03-02T09:10:00Z', 3, 2, officeHours)).toEqual([
      '2026-03-02T09:10:00.000Z',
      '2026-03-02T09:30:00.000Z',
      '2026-03-02T10:00:00.000Z',
    ]);
  });

  it('moves an earliest instant outside the window to the next opening first', () => {
    // Sat 7 Mar 2026 -> Mon 9 Mar 09:00 CET, hour booked under 08:00Z
    const slot = allocateSpreadSlot(new Date('2026-03-07T12:00:00Z'), officeHours, 4, () => 0, nl);
    expect(slot.at.toISOString()).toBe('2026-03-09T08:00:00.000Z');
    expect(slot.hourStart.toISOString()).toBe('2026-03-09T08:00:00.000Z');
  });

  it('asks about bookings per local clock hour and skips full hours', () => {
    const asked: string[] = [];
    const full = new Set(['2026-03-02T09:00:00.000Z', '2026-03-02T10:00:00.000Z']);
    const slot = allocateSpreadSlot(
      new Date('2026-03-02T09:20:00Z'),
      officeHours,
      3,
      (h) => {
        asked.push(h);
        return full.has(h) ? 3 : 1;
      },
      nl,
    );
    expect(asked).toEqual([
      '2026-03-02T09:00:00.000Z',
      '2026-03-02T10:00:00.000Z',
      '2026-03-02T11:00:00.000Z',
    ]);
    expect(slot.at.toISOString()).toBe('2026-03-02T11:20:00.000Z');
  });

  it('uses local clock hours in half-hour time zones', () => {
    expect(bookMany('2026-03-02T09:40:00Z', 2, 1, undefined, { timezone: 'Asia/Kolkata' })).toEqual([
      '2026-03-02T09:40:00.000Z',
      '2026-03-02T10:30:00.000Z',
    ]);
  });

  it('sends a booking whose slot falls after the closing time to the next opening', () => {
    const toHalfPast: DispatchWindow = { ...officeHours, to: '16:30' };
    // 16:00 CET hour: slot 0 at 16:00 fits, slot 1 at 16:30 is closed -> Tue 09:00
    expect(bookMany('2026-03-02T15:00:00Z', 2, 2, toHalfPast)).toEqual([
      '2026-03-02T15:00:00.000Z',
      '2026-03-03T08:00:00.000Z',
    ]);
  });

  it('works without a window, clamping slots that lie before the earliest instant to it', () => {
    // 23:45 CET: slots 23:00, 23:20 and 23:40 are all before earliest, so the hour's three go at 23:45
    expect(bookMany('2026-03-07T22:45:00Z', 5, 3)).toEqual([
      '2026-03-07T22:45:00.000Z',
      '2026-03-07T22:45:00.000Z',
      '2026-03-07T22:45:00.000Z',
      '2026-03-07T23:00:00.000Z',
      '2026-03-07T23:20:00.000Z',
    ]);
  });

  it('rejects a maxPerHour below 1 or not whole', () => {
    expect(() => allocateSpreadSlot(new Date(0), undefined, 0, () => 0, nl)).toThrow(/maxPerHour/);
    expect(() => allocateSpreadSlot(new Date(0), undefined, 1.5, () => 0, nl)).toThrow(/maxPerHour/);
  });
});
