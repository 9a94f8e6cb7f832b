// Reports of consecutive parts of the records (a worker's chunk each) merged into the report of the
// whole: counts and costs added, day rows and channels in the order replay() gives them, failures in
// record order (the parts' order). Pure.
import { addCents } from '../outcomes/index.js';
import type { ReplayDayRow, ReplayReport, Tally } from './types.js';

const emptyTally = (): Tally => ({ contacts: 0, letters: 0, tasks: 0, costCents: 0 });

function addTally(into: Tally, t: Tally): void {
  into.contacts += t.contacts;
  into.letters += t.letters;
  into.tasks += t.tasks;
  into.costCents = addCents(into.costCents, t.costCents);
}

/** The report of the records of `parts` one after the other (parts in record order). */
export function mergeReports(parts: readonly ReplayReport[]): ReplayReport {
  const days = new Map<string, ReplayDayRow>();
  const costs = new Map<string, { channel: string; replayedCents: number; actualCents: number }>();
  const merged: ReplayReport = {
    records: 0,
    failed: [],
    days: [],
    replayed: emptyTally(),
    actual: emptyTally(),
    costPerChannel: [],
  };
  for (const part of parts) {
    merged.records += part.records;
    merged.failed.push(...part.failed);
    addTally(merged.replayed, part.replayed);
    addTally(merged.actual, part.actual);
    for (const d of part.days) {
      // The key replay() sorts its rows by: day, then channel.
      const key = `${d.day}\0${d.channel}`;
      const row = days.get(key);
      if (row) {
        row.replayed += d.replayed;
        row.actual += d.actual;
      } else days.set(key, { ...d });
    }
    for (const c of part.costPerChannel) {
      const cost = costs.get(c.channel);
      if (cost) {
        cost.replayedCents = addCents(cost.replayedCents, c.replayedCents);
        cost.actualCents = addCents(cost.actualCents, c.actualCents);
      } else costs.set(c.channel, { ...c });
    }
  }
  merged.days = [...days.keys()].sort().map((key) => days.get(key)!);
  merged.costPerChannel = [...costs.keys()].sort().map((channel) => costs.get(channel)!);
  return merged;
}
