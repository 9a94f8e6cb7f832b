import { describe, expect, it } from 'vitest';
import { formatDate } from './dates.js';

const AMS = 'Europe/Amsterdam';

describe('formatDate', () => {
  it('writes long Dutch dates with the month in words', () => {
    expect(formatDate('2021-01-16', 'nl', 'long', AMS)).toBe('16 januari 2021');
  });

  it('writes short Dutch dates as dd-mm-yyyy', () => {
    expect(formatDate('2021-01-16', 'nl', 'short', AMS)).toBe('16-01-2021');
    expect(formatDate('2021-03-05', 'nl', 'short', AMS)).toBe('05-03-2021');
  });

  it('writes English dates day first', () => {
    expect(formatDate('2021-01-16', 'en', 'long', AMS)).toBe('16 January 2021');
    expect(formatDate('2021-01-16', 'en', 'short', AMS)).toBe('16/01/2021');
  });

  it('shows an instant on the calendar day of the timezone', () => {
    expect(formatDate('2021-01-15T23:30:00Z', 'nl', 'long', AMS)).toBe('16 januari 2021');
    expect(formatDate('2021-01-15T23:30:00Z', 'nl', 'long', 'UTC')).toBe('15 januari 2021');
  });

  it('prints a calendar date as written whatever the timezone', () => {
    expect(formatDate('2021-01-16', 'nl', 'short', 'Pacific/Kiritimati')).toBe('16-01-2021');
    expect(formatDate('2021-01-16T10:00', 'nl', 'short', 'America/Los_Angeles')).toBe('16-01-2021');
  });

  it('rejects impossible dates, non-ISO text and unknown zones', () => {
    expect(() => formatDate('2021-02-30', 'nl', 'long', AMS)).toThrow(/calendar date/);
    expect(() => formatDate('16-01-2021', 'nl', 'long', AMS)).toThrow(/ISO date/);
    expect(() => formatDate('2021-01-16', 'nl', 'long', 'Mars/Olympus')).toThrow(/time zone/);
  });
});
