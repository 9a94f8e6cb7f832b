// How the connection to an SMTP relay is secured. TLS is required (STARTTLS, or TLS from the start with
// `secure: true`) unless the relay is on this machine's loopback interface — the local street and a
// relay sidecar in the pod — or the Channel opts out explicitly with `smtp.tls: none`. `smtp.tls:
// required` insists on TLS even on loopback (a TLS-terminating sidecar). docs/channels.md explains it.
import { isLoopbackHost } from '../../platform/outbound/index.js';

export interface SmtpEndpoint {
  host: string;
  secure?: boolean | undefined;
  tls?: 'required' | 'none' | undefined;
}

/** nodemailer's options for it: `secure` (TLS at connect), `requireTLS`, `ignoreTLS`. */
export interface SmtpSecurity {
  secure: boolean;
  requireTLS: boolean;
  ignoreTLS: boolean;
  /** Why, for the error a refused relay gets. */
  rule: 'implicit TLS' | 'TLS required' | 'STARTTLS when offered (loopback relay)' | 'tls: none' | 'redirect';
}

/** `redirected`: OST_SMTP_REDIRECT (development and tests) sends every mail to a local sink in plaintext. */
export function smtpSecurity(smtp: SmtpEndpoint, redirected: boolean): SmtpSecurity {
  if (redirected) return { secure: false, requireTLS: false, ignoreTLS: true, rule: 'redirect' };
  if (smtp.secure) return { secure: true, requireTLS: false, ignoreTLS: false, rule: 'implicit TLS' };
  if (smtp.tls === 'none') return { secure: false, requireTLS: false, ignoreTLS: false, rule: 'tls: none' };
  if (smtp.tls === undefined && isLoopbackHost(smtp.host)) {
    return {
      secure: false,
      requireTLS: false,
      ignoreTLS: false,
      rule: 'STARTTLS when offered (loopback relay)',
    };
  }
  return { secure: false, requireTLS: true, ignoreTLS: false, rule: 'TLS required' };
}
