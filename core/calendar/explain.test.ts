import { describe, expect, it } from 'vitest';
import { type CalendarSettings, type DispatchWindow, explainDeferral, nextWindowOpening } from './index.js';

const nl: CalendarSettings = { timezone: 'Europe/Amsterdam' };
const officeHours: DispatchWindow = {
  days: ['mon', 'tue', 'wed', 'thu', 'fri'],
  from: '09:00',
  to: '17:00',
  skipHolidays: true,
};
const explain = (fromIso: string, w: DispatchWindow = officeHours): string | undefined => {
  const from = new Date(fromIso);
  return explainDeferral(from, nextWindowOpening(from, w, nl), w, nl);
};

describe('explainDeferral', () => {
  it('says weekend for a Saturday', () => {
    expect(explain('2026-03-07T10:00:00Z')).toBe('weekend');
  });

  it('names the window for a weekday evening', () => {
    expect(explain('2026-03-03T18:00:00Z')).toBe(
      'outside dispatch window (Mon–Fri 09:00–17:00 Europe/Amsterdam)',
    );
  });

  it('names the public holiday', () => {
    expect(explain('2025-12-26T10:00:00Z')).toBe('public holiday: Tweede kerstdag');
    expect(explain('2026-04-27T08:00:00Z')).toBe('public holiday: Koningsdag');
  });

  it('mentions holidays skipped on the way', () => {
    expect(explain('2026-12-24T18:00:00Z')).toBe(
      'outside dispatch window (Mon–Fri 09:00–17:00 Europe/Amsterdam); then public holiday: Kerstmis',
    );
  });

  it('names an extra closed date', () => {
    const cal = { ...nl, extraClosedDates: ['2026-03-04'] };
    const from = new Date('2026-03-04T10:00:00Z');
    expect(explainDeferral(from, nextWindowOpening(from, officeHours, cal), officeHours, cal)).toBe(
      'closed day: 2026-03-04',
    );
  });

  it('describes non-contiguous days', () => {
    const w: DispatchWindow = {
      days: ['mon', 'wed', 'fri', 'sat'],
      from: '08:30',
      to: '12:00',
      skipHolidays: false,
    };
    expect(explain('2026-03-03T10:00:00Z', w)).toBe(
      'outside dispatch window (Mon, Wed, Fri, Sat 08:30–12:00 Europe/Amsterdam)',
    );
  });

  it('has nothing to say when the time did not move or was inside the window', () => {
    const inside = new Date('2026-03-03T10:00:00Z');
    expect(explainDeferral(inside, inside, officeHours, nl)).toBeUndefined();
    expect(explainDeferral(inside, new Date('2026-03-03T11:00:00Z'), officeHours, nl)).toBeUndefined();
  });
});
