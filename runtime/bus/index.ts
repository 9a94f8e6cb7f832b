export { BUNDLE_BUCKET, BUNDLE_HISTORY, ensureBundleBucket } from './bundle-bucket.js';
export { type ConnectBusOptions, connectBus, describeNatsServer } from './connect-bus.js';
export {
  DISPATCH_STREAM,
  DUPLICATE_WINDOW_MS,
  type EnsureOutcome,
  type EnsureStreamsOptions,
  EVENTS_STREAM,
  ensureStreams,
  INTAKE_STREAM,
  STREAMS,
  type StreamSpec,
} from './streams.js';
export {
  DISPATCH_SUBJECTS,
  dispatchSubject,
  EVENT_SUBJECTS,
  eventSubject,
  INTAKE_SUBJECTS,
  intakeSubject,
} from './subjects.js';
