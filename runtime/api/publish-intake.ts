import type { JetStreamClient, JetStreamPublishOptions } from '@nats-io/jetstream';
import { createError } from '../../core/errors/index.js';
import { intakeBulkSubject, intakeSubject } from '../../platform/bus/subjects.js';

/**
 * Puts one intake message on JetStream; resolves once it is stored (and says whether it was a repeat).
 * `bulk`: a large chunk of a bulk post (bulk-intake.ts, BULK_LANE_MIN), or a single post beyond its
 * corporation's rate (receivable-routes.ts), on the bulk lane.
 */
export async function publishToIntake(
  js: JetStreamClient,
  corporation: string,
  body: string | Uint8Array,
  options: Partial<JetStreamPublishOptions>,
  lane: 'single' | 'bulk' = 'single',
): Promise<{ duplicate: boolean }> {
  const subject = lane === 'bulk' ? intakeBulkSubject(corporation) : intakeSubject(corporation);
  try {
    const ack = await js.publish(subject, body, options);
    return { duplicate: ack.duplicate };
  } catch (cause) {
    throw createError('OST_ERR_BUS', ['the receivable could not be stored; nothing was accepted'], { cause });
  }
}
