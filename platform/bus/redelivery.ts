// How many times JetStream hands a message to the runtime, and how long the runtime waits between tries,
// before it gives the message up as a dead letter. The runtime counts the deliveries itself (a message
// that keeps failing is dead-lettered on its last delivery, with the reason) and tells the server the
// wait with each nak, computed by the one backoff formula. The consumer's own max_deliver is one more
// than the runtime's: a message whose workers died or hung on every delivery comes once more, to be
// dead-lettered without being processed again, and the server never redelivers anything forever.
import type { JsMsg } from '@nats-io/jetstream';
import { backoffDelay } from '../backoff.js';

export interface RedeliveryPolicy {
  /** Deliveries a failing message gets before it is dead-lettered (OST_MAX_DELIVER). */
  maxDeliver: number;
  /** The wait before the second delivery; it doubles per delivery up to maxDelayMs (OST_REDELIVERY_DELAY_MS). */
  initialDelayMs: number;
  maxDelayMs: number;
}

/**
 * Six deliveries, 2 s doubling to 5 min apart: a message that fails every time is a dead letter after
 * about a minute (2 + 4 + 8 + 16 + 32 s, each between half and the whole of it), which is long enough to
 * ride out a flapping dependency and short enough that an ERP hears about it the same minute.
 */
export const DEFAULT_REDELIVERY: RedeliveryPolicy = {
  maxDeliver: 6,
  initialDelayMs: 2_000,
  maxDelayMs: 5 * 60_000,
};

/** What the consumer is configured with: one delivery more than the runtime acts on (see above). */
export const serverMaxDeliver = (policy: RedeliveryPolicy) => policy.maxDeliver + 1;

/** The wait before the next delivery of a message that failed on delivery number `deliveryCount`. */
export function redeliveryDelay(deliveryCount: number, policy: RedeliveryPolicy): number {
  return backoffDelay(deliveryCount - 1, {
    initialMs: policy.initialDelayMs,
    maxMs: policy.maxDelayMs,
    jitter: 'equal',
  });
}

/** This is the last delivery the runtime acts on: a failure now makes the message a dead letter. */
export const isLastDelivery = (msg: JsMsg, policy: RedeliveryPolicy) =>
  msg.info.deliveryCount >= policy.maxDeliver;

/** Delivered more often than the runtime acts on: earlier deliveries never came back (a worker died or hung). */
export const isUnanswered = (msg: JsMsg, policy: RedeliveryPolicy) =>
  msg.info.deliveryCount > policy.maxDeliver;

/** Nak with the policy's wait; returns the wait. */
export function retryLater(msg: JsMsg, policy: RedeliveryPolicy): number {
  const delay = redeliveryDelay(msg.info.deliveryCount, policy);
  msg.nak(delay);
  return delay;
}

/**
 * Keeps messages in hand from being redelivered while work on them goes on (a long batch, a wait for the
 * database): working() every quarter of the ack wait. Settled messages ignore it. Returns the stop.
 */
export function keepWorking(msgs: readonly JsMsg[], ackWaitMs: number): () => void {
  const timer = setInterval(() => {
    for (const msg of msgs) msg.working();
  }, ackWaitMs / 4);
  timer.unref();
  return () => clearInterval(timer);
}
