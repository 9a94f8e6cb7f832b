// The pure flow engine, shared by the simulator and the live runtime. See engine.ts for the semantics.
export { caseVariables } from './conditions.js';
export { advance, newCaseState, startCase } from './engine.js';
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
  DebtorEvent,
  Effect,
  EngineContext,
  EngineInput,
  EngineResult,
  EvaluationVars,
  FlowWindow,
  PlanInput,
  PlanTerm,
  SentMessage,
  TimelineEntry,
} from './types.js';
export { ARRANGEMENT_WATCH, FREEZE_END_WATCH } from './types.js';
