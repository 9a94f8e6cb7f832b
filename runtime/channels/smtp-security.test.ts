import { describe, expect, it } from 'vitest';
import { smtpSecurity } from './smtp-security.js';

describe('TLS towards an SMTP relay', () => {
  it('a relay elsewhere must speak TLS: STARTTLS is required, and a relay without it is refused', () => {
    expect(smtpSecurity({ host: 'smtp.relay.example' }, false)).toMatchObject({
      secure: false,
      requireTLS: true,
      ignoreTLS: false,
    });
    expect(smtpSecurity({ host: '10.0.0.25' }, false).requireTLS).toBe(true);
    expect(smtpSecurity({ host: '192.0.2.2' }, false).requireTLS).toBe(true);
    // A name is never taken for loopback, whatever it resolves to.
    expect(smtpSecurity({ host: 'localhost.relay.example' }, false).requireTLS).toBe(true);
  });

  it('secure: true is TLS from the first byte (port 465)', () => {
    expect(smtpSecurity({ host: 'smtp.relay.example', secure: true }, false)).toMatchObject({
      secure: true,
      requireTLS: false,
    });
  });

  it('a loopback relay may be plaintext (STARTTLS only when offered), unless the Channel says tls: required', () => {
    for (const host of ['127.0.0.1', 'localhost', '::1']) {
      expect(smtpSecurity({ host }, false), host).toMatchObject({ requireTLS: false, ignoreTLS: false });
      expect(smtpSecurity({ host, tls: 'required' }, false).requireTLS, host).toBe(true);
    }
  });

  it('tls: none is the explicit opt-out for a relay on a trusted network', () => {
    expect(smtpSecurity({ host: 'relay.internal', tls: 'none' }, false)).toMatchObject({
      secure: false,
      requireTLS: false,
      rule: 'tls: none',
    });
  });

  it('OST_SMTP_REDIRECT (local street, tests) talks plaintext to its sink', () => {
    expect(smtpSecurity({ host: 'smtp.relay.example', tls: 'required' }, true)).toMatchObject({
      requireTLS: false,
      ignoreTLS: true,
    });
  });
});
