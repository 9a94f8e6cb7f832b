// The domain: receivables, cases, steps, events and links in Postgres; every stage builds on it.
// The stage's public face: other folders import from here, never from its files.
export {
  insertSteps,
  newCaseStepsCopy,
  planEffects,
  type StepInsert,
  withoutLinkClosed,
} from './apply-effects.js';
export { type ArrangementTermView, type ArrangementView, loadArrangements } from './arrangement-history.js';
export { checkedPlan, ERP_LIMITS, type PlanRequest } from './arrangement-plans.js';
export { applyReceivableEvent } from './case-events.js';
export {
  appendTimeline,
  type CaseRow,
  type CaseTimelineEntry,
  caseTimeline,
  type EventInput,
  eventsCopy,
  insertEvents,
  lockCase,
  type ReceivableRow,
  receivableRowOf,
  type Tx,
  withCurrentDebtor,
} from './case-repository.js';
export { bundleForCase, feedCase } from './case-runner.js';
export { correctReceivables, type RePost, storedReceivable } from './corrections.js';
export {
  type DeadLetterDeps,
  type DeadLetterInput,
  type DeadLetterView,
  deadLetterOf,
  failureName,
  findDeadLetter,
  listDeadLetters,
  markRedriven,
  recordDeadLetter,
  rescheduleDeadStep,
} from './dead-letters.js';
export {
  type CaseSubject,
  caseSubject,
  dossierEvent,
  dossierItems,
  dossierKey,
  insertCaseItems,
  insertCases,
  lockRunningDossiers,
  newCasesCopy,
  subjectOf,
} from './debtor-dossiers.js';
export { type DebtorLock, debtorGate, lockDebtorOfCase } from './debtor-gate.js';
export { type DebtorData, debtorRefOf, upsertDebtors } from './debtor-repository.js';
export { type DebtorPatchResult, type DebtorStatusDeps, patchDebtor } from './debtor-status.js';
export { applyDossierPayment, type DossierPaymentResult, payableDossier } from './dossier-payment.js';
export {
  type CreatedSignal,
  type DossierItem,
  dossierReceivables,
  evaluateEarlySignals,
  recordContactAttempt,
  recordEarlySignalObjection,
} from './early-signals.js';
export { debtorHash, type ErasureResult, eraseDebtor } from './erase-debtor.js';
export { eraseRows } from './erase-rows.js';
export { EVENT_FACTS } from './event-facts.js';
export { FEED_START, type FeedEvent, formatCursor, parseCursor, readEvents } from './event-feed.js';
export { byReceivable } from './event-rows.js';
export {
  experimentCounts,
  findAllocation,
  findExperiment,
  refreshAllocations,
  type StoredAllocation,
  saveAllocation,
} from './experiment-results.js';
export { joinDossier } from './join-dossier.js';
export { type LinkSeal, linkSeal, linkSealFor, placeholderOf, sealOfLinks } from './link-seal.js';
export { type LinkKeyRow, LinkTokens, tokenHash } from './link-tokens.js';
export { NOT_PERSONAL } from './not-personal.js';
export { derivedTaskId, insertTask, type NewTask, openTask, type TaskKind } from './open-task.js';
export { reportFinalOutcomes } from './outcome-events.js';
export { flowOutcomes, type OutcomeQuery, stepOutcomes } from './outcome-totals.js';
export {
  consoleUrl,
  ensureLink,
  type LinkRequest,
  linksForTemplate,
  linksForTemplates,
  linkUrl,
} from './payment-link.js';
export {
  PERSONAL_DATA,
  personalColumns,
  RETENTION_KINDS,
  type RetentionKind,
  ROOT_TABLES,
} from './personal-data.js';
export { checkPromise, type PromiseCheck, type PromiseRequest } from './promise-plans.js';
export { replayRecords } from './replay-records.js';
export { emptyStartRows, type StartRows, startCaseRows } from './start-case.js';
export {
  claimSteps,
  countQueued,
  type DueStep,
  deferStep,
  deferToSlot,
  dueStepsQuery,
  finishStep,
  holdStep,
  LANE_KINDS,
  type LockedStep,
  lockDueSteps,
  lockStep,
  markSpreadBooked,
  releaseClaims,
  releaseStaleClaims,
  renewStepLease,
  renewStepLeases,
  retryStepLater,
  type StepRow,
  takeQueuedStep,
} from './step-claims.js';
export {
  findTask,
  listTasks,
  patchTask,
  TASK_FILTERS,
  TASK_LIST_MAX,
  TASK_STATUSES,
  type TaskFilter,
  type TaskPatch,
  type TaskStatus,
  type TaskView,
  taskTeams,
  validateTaskPatch,
  workList,
} from './tasks.js';
