// Outcomes: what followed each dossier and each message — paid within 3/7/14/30 days, recovered,
// arrangement, reply, complaint, cost — and the attribution rules. Pure. docs/outcomes.md.

export {
  costPerEuroRecovered,
  emptyTotals,
  type FlowTotals,
  flowTotals,
  type OutcomeTotals,
  type StepTotals,
  stepTotals,
} from './aggregate.js';
export {
  type DossierHistory,
  type DossierOutcome,
  dossierOutcome,
  type MessageOutcome,
  messageOutcomes,
  type Outcome,
  type OutcomeMessage,
  type OutcomePayment,
  type OutcomeReply,
  type PerWindow,
} from './attribution.js';
export { addCents, priceCents } from './price.js';
export {
  COMPLAINT_REPLY_CLASSES,
  DAY_MS,
  isComplaintReply,
  OUTCOME_WINDOWS,
  type OutcomeWindow,
  withinDays,
} from './rules.js';
