// Replays past receivables through a flow version: the pure simulator (the same engine, classification
// and dispatch rules the runtime runs) with each receivable's recorded payments and message events on a
// virtual clock, tallied per local day and channel next to what the street actually sent. Pure.
import type { ConfigBundle } from '../bundle/types.js';
import { localDateKey, localDateOf } from '../calendar/index.js';
import { addCents, priceCents } from '../outcomes/index.js';
import { type SimEvent, simulate } from '../simulator/index.js';
import type { RecordedEvent, ReplayDayRow, ReplayRecord, ReplayReport, Tally } from './types.js';

export interface ReplayOptions {
  /** Called every `progressEvery` records with how many are done. */
  onProgress?: (done: number) => void;
  progressEvery?: number;
}

const TASKS = 'tasks';
const emptyTally = (): Tally => ({ contacts: 0, letters: 0, tasks: 0, costCents: 0 });

function simEvent(e: RecordedEvent): SimEvent {
  if (e.type === 'paid') return { at: e.at, type: 'paid' };
  if (e.type === 'partiallyPaid') return { at: e.at, type: 'partiallyPaid', balance: e.balance };
  return { at: e.at, type: e.type, step: e.step, channel: e.channel };
}

/** Counts per day and channel, for one side of the report. */
class Side {
  readonly tally = emptyTally();
  readonly perDay = new Map<string, number>();
  readonly costPerChannel = new Map<string, number>();

  constructor(private readonly timeZone: string) {}

  send(at: string, channel: string, channelType: string, costCents: number): void {
    this.count(at, channel);
    this.tally.contacts++;
    if (channelType === 'letter') this.tally.letters++;
    this.tally.costCents = addCents(this.tally.costCents, costCents);
    this.costPerChannel.set(channel, addCents(this.costPerChannel.get(channel) ?? 0, costCents));
  }

  task(at: string): void {
    this.count(at, TASKS);
    this.tally.tasks++;
  }

  private count(at: string, channel: string): void {
    const key = `${localDateKey(localDateOf(new Date(at), this.timeZone))}\0${channel}`;
    this.perDay.set(key, (this.perDay.get(key) ?? 0) + 1);
  }
}

/**
 * A replay fed one record at a time (the CLI streams the NDJSON file into it), counting as it goes: only
 * the per-day, per-channel tallies are kept, never the records or their simulations.
 */
export class Replay {
  private readonly replayed: Side;
  private readonly actual: Side;
  private readonly failed: ReplayReport['failed'] = [];
  private readonly price: Map<string, number>;
  private n = 0;

  constructor(private readonly bundle: ConfigBundle) {
    const tz = bundle.corporation.timezone;
    this.replayed = new Side(tz);
    this.actual = new Side(tz);
    this.price = new Map(
      Object.values(bundle.channels).map((c) => [c.name, priceCents(c.spec.pricePerMessage) ?? 0]),
    );
  }

  /** How many records were added. */
  get count(): number {
    return this.n;
  }

  add(record: ReplayRecord): void {
    this.n++;
    for (const s of record.sent) this.actual.send(s.at, s.channel, s.channelType, s.costCents);
    for (const a of record.alerts) this.actual.task(a.at);
    try {
      const from = Date.parse(record.acceptedAt);
      const result = simulate({
        bundle: this.bundle,
        receivable: record.receivable,
        events: record.events.filter((e) => Date.parse(e.at) >= from).map(simEvent),
        start: record.acceptedAt,
        until: record.until,
        render: false,
      });
      // Not rendered (speed): a template that would fail on this receivable's data still counts.
      for (const m of result.messages)
        this.replayed.send(m.at, m.channel, m.channelType, this.price.get(m.channel) ?? 0);
      for (const a of result.alerts) this.replayed.task(a.at);
    } catch (err) {
      this.failed.push({ externalId: String(record.receivable.externalId), error: (err as Error).message });
    }
  }

  report(): ReplayReport {
    return report(this.n, this.failed, this.replayed, this.actual);
  }
}

export function replay(
  bundle: ConfigBundle,
  records: Iterable<ReplayRecord>,
  options: ReplayOptions = {},
): ReplayReport {
  const run = new Replay(bundle);
  const every = options.progressEvery ?? 1_000;
  for (const record of records) {
    run.add(record);
    if (options.onProgress && run.count % every === 0) options.onProgress(run.count);
  }
  options.onProgress?.(run.count);
  return run.report();
}

function report(records: number, failed: ReplayReport['failed'], replayed: Side, actual: Side): ReplayReport {
  const keys = [...new Set([...replayed.perDay.keys(), ...actual.perDay.keys()])].sort();
  const days: ReplayDayRow[] = keys.map((key) => {
    const [day, channel] = key.split('\0') as [string, string];
    return { day, channel, replayed: replayed.perDay.get(key) ?? 0, actual: actual.perDay.get(key) ?? 0 };
  });
  const channels = [...new Set([...replayed.costPerChannel.keys(), ...actual.costPerChannel.keys()])].sort();
  return {
    records,
    failed,
    days,
    replayed: replayed.tally,
    actual: actual.tally,
    costPerChannel: channels.map((channel) => ({
      channel,
      replayedCents: replayed.costPerChannel.get(channel) ?? 0,
      actualCents: actual.costPerChannel.get(channel) ?? 0,
    })),
  };
}
