// The rules a webhook URL from a tenant's Channel must meet before any connection is made: https (http only
// for hosts the operator of the street listed in OST_WEBHOOK_ALLOW_HOSTS), no credentials in the URL, and
// — checked after DNS resolution, by the caller — only public addresses unless the host is listed.
import { createError, type OutputstraatError } from '../../core/errors/index.js';
import { blockedRange } from './blocked-address.js';

export interface WebhookUrl {
  url: URL;
  /** Host name or IP literal, without IPv6 brackets, lower-case. */
  host: string;
  port: number;
  /** Listed in OST_WEBHOOK_ALLOW_HOSTS: http allowed and addresses not checked. */
  allowListed: boolean;
}

/** The part of a URL an error may show: scheme, host and port, never the path or query. */
export function originOf(raw: string): string {
  try {
    const url = new URL(raw);
    return `${url.protocol}//${url.host}`;
  } catch {
    return '(not a URL)';
  }
}

const ALLOW_HINT = 'use an https:// URL of a public host';

export function refused(raw: string, reason: string, hint = ALLOW_HINT): OutputstraatError {
  return createError('OST_ERR_WEBHOOK_TARGET', [originOf(raw), reason, hint]);
}

/** `host` or `host:port` entries, lower-case; IPv6 literals in brackets (`[::1]:8080`). */
export function parseAllowHosts(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
}

/** Checks scheme, credentials and the allow-list; throws OST_ERR_WEBHOOK_TARGET when refused. */
export function checkWebhookUrl(raw: string, allowHosts: readonly string[]): WebhookUrl {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refused(raw, 'it is not a valid URL', 'set spec.http.url of the Channel to an https:// URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw refused(raw, `the scheme ${url.protocol} is not allowed`);
  }
  if (url.username || url.password) {
    throw refused(
      raw,
      'it carries credentials',
      'remove them from the URL; the request is signed with the hmacSecret of the Channel',
    );
  }
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const named = url.hostname.toLowerCase();
  const allowListed = allowHosts.includes(named) || allowHosts.includes(`${named}:${port}`);
  if (url.protocol === 'http:' && !allowListed) {
    throw refused(
      raw,
      'plain http is not allowed',
      'use https://; only hosts listed in OST_WEBHOOK_ALLOW_HOSTS (local streets and tests) may use http',
    );
  }
  return { url, host, port, allowListed };
}

/** Throws OST_ERR_WEBHOOK_TARGET when any address the host resolved to is not a public address. */
export function checkAddresses(target: WebhookUrl, addresses: readonly string[]): void {
  if (target.allowListed) return;
  if (addresses.length === 0) throw refused(target.url.href, `${target.host} resolved to no address`);
  for (const address of addresses) {
    const range = blockedRange(address);
    if (range) {
      const what = address === target.host ? 'it is' : `${target.host} resolves to ${address},`;
      throw refused(target.url.href, `${what} a ${range} address`);
    }
  }
}
