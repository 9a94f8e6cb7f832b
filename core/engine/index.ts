// The pure flow engine, shared by the simulator and the live runtime. See engine.ts for the semantics.
export { arrangementStatusOn } from './arrangement-timer.js';
export { caseVariables } from './conditions.js';
export { advance, newCaseState, startCase } from './engine.js';
export { noticeFor } from './notice.js';
export { costsWithoutNotice } from './notice-paths.js';
export { plainCopy } from './plain-copy.js';
export {
  alertScheduledText,
  alertSentText,
  amount,
  dispatchLabel,
  messageLabel,
  notSentText,
  quietHoursText,
  type SendWords,
  sendScheduledText,
  sentText,
} from './text.js';
export type {
  CalendarPort,
  CaseArrangement,
  CaseEvent,
  CaseState,
  CaseVariables,
  CaseWatch,
  CollectionCharge,
  CollectionSettings,
  CostLine,
  DebtorEvent,
  Effect,
  EngineContext,
  EngineInput,
  EngineResult,
  EvaluationVars,
  FlowWindow,
  NoticeRecord,
  PlanInput,
  PlanTerm,
  SentMessage,
  TimelineEntry,
} from './types.js';
export { ARRANGEMENT_WATCH, ESTATE_LETTER_STEP, FREEZE_END_WATCH } from './types.js';
