// What a failed hand-over to an SMTP relay means, in words an operator can act on. nodemailer reports
// ETIMEDOUT for a missing greeting or a silent connection, EABORT when our deadline or the dispatcher cut
// the send short, ETLS when the relay would not do STARTTLS. Every case is retried by the dispatcher with
// the same message (same Message-ID): a relay that received the whole message but never said so may
// deliver it twice, never two different messages.
import { createError, type OutputstraatError } from '../../core/errors/index.js';
import type { SmtpSecurity } from './smtp-security.js';

export interface SmtpFailureContext {
  security: SmtpSecurity | undefined;
  /** Set when the whole-send deadline (OST_SEND_TIMEOUT_MS) ran out. */
  deadlineMs: number | undefined;
  /** Set when the dispatcher aborted the send (its claim on the step was lost). */
  abortedBy: Error | undefined;
}

const RETRIED = 'the step is retried with the same message after a backoff';

export function smtpFailure(channel: string, cause: unknown, ctx: SmtpFailureContext): OutputstraatError {
  const err = cause as Error & { code?: string };
  let problem = err.message;
  let hint = `check the relay; ${RETRIED}`;
  if (err.code === 'EABORT' && ctx.deadlineMs !== undefined) {
    problem = `the relay did not take the message within ${ctx.deadlineMs} ms (OST_SEND_TIMEOUT_MS); the connection was closed`;
  } else if (err.code === 'EABORT' && ctx.abortedBy) {
    problem = `the send was stopped: ${ctx.abortedBy.message}`;
    hint = 'another attempt follows only once this one is over';
  } else if (err.code === 'ETIMEDOUT') {
    problem = `${err.message} (the relay stopped answering; see the OST_SMTP_*_TIMEOUT_MS settings)`;
  } else if (err.code === 'ETLS' || (ctx.security?.requireTLS && /STARTTLS/i.test(err.message))) {
    problem = `the relay does not speak TLS (${err.message}) and the Channel requires it (${ctx.security?.rule ?? 'TLS required'})`;
    hint =
      'enable STARTTLS on the relay, use secure: true for port 465, or — only for a relay on a network you trust — set spec.smtp.tls: none on the Channel';
  }
  return createError('OST_ERR_CHANNEL_SEND', [channel, 'smtp', problem, hint], { cause });
}
