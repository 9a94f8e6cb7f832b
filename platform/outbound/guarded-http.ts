// POSTs to URLs that come from tenants' configuration (webhook Channels) without letting them reach the
// street's own network: the URL is checked (webhook-url.ts), the host is resolved once, every address it
// resolved to is checked, and the connection is made to exactly those addresses (a pinned `lookup`, so a
// DNS answer that changes between check and connect — DNS rebinding — cannot redirect it). Redirects are
// never followed: a 3xx is refused. One deadline covers resolving, connecting, sending and the answer.
import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { checkAddresses, checkWebhookUrl, refused, type WebhookUrl } from './webhook-url.js';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to every address it has (the system resolver by default). */
export type Resolver = (host: string) => Promise<ResolvedAddress[]>;

export interface GuardedHttpOptions {
  /** Entries of OST_WEBHOOK_ALLOW_HOSTS: `host` or `host:port`. */
  allowHosts: readonly string[];
  /** Default deadline of one request (OST_WEBHOOK_TIMEOUT_MS). */
  timeoutMs: number;
  resolve?: Resolver;
}

export interface GuardedPost {
  headers: Record<string, string>;
  body: string;
  /** Overrides the default deadline. */
  timeoutMs?: number;
  /** Aborts the request (the caller gave up, e.g. its claim on the work was lost). */
  signal?: AbortSignal;
}

const systemResolver: Resolver = async (host) =>
  (await dnsLookup(host, { all: true, verbatim: true })).map((a) => ({
    address: a.address,
    family: a.family === 6 ? 6 : 4,
  }));

/** A `lookup` that answers with the addresses that were checked, whatever DNS says now. */
function pinned(addresses: readonly ResolvedAddress[]): LookupFunction {
  return ((_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all)
      callback(
        null,
        addresses.map((a) => ({ address: a.address, family: a.family })),
      );
    else callback(null, addresses[0]!.address, addresses[0]!.family);
  }) as unknown as LookupFunction;
}

function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

export class GuardedHttp {
  private readonly resolve: Resolver;

  constructor(private readonly options: GuardedHttpOptions) {
    this.resolve = options.resolve ?? systemResolver;
  }

  /** Checks the URL and resolves its host; throws OST_ERR_WEBHOOK_TARGET when it must not be reached. */
  async target(raw: string): Promise<{ target: WebhookUrl; addresses: ResolvedAddress[] }> {
    const target = checkWebhookUrl(raw, this.options.allowHosts);
    const family = isIP(target.host);
    const addresses =
      family === 0
        ? await this.resolve(target.host).catch((err: NodeJS.ErrnoException) => {
            throw new Error(`cannot resolve ${target.host}: ${err.code ?? err.message}`);
          })
        : [{ address: target.host, family: family as 4 | 6 }];
    checkAddresses(
      target,
      addresses.map((a) => a.address),
    );
    return { target, addresses };
  }

  /**
   * POSTs `body` and returns the status of a 2xx or 4xx/5xx answer. A refused URL or a redirect throws
   * OST_ERR_WEBHOOK_TARGET; a network failure or the deadline throws a plain Error.
   */
  async post(raw: string, post: GuardedPost): Promise<{ status: number }> {
    const timeoutMs = post.timeoutMs ?? this.options.timeoutMs;
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = post.signal ? AbortSignal.any([deadline, post.signal]) : deadline;
    try {
      const { target, addresses } = await untilAborted(this.target(raw), signal);
      const status = await this.request(target, addresses, post, signal);
      if (status >= 300 && status < 400) {
        throw refused(
          raw,
          `it answered ${status}, a redirect; redirects are not followed`,
          'set spec.http.url of the Channel to the final URL',
        );
      }
      return { status };
    } catch (err) {
      if (!signal.aborted) throw err;
      const reason = signal.reason as Error;
      if (deadline.aborted) throw new Error(`no answer within ${timeoutMs} ms`, { cause: err });
      throw new Error(`the request was aborted: ${reason?.message ?? 'aborted'}`, { cause: reason });
    }
  }

  private request(
    target: WebhookUrl,
    addresses: ResolvedAddress[],
    post: GuardedPost,
    signal: AbortSignal,
  ): Promise<number> {
    const secure = target.url.protocol === 'https:';
    const body = Buffer.from(post.body, 'utf8');
    return new Promise<number>((resolve, reject) => {
      const req = (secure ? https : http).request(
        {
          method: 'POST',
          host: target.host,
          port: target.port,
          path: `${target.url.pathname}${target.url.search}`,
          headers: { ...post.headers, host: target.url.host, 'content-length': String(body.length) },
          lookup: pinned(addresses),
          // A fresh connection per request, made through the pinned lookup; no pooled socket is reused.
          agent: false,
          signal,
          ...(secure && isIP(target.host) === 0 ? { servername: target.host } : {}),
        },
        (res) => {
          // The status is all we need: close the connection rather than read whatever the body is.
          resolve(res.statusCode ?? 0);
          res.destroy();
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }
}
