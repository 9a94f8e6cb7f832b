// A send asked for outside the flow's steps (the console's "send the payment link again") keeps to the
// flow's dispatch window, like the flow's own sends.
import { describe, expect, it } from 'vitest';
import type { ConfigBundle } from '../bundle/types.js';
import { nextSendMoment } from './engine-context.js';

const bundle = {
  corporation: { timezone: 'Europe/Amsterdam' },
  flows: {
    office: {
      window: { days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:30', to: '17:00', skipHolidays: true },
    },
    anytime: {},
  },
} as unknown as ConfigBundle;

describe('nextSendMoment', () => {
  it('is now inside the window, and the next opening outside it (Amsterdam time, holidays skipped)', () => {
    const thursdayMorning = new Date('2026-12-03T09:00:00Z'); // 10:00 in Amsterdam
    expect(nextSendMoment(bundle, 'office', thursdayMorning)).toEqual(thursdayMorning);
    const fridayEvening = new Date('2026-12-04T18:00:00Z'); // 19:00, Friday
    expect(nextSendMoment(bundle, 'office', fridayEvening)).toEqual(new Date('2026-12-07T07:30:00Z'));
    const christmasEve = new Date('2026-12-24T17:00:00Z'); // Thursday 18:00; Friday is Christmas
    expect(nextSendMoment(bundle, 'office', christmasEve)).toEqual(new Date('2026-12-28T07:30:00Z'));
  });

  it('is now for a flow without a window or one that is gone', () => {
    const at = new Date('2026-12-05T23:00:00Z');
    expect(nextSendMoment(bundle, 'anytime', at)).toEqual(at);
    expect(nextSendMoment(bundle, 'removed', at)).toEqual(at);
  });
});
