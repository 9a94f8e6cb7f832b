// The scheduler's half of dispatch over JetStream: one message per queued step on
// ost.dispatch.<corporation>.<channel type>, with the step row id and attempt as msgID so a publish the
// scheduler repeats (lost PubAck, NATS restart mid-publish) is stored once.
import type { JetStreamClient } from '@nats-io/jetstream';
import { dispatchSubject } from '../../platform/bus/index.js';
import type { DispatchWork } from './dispatch-message.js';

export interface QueuedStep {
  work: DispatchWork;
  channelType: string;
}

/** msgID of a dispatch message: unique per step row and attempt (a retry is a new attempt). */
export const dispatchMsgId = (work: DispatchWork) => `step:${work.stepRowId}:${work.attempt}`;

/** Publishes every queued step; returns the step row ids whose publish failed (to give back at once). */
export async function publishDispatch(
  js: JetStreamClient,
  steps: readonly QueuedStep[],
  timeoutMs = 10_000,
): Promise<string[]> {
  const failed: string[] = [];
  await Promise.all(
    steps.map(async ({ work, channelType }) => {
      try {
        await js.publish(dispatchSubject(work.corporation, channelType), JSON.stringify(work), {
          msgID: dispatchMsgId(work),
          timeout: timeoutMs,
        });
      } catch {
        failed.push(work.stepRowId);
      }
    }),
  );
  return failed;
}
