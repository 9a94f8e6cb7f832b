export { activationFor, type Classification, classify } from './classify.js';
export { calendarOf, engineContext } from './engine-context.js';
export { type ReceivableState, receivableState } from './receivable-state.js';
