// Dispatch: a queued step re-checked under the case lock, handed to its channel, the outcome recorded.
// The stage's public face: other folders import from here, never from its files.
export { Dispatcher } from './dispatcher.js';
export { publishDispatch, type QueuedStep } from './publish-dispatch.js';
