// The domain: receivables, cases, steps, events and links in Postgres; every stage builds on it.
// The stage's public face: other folders import from here, never from its files.
export { insertSteps, planEffects, type StepInsert, withoutLinkClosed } from './apply-effects.js';
export { applyReceivableEvent } from './case-events.js';
export {
  type CaseRow,
  type CaseTimelineEntry,
  caseTimeline,
  type EventInput,
  insertEvents,
  lockCase,
  type ReceivableRow,
  receivableRowOf,
  type Tx,
  withCurrentDebtor,
} from './case-repository.js';
export { bundleForCase, feedCase } from './case-runner.js';
export { type DebtorData, debtorRefOf, upsertDebtors } from './debtor-repository.js';
export { type FeedEvent, formatCursor, parseCursor, readEvents } from './event-feed.js';
export { ensureLink, linksForTemplate, linkUrl } from './payment-link.js';
export {
  claimSteps,
  countQueued,
  type DueStep,
  deferStep,
  deferToSlot,
  finishStep,
  lockDueSteps,
  lockStep,
  markSpreadBooked,
  releaseClaims,
  releaseStaleClaims,
  retryStepLater,
  type StepRow,
  takeQueuedStep,
} from './step-claims.js';
