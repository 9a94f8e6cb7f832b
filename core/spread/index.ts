// Per-flow spread ("at most N steps of this flow per clock hour"), shared by the live scheduler and the
// simulator so both put a step in the same hour at the same offset. Pure: the caller keeps the bookings
// (the runtime in Postgres table dispatch_slots, the simulator in a SpreadBook) and passes a lookup.
import type { BundleFlow, ConfigBundle } from '../bundle/types.js';
import { allocateSpreadSlot, type DispatchWindow, type SpreadSlot, type Weekday } from '../calendar/index.js';
import { calendarOf } from '../cases/index.js';

export type { SpreadSlot };

/** Bookings already made per local clock hour, keyed by the hour's start as an ISO instant. */
export type BookedLookup = (hourStartIso: string) => number;

/**
 * Where one more send or alert of `flow` goes when it may go out from `earliest` on: the first local
 * clock hour (in the corporation's time zone, inside the flow's dispatch window) with fewer than
 * `flow.spreadPerHour` bookings, at hourStart + n × 3600 s / spreadPerHour for the n-th booking.
 * Undefined when the flow has no spread. The caller books `slot.hourStart` afterwards.
 */
export function spreadSlotFor(
  bundle: ConfigBundle,
  flow: BundleFlow,
  earliest: Date,
  booked: BookedLookup,
): SpreadSlot | undefined {
  const max = flow.spreadPerHour;
  if (!max) return undefined;
  const w = flow.window;
  const window: DispatchWindow | undefined = w
    ? { days: w.days as Weekday[], from: w.from, to: w.to, skipHolidays: w.skipHolidays }
    : undefined;
  return allocateSpreadSlot(earliest, window, max, booked, calendarOf(bundle));
}

/** In-memory bookings for one simulated street (the runtime keeps them in Postgres instead). */
export class SpreadBook {
  private readonly counts = new Map<string, number>();

  private key(corporation: string, flow: string, hourStartIso: string): string {
    return `${corporation}\u0000${flow}\u0000${hourStartIso}`;
  }

  lookup(corporation: string, flow: string): BookedLookup {
    return (hourStartIso) => this.counts.get(this.key(corporation, flow, hourStartIso)) ?? 0;
  }

  book(corporation: string, flow: string, slot: SpreadSlot): void {
    const k = this.key(corporation, flow, slot.hourStart.toISOString());
    this.counts.set(k, (this.counts.get(k) ?? 0) + 1);
  }

  /** Allocates and books in one go: the instant the step goes out, or `earliest` without a spread. */
  place(bundle: ConfigBundle, flow: BundleFlow, earliest: Date): Date {
    const corporation = bundle.corporation.id;
    const slot = spreadSlotFor(bundle, flow, earliest, this.lookup(corporation, flow.name));
    if (!slot) return earliest;
    this.book(corporation, flow.name, slot);
    return slot.at;
  }
}
