export {
  type EventFeedQuery,
  eventFeedQuerySchema,
  type PaymentInput,
  paymentSchema,
  type ReceivablePatch,
  receivablePatchSchema,
  validateEventFeedQuery,
  validatePayment,
  validateReceivablePatch,
} from './change-schemas.js';
export {
  canonicalJson,
  changedFields,
  correctionSentence,
  isNewer,
  postedBalance,
  type VersionMark,
} from './corrections.js';
export { isStorableText, printable, textProblem, unsafeTextErrors } from './safe-text.js';
export { type ReceivableInput, receivableSchema } from './schema.js';
export { validateReceivable } from './validate-receivable.js';
export { describeFieldErrors, type FieldError, type Validation } from './validate-schema.js';
