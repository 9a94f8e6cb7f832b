// The scheduler's half of dispatch over JetStream: the queued steps of one corporation and channel type go
// on ost.dispatch.<corporation>.<channel type> in groups of up to OST_DISPATCH_GROUP pointers a message —
// the group a dispatcher prepares in one transaction — so JetStream stores, delivers and acks one message
// per group instead of one per send (ADR 0004, "One message a group"). The msgID is made of the group's
// step row ids and attempts, so a publish the scheduler repeats (lost PubAck, NATS restart mid-publish) is
// stored once; a retry is a new attempt, so a new message.
import { createHash } from 'node:crypto';
import type { JetStreamClient } from '@nats-io/jetstream';
import { dispatchSubject } from '../../platform/bus/index.js';
import type { DispatchWork } from './dispatch-message.js';
import { MAX_POINTERS } from './read-dispatch-work.js';

export interface QueuedStep {
  work: DispatchWork;
  channelType: string;
}

/** msgID of a dispatch message: the same group of step rows and attempts gives the same id. */
export const dispatchMsgId = (works: readonly DispatchWork[]) =>
  `steps:${createHash('sha256')
    .update(works.map((w) => `${w.stepRowId}:${w.attempt}`).join(','))
    .digest('base64url')}`;

/** The steps in messages: per subject, in the order given, at most `groupSize` to a message. */
export function dispatchMessages(
  steps: readonly QueuedStep[],
  groupSize: number,
): { subject: string; works: DispatchWork[] }[] {
  const size = Math.max(1, Math.min(MAX_POINTERS, Math.floor(groupSize)));
  const bySubject = new Map<string, DispatchWork[][]>();
  for (const { work, channelType } of steps) {
    const subject = dispatchSubject(work.corporation, channelType);
    const groups = bySubject.get(subject) ?? [];
    bySubject.set(subject, groups);
    const last = groups.at(-1);
    if (last && last.length < size) last.push(work);
    else groups.push([work]);
  }
  return [...bySubject].flatMap(([subject, groups]) => groups.map((works) => ({ subject, works })));
}

/** Publishes every queued step; returns the step row ids whose publish failed (to give back at once). */
export async function publishDispatch(
  js: JetStreamClient,
  steps: readonly QueuedStep[],
  groupSize: number,
  timeoutMs = 10_000,
): Promise<string[]> {
  const failed: string[] = [];
  await Promise.all(
    dispatchMessages(steps, groupSize).map(async ({ subject, works }) => {
      try {
        await js.publish(subject, JSON.stringify(works), { msgID: dispatchMsgId(works), timeout: timeoutMs });
      } catch {
        failed.push(...works.map((w) => w.stepRowId));
      }
    }),
  );
  return failed;
}
