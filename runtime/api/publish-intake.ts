import type { JetStreamClient, JetStreamPublishOptions } from '@nats-io/jetstream';
import { createError } from '../../core/errors/index.js';
import { intakeSubject } from '../../platform/bus/subjects.js';

/** Puts one intake message on JetStream; resolves once it is stored (and says whether it was a repeat). */
export async function publishToIntake(
  js: JetStreamClient,
  corporation: string,
  body: string | Uint8Array,
  options: Partial<JetStreamPublishOptions>,
): Promise<{ duplicate: boolean }> {
  try {
    const ack = await js.publish(intakeSubject(corporation), body, options);
    return { duplicate: ack.duplicate };
  } catch (cause) {
    throw createError('OST_ERR_BUS', ['the receivable could not be stored; nothing was accepted'], { cause });
  }
}
