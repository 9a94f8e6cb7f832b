// Replay's wire types (docs/outcomes.md, "Replay"): one NDJSON line per past receivable — as the ERP
// posted it, when it was accepted, what happened to it (payments on their real dates, bounces, opens,
// clicks) and what the street actually sent — and the report: per day and channel what a flow version
// would have sent against what was sent.
import type { ReceivableInput } from '../receivable/index.js';

export type RecordedMessageEvent = 'bounced' | 'delivered' | 'opened' | 'clicked' | 'failed';

export type RecordedEvent =
  | { at: string; type: 'paid' }
  /** balance: what was still open afterwards, in cents. */
  | { at: string; type: 'partiallyPaid'; balance: number }
  /** About the message the street sent for `step` (on `channel`, a channel name). */
  | { at: string; type: RecordedMessageEvent; step: string; channel: string };

export interface RecordedSend {
  at: string;
  step: string;
  channel: string;
  channelType: string;
  /** What it cost when it was sent, in cents (0 without a price). */
  costCents: number;
}

export interface ReplayRecord {
  receivable: ReceivableInput;
  acceptedAt: string;
  /** The end of the history: the replay's virtual clock stops here. */
  until: string;
  events: RecordedEvent[];
  /** Messages to the debtor the street sent. */
  sent: RecordedSend[];
  /** Alerts to consultants (tasks) the street raised. */
  alerts: { at: string; step: string }[];
}

export interface Tally {
  contacts: number;
  letters: number;
  tasks: number;
  costCents: number;
}

export interface ReplayDayRow {
  /** The corporation's local date, YYYY-MM-DD. */
  day: string;
  /** A channel name, or `tasks` for consultant alerts. */
  channel: string;
  replayed: number;
  actual: number;
}

export interface ReplayReport {
  records: number;
  /** Records the flow version could not run (invalid, or classified into a missing flow). */
  failed: { externalId: string; error: string }[];
  days: ReplayDayRow[];
  replayed: Tally;
  actual: Tally;
  /** Per channel, what the replayed version's messages would have cost. */
  costPerChannel: { channel: string; replayedCents: number; actualCents: number }[];
}
