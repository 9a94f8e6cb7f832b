export {
  CONTACT_CLASSES,
  type ContactCandidate,
  type ContactClass,
  type ContactDecision,
  type ContactLimit,
  type ContactPolicy,
  type ContactReason,
  type ContactReasonCode,
  type ContactRecord,
  type ContactScopePolicy,
  type ContactSend,
  compareSends,
  decideContact,
  spanText,
} from './decide-contact.js';
export { contactClassOf, sendChannelTypeOf } from './pending-send.js';
export {
  type ContactLimitSpec,
  type ContactPolicySpec,
  contactPolicyOf,
  lookbackMs,
  rollingMs,
} from './policy.js';
export { budgetDeferredText, budgetSkipReason } from './text.js';
