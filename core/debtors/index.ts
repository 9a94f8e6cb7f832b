export { type DebtorPatch, debtorPatchSchema, validateDebtorPatch } from './debtor-patch.js';
export { householdIdOf } from './household.js';
export {
  allDisputed,
  CHANNEL_TYPES,
  type DebtAssistanceKind,
  type DebtorStatuses,
  disputedItems,
  freezeEnd,
  isFrozen,
  sendRefusal,
  statusEvents,
} from './statuses.js';
