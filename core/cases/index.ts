export { activationFor, type Classification, classify } from './classify.js';
export {
  type DossierItem,
  type DossierView,
  disputedExternalIds,
  dossierEvent,
  dossierReceivable,
  dossierView,
  openItems,
} from './dossier.js';
export { calendarOf, engineContext, nextSendMoment } from './engine-context.js';
export { type PaymentShare, spreadPayment } from './payment-spread.js';
export { channelQuietUntil } from './quiet-hours.js';
export { initialStatus, type ReceivableState, receivableState } from './receivable-state.js';
export { withholdReason } from './withhold.js';
