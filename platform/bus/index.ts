export { BUNDLE_BUCKET, BUNDLE_HISTORY, ensureBundleBucket } from './bundle-bucket.js';
export { natsReady } from './bus-health.js';
export { type ConnectBusOptions, connectBus, describeNatsServer, type NatsSecurity } from './connect-bus.js';
export {
  CHANNEL_TYPES,
  type ChannelType,
  type ConsumerSpec,
  DISPATCH_ACK_WAIT_MS,
  dispatchConsumerName,
  dispatchConsumerSpec,
  ensureConsumer,
  ensureRuntimeConsumers,
  INTAKE_ACK_WAIT_MS,
  INTAKE_BULK_CONSUMER,
  INTAKE_CONSUMER,
  INTAKE_CONSUMER_SPEC,
  intakeConsumerSpec,
} from './consumers.js';
export {
  DEFAULT_REDELIVERY,
  isLastDelivery,
  isUnanswered,
  keepWorking,
  type RedeliveryPolicy,
  redeliveryDelay,
  retryLater,
  serverMaxDeliver,
} from './redelivery.js';
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
  intakeBulkSubject,
  intakeSubject,
} from './subjects.js';
