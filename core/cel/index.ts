// CEL expressions for ClassificationRules, Flow preconditions and branch steps: compile (parse + check
// against the declared variables of an environment), evaluate against an activation, and the helpers
// that build that activation. Pure: no I/O, no clock (callers pass `now`). Variables: see variables.ts.
export {
  type ActivationDebtorInput,
  type ActivationReceivableInput,
  type BuildActivationInput,
  buildActivation,
  type CaseVars,
  type CelActivation,
  type DebtorVars,
  type ReceivableSource,
  type ReceivableVars,
} from './activation.js';
export { type CompiledExpression, compileExpression } from './compile-expression.js';
export {
  CEL_COMPILE_ERROR_CODE,
  CEL_EVAL_ERROR_CODE,
  CelCompileError,
  type CelCompileErrorInit,
  CelEvalError,
  type CelEvalErrorInit,
  type CelEvalErrorReason,
  isCelCompileError,
  isCelEvalError,
} from './errors.js';
export { evaluate, evaluateBool } from './evaluate.js';
export {
  EMPTY_PAYMENT_HISTORY,
  type PaymentHistoryEntry,
  type PaymentHistorySummary,
  type SummarizeOptions,
  summarizePaymentHistory,
} from './payment-history.js';
export {
  CEL_ENV_NAMES,
  CEL_VARIABLES,
  type CelEnvName,
  type CelFieldType,
  type CelStaticKind,
  type CelVariableSpec,
  type CelVariableType,
  variablesOf,
} from './variables.js';
