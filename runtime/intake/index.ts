// Intake: accepted receivables from JetStream into Postgres — classified, a case and its first steps.
// The stage's public face: other folders import from here, never from its files.

export { debtorInIntake, INTAKE_SCAN_LIMIT, type IntakeBacklog } from './intake-backlog.js';
export {
  chunkMsgId,
  RECEIVABLE_COUNT_HEADER,
  receivableMsgId,
  type SingleIntakeEnvelope,
} from './intake-envelope.js';
export { IntakeWorker } from './intake-worker.js';
