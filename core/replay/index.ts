// Replay: past receivables with what happened to them through a flow version, per day and channel
// next to what the street sent. Pure. docs/outcomes.md, "Replay".
export { mergeReports } from './merge.js';
export { Replay, type ReplayOptions, replay } from './replay.js';
export type {
  RecordedEvent,
  RecordedMessageEvent,
  RecordedSend,
  ReplayDayRow,
  ReplayRecord,
  ReplayReport,
  Tally,
} from './types.js';
