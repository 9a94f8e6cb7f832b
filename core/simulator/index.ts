// The flow simulator: one receivable (or several of one household) through a compiled bundle on a virtual clock, with the same engine,
// classification and rendering as the runtime. Pure; used by `outputstraat simulate` and `outputstraat test`.
export { ALERT_ACTION_LABELS, recipientOf, withheldBecause } from './dispatch.js';
export {
  type HouseholdCase,
  type HouseholdResult,
  type SimulateHouseholdInput,
  simulate,
  simulateHousehold,
} from './household.js';
export { isOffset, resolveInstant, toDate } from './instants.js';
export { messageLabel } from './rows.js';
export type {
  CaseEnd,
  DeferredSend,
  Instant,
  MessageEventType,
  SimAlert,
  SimEvent,
  SimMessage,
  SimulateInput,
  SimulationResult,
  SkippedStep,
  StatusEventType,
  TimelineKind,
  TimelineRow,
} from './types.js';
