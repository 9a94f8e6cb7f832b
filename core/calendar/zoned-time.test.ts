import { describe, expect, it } from 'vitest';
import { fromZonedParts, startOfLocalHour, toZonedParts } from './index.js';

const AMS = 'Europe/Amsterdam';
const local = (year: number, month: number, day: number, hour: number, minute = 0) => ({
  year,
  month,
  day,
  hour,
  minute,
  second: 0,
  millisecond: 0,
});

describe('zoned time', () => {
  it('reads the local wall clock, weekday and offset of an instant', () => {
    expect(toZonedParts(new Date('2026-03-29T00:59:59.250Z'), AMS)).toMatchObject({
      year: 2026,
      month: 3,
      day: 29,
      hour: 1,
      minute: 59,
      second: 59,
      millisecond: 250,
      weekday: 'sun',
      offsetMs: 3_600_000,
    });
    expect(toZonedParts(new Date('2026-03-29T01:00:00Z'), AMS)).toMatchObject({
      hour: 3,
      offsetMs: 7_200_000,
    });
  });

  it('converts ordinary local times both sides of DST', () => {
    expect(fromZonedParts(local(2026, 1, 15, 9), AMS).toISOString()).toBe('2026-01-15T08:00:00.000Z');
    expect(fromZonedParts(local(2026, 7, 15, 9), AMS).toISOString()).toBe('2026-07-15T07:00:00.000Z');
  });

  it('moves a local time in the spring-forward gap forward (02:30 on 29 Mar 2026 does not exist)', () => {
    expect(fromZonedParts(local(2026, 3, 29, 2, 30), AMS).toISOString()).toBe('2026-03-29T01:30:00.000Z');
    expect(fromZonedParts(local(2026, 3, 29, 2, 30), AMS, { gap: 'next-valid' }).toISOString()).toBe(
      '2026-03-29T01:00:00.000Z',
    );
  });

  it('picks the first occurrence of a repeated autumn time unless asked for the later one', () => {
    expect(fromZonedParts(local(2026, 10, 25, 2, 30), AMS).toISOString()).toBe('2026-10-25T00:30:00.000Z');
    expect(fromZonedParts(local(2026, 10, 25, 2, 30), AMS, { overlap: 'later' }).toISOString()).toBe(
      '2026-10-25T01:30:00.000Z',
    );
  });

  it('finds the start of the local clock hour, also in half-hour zones', () => {
    expect(startOfLocalHour(new Date('2026-03-02T09:47:12.5Z'), AMS).toISOString()).toBe(
      '2026-03-02T09:00:00.000Z',
    );
    expect(startOfLocalHour(new Date('2026-03-02T09:47:00Z'), 'Asia/Kolkata').toISOString()).toBe(
      '2026-03-02T09:30:00.000Z',
    );
  });

  it('rejects an unknown time zone by name', () => {
    expect(() => toZonedParts(new Date(0), 'Mars/Olympus')).toThrow(/Mars\/Olympus/);
  });
});
