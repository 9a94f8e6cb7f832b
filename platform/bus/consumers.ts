// The runtime's durable JetStream consumers: one for intake, one per channel type for dispatch. Every
// replica ensures them at start and pulls from them, so the server shares the messages between replicas.
import {
  AckPolicy,
  type ConsumerConfig,
  DeliverPolicy,
  JetStreamApiCodes,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { isJetStreamApiError } from './find-stream.js';
import { DEFAULT_REDELIVERY, type RedeliveryPolicy, serverMaxDeliver } from './redelivery.js';
import { DISPATCH_STREAM, INTAKE_STREAM } from './streams.js';

export const INTAKE_CONSUMER = 'intake';
/** The bulk lane of intake: the chunks of NDJSON posts (subjects.ts, intakeBulkSubject). */
export const INTAKE_BULK_CONSUMER = 'intake-bulk';
/** What the intake consumer takes: everything but bulk chunks (one posted receivable, payments, statuses). */
export const INTAKE_SINGLE_FILTER = 'ost.intake.*';
export const INTAKE_BULK_FILTER = 'ost.intake.*.bulk';

/** Channel types the street knows; each has its own dispatch consumer. */
export const CHANNEL_TYPES = ['email', 'sms', 'voice', 'letter', 'webhook'] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

export const dispatchConsumerName = (channelType: string) => `dispatch-${channelType}`;

export interface ConsumerSpec {
  stream: string;
  durable: string;
  filterSubject?: string;
  ackWaitMs: number;
  /** Unacknowledged messages the server hands out at once, across all replicas. */
  maxAckPending: number;
  /** Deliveries per message (redelivery.ts: one more than the runtime acts on); never unbounded. */
  maxDeliver: number;
}

/** How long a puller may hold a message before the server hands it to another one (heartbeats extend it). */
export const INTAKE_ACK_WAIT_MS = 60_000;
export const DISPATCH_ACK_WAIT_MS = 60_000;

export function intakeConsumerSpec(
  policy: RedeliveryPolicy = DEFAULT_REDELIVERY,
  lane: 'single' | 'bulk' = 'single',
): ConsumerSpec {
  return {
    stream: INTAKE_STREAM,
    durable: lane === 'bulk' ? INTAKE_BULK_CONSUMER : INTAKE_CONSUMER,
    filterSubject: lane === 'bulk' ? INTAKE_BULK_FILTER : INTAKE_SINGLE_FILTER,
    ackWaitMs: INTAKE_ACK_WAIT_MS,
    maxAckPending: 20_000,
    maxDeliver: serverMaxDeliver(policy),
  };
}

export const INTAKE_CONSUMER_SPEC: ConsumerSpec = intakeConsumerSpec();

export function dispatchConsumerSpec(
  channelType: string,
  policy: RedeliveryPolicy = DEFAULT_REDELIVERY,
): ConsumerSpec {
  return {
    stream: DISPATCH_STREAM,
    durable: dispatchConsumerName(channelType),
    filterSubject: `ost.dispatch.*.${channelType}`,
    ackWaitMs: DISPATCH_ACK_WAIT_MS,
    maxAckPending: 5_000,
    maxDeliver: serverMaxDeliver(policy),
  };
}

/** Creates the durable consumer, or brings an existing one to the wanted limits. */
export async function ensureConsumer(jsm: JetStreamManager, spec: ConsumerSpec): Promise<void> {
  const want: Partial<ConsumerConfig> = {
    durable_name: spec.durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanos(spec.ackWaitMs),
    max_ack_pending: spec.maxAckPending,
    max_deliver: spec.maxDeliver,
    ...(spec.filterSubject ? { filter_subject: spec.filterSubject } : {}),
  };
  let have: ConsumerConfig | undefined;
  try {
    have = (await jsm.consumers.info(spec.stream, spec.durable)).config;
  } catch (err) {
    if (!isJetStreamApiError(err, JetStreamApiCodes.ConsumerNotFound)) throw err;
  }
  if (!have) {
    try {
      await jsm.consumers.add(spec.stream, want);
      return;
    } catch (err) {
      // Another replica created it in between; fall through and reconcile its limits.
      have = (await jsm.consumers.info(spec.stream, spec.durable)).config;
      if (!have) throw err;
    }
  }
  // A consumer made before max_deliver was bounded has -1 (redeliver forever): brought to the limit too.
  // The intake consumer made before the bulk lane took every subject: narrowed to its own.
  if (
    have.ack_wait !== want.ack_wait ||
    have.max_ack_pending !== want.max_ack_pending ||
    have.max_deliver !== want.max_deliver ||
    (want.filter_subject !== undefined && have.filter_subject !== want.filter_subject)
  ) {
    await jsm.consumers.update(spec.stream, spec.durable, {
      ack_wait: want.ack_wait!,
      max_ack_pending: want.max_ack_pending!,
      max_deliver: want.max_deliver!,
      ...(want.filter_subject !== undefined ? { filter_subject: want.filter_subject } : {}),
    });
  }
}

/** Every consumer the runtime pulls from, with the street's redelivery policy. */
export async function ensureRuntimeConsumers(
  jsm: JetStreamManager,
  policy: RedeliveryPolicy = DEFAULT_REDELIVERY,
): Promise<void> {
  // The single lane first: narrowed from every subject, it no longer overlaps the bulk lane's filter (a
  // work-queue stream refuses two consumers whose filters overlap).
  await ensureConsumer(jsm, intakeConsumerSpec(policy, 'single'));
  await ensureConsumer(jsm, intakeConsumerSpec(policy, 'bulk'));
  for (const type of CHANNEL_TYPES) await ensureConsumer(jsm, dispatchConsumerSpec(type, policy));
}
