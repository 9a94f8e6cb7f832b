import { describe, expect, it } from 'vitest';
import type { BundleFlow, ConfigBundle } from '../bundle/types.js';
import { SpreadBook, spreadSlotFor } from './index.js';

const bundle = { corporation: { id: 'c', timezone: 'Europe/Amsterdam' } } as unknown as ConfigBundle;
const flow = (spreadPerHour?: number, window?: BundleFlow['window']) =>
  ({ name: 'f', ...(spreadPerHour ? { spreadPerHour } : {}), ...(window ? { window } : {}) }) as BundleFlow;

describe('per-flow spread', () => {
  it('a flow without a spread goes out when it may', () => {
    const at = new Date('2026-03-02T08:10:00Z');
    expect(spreadSlotFor(bundle, flow(), at, () => 0)).toBeUndefined();
    expect(new SpreadBook().place(bundle, flow(), at)).toEqual(at);
  });

  it('books at most maxPerHour per local clock hour, spaced evenly, then moves to the next hour', () => {
    const book = new SpreadBook();
    const from = new Date('2026-03-02T08:00:00Z'); // 09:00 in Amsterdam
    const placed = Array.from({ length: 5 }, () => book.place(bundle, flow(2), from).toISOString());
    expect(placed).toEqual([
      '2026-03-02T08:00:00.000Z',
      '2026-03-02T08:30:00.000Z',
      '2026-03-02T09:00:00.000Z',
      '2026-03-02T09:30:00.000Z',
      '2026-03-02T10:00:00.000Z',
    ]);
  });

  it('keeps inside the flow window: a full last hour sends the rest to the next opening', () => {
    const book = new SpreadBook();
    const window = { days: ['mon', 'tue'], from: '09:00', to: '10:00', skipHolidays: false };
    const from = new Date('2026-03-02T08:00:00Z'); // Monday 09:00 local
    const placed = Array.from({ length: 3 }, () => book.place(bundle, flow(2, window), from).toISOString());
    expect(placed).toEqual([
      '2026-03-02T08:00:00.000Z',
      '2026-03-02T08:30:00.000Z',
      '2026-03-03T08:00:00.000Z',
    ]);
  });
});
