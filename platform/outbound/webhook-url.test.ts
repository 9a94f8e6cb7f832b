import { describe, expect, it } from 'vitest';
import { isOutputstraatError } from '../../core/errors/index.js';
import { checkAddresses, checkWebhookUrl, parseAllowHosts } from './webhook-url.js';

const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    if (isOutputstraatError(err, 'OST_ERR_WEBHOOK_TARGET')) return err.message;
    throw err;
  }
  throw new Error('not refused');
};

describe('webhook URLs from a Channel', () => {
  it('https to a public host passes the URL check', () => {
    const t = checkWebhookUrl('https://crm.example.org/hooks?x=1', []);
    expect(t).toMatchObject({ host: 'crm.example.org', port: 443, allowListed: false });
    expect(() => checkAddresses(t, ['93.184.215.14', '2606:4700::1111'])).not.toThrow();
  });

  it('plain http, other schemes, credentials and non-URLs are refused, naming only scheme and host', () => {
    expect(refusal(() => checkWebhookUrl('http://crm.example.org/secret-path', []))).toBe(
      'webhook URL http://crm.example.org is refused: plain http is not allowed; use https://; only hosts listed in OST_WEBHOOK_ALLOW_HOSTS (local streets and tests) may use http',
    );
    expect(refusal(() => checkWebhookUrl('file:///etc/passwd', []))).toContain(
      'the scheme file: is not allowed',
    );
    expect(refusal(() => checkWebhookUrl('gopher://127.0.0.1:6379/_FLUSHALL', []))).toContain('gopher:');
    expect(refusal(() => checkWebhookUrl('https://user:pw@crm.example.org/', []))).toContain(
      'it carries credentials',
    );
    expect(refusal(() => checkWebhookUrl('not a url', []))).toContain('it is not a valid URL');
  });

  it('an address in any private, loopback, link-local or other special range is refused, also when one of several', () => {
    const t = checkWebhookUrl('https://hooks.example.org/', []);
    expect(refusal(() => checkAddresses(t, ['93.184.215.14', '10.0.0.7']))).toBe(
      'webhook URL https://hooks.example.org is refused: hooks.example.org resolves to 10.0.0.7, a private address; use an https:// URL of a public host',
    );
    const literal = checkWebhookUrl('https://169.254.169.254/latest/meta-data/', []);
    expect(refusal(() => checkAddresses(literal, ['169.254.169.254']))).toContain(
      'is refused: it is a link-local address',
    );
    const v6 = checkWebhookUrl('https://[::ffff:127.0.0.1]:8443/', []);
    expect(v6.host).toBe('::ffff:7f00:1');
    expect(refusal(() => checkAddresses(v6, [v6.host]))).toContain('loopback (IPv4-mapped)');
  });

  it('hosts in OST_WEBHOOK_ALLOW_HOSTS may use http and any address, per host or per host and port', () => {
    const allow = parseAllowHosts(' 127.0.0.1:8080 , Receiver.Local,[::1]:9000');
    expect(allow).toEqual(['127.0.0.1:8080', 'receiver.local', '[::1]:9000']);
    const listed = checkWebhookUrl('http://127.0.0.1:8080/hook', allow);
    expect(listed.allowListed).toBe(true);
    expect(() => checkAddresses(listed, ['127.0.0.1'])).not.toThrow();
    expect(checkWebhookUrl('http://receiver.local:1234/', allow).allowListed).toBe(true);
    expect(checkWebhookUrl('http://[::1]:9000/', allow).allowListed).toBe(true);
    expect(refusal(() => checkWebhookUrl('http://127.0.0.1:8081/hook', allow))).toContain(
      'plain http is not allowed',
    );
  });
});
