// Live per-flow spread: the pure allocation from core/spread over bookings counted in dispatch_slots.
// A booking is one atomic statement (increment unless the hour is full), so replicas booking the same
// hour at once never put more than maxPerHour steps in it; a lost race moves on to the next hour.
import type { BundleFlow, ConfigBundle } from '../../core/bundle/types.js';
import { type SpreadSlot, spreadSlotFor } from '../../core/spread/index.js';
import { sql } from '../../platform/db/index.js';
import type { Tx } from '../dossiers/index.js';

const MS_PER_HOUR = 3_600_000;
/** Hours of existing bookings read at once; allocation past them reads zero and books atomically anyway. */
const HOURS_LOADED = 24 * 14;

/** Bookings per (corporation, flow) seen within one scheduler round, so a batch reads them once. */
export class SlotCache {
  private readonly flows = new Map<string, Map<string, number>>();

  async counts(tx: Tx, corporation: string, flow: string, from: Date): Promise<Map<string, number>> {
    const k = `${corporation}\u0000${flow}`;
    let counts = this.flows.get(k);
    if (!counts) {
      const rows = await tx.any(sql.unsafe`
        SELECT hour_start, booked FROM dispatch_slots
        WHERE corporation = ${corporation} AND flow = ${flow}
          AND hour_start >= ${new Date(from.getTime() - MS_PER_HOUR).toISOString()}
        ORDER BY hour_start LIMIT ${HOURS_LOADED}`);
      counts = new Map(rows.map((r) => [(r.hour_start as Date).toISOString(), r.booked as number]));
      this.flows.set(k, counts);
    }
    return counts;
  }
}

/** Books the next free slot of `flow` from `earliest` on; undefined when the flow has no spread. */
export async function bookSpreadSlot(
  tx: Tx,
  cache: SlotCache,
  bundle: ConfigBundle,
  flow: BundleFlow,
  earliest: Date,
): Promise<SpreadSlot | undefined> {
  const max = flow.spreadPerHour;
  if (!max) return undefined;
  const corporation = bundle.corporation.id;
  const counts = await cache.counts(tx, corporation, flow.name, earliest);
  const lookup = (hourStartIso: string) => counts.get(hourStartIso) ?? 0;
  for (;;) {
    const slot = spreadSlotFor(bundle, flow, earliest, lookup)!;
    const hour = slot.hourStart.toISOString();
    const row = await tx.maybeOne(sql.unsafe`
      INSERT INTO dispatch_slots AS d (corporation, flow, hour_start, booked)
      VALUES (${corporation}, ${flow.name}, ${hour}, 1)
      ON CONFLICT (corporation, flow, hour_start) DO UPDATE SET booked = d.booked + 1
        WHERE d.booked < ${max}
      RETURNING booked`);
    if (!row) {
      counts.set(hour, max); // another replica filled it: try the next hour
      continue;
    }
    const ours = (row.booked as number) - 1;
    const expected = lookup(hour);
    counts.set(hour, ours + 1);
    if (ours === expected) return slot;
    // Others booked this hour meanwhile: our place in it is `ours`, the slot moves accordingly.
    return spreadSlotFor(bundle, flow, earliest, (h) => (h === hour ? ours : lookup(h)))!;
  }
}
