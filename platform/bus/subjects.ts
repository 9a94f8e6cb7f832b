import { createError } from '../../core/errors/index.js';

// Subject layout: ost.<stream>.<corporation>[.<more>]. Corporation comes second so a consumer (or a NATS
// permission) can be narrowed to one corporation with `ost.dispatch.<corporation>.>`.
export const INTAKE_SUBJECTS = 'ost.intake.>';
export const DISPATCH_SUBJECTS = 'ost.dispatch.>';
export const EVENT_SUBJECTS = 'ost.events.>';

/** Receivables, payments and status changes accepted by the ingress for one corporation. */
export function intakeSubject(corporation: string): string {
  return `ost.intake.${token(corporation, 'corporation')}`;
}

/**
 * A bulk post's chunks for one corporation: a lane of their own (consumer `intake-bulk`), so a bulk of a
 * hundred thousand never stands between another corporation's single receivable and intake.
 */
export function intakeBulkSubject(corporation: string): string {
  return `${intakeSubject(corporation)}.bulk`;
}

/** Work for the channel adapters of one channel type (email, sms, voice, letter, webhook). */
export function dispatchSubject(corporation: string, channelType: string): string {
  return `ost.dispatch.${token(corporation, 'corporation')}.${token(channelType, 'channel type')}`;
}

/** Domain events; `type` may be dotted (`message.bounced`), each part becomes a subject token. */
export function eventSubject(corporation: string, type: string): string {
  const parts = type.split('.').map((part) => token(part, 'event type'));
  return `ost.events.${token(corporation, 'corporation')}.${parts.join('.')}`;
}

const TOKEN = /^[A-Za-z0-9_-]+$/;

function token(value: string, what: string): string {
  if (!TOKEN.test(value)) {
    throw createError('OST_ERR_CONFIG', [
      `${what} "${value}" cannot be used in a NATS subject`,
      'use letters, digits, "-" and "_" only (Kubernetes names already are)',
    ]);
  }
  return value;
}
