// Page POSTs (starting a payment, submitting a form) are limited per link token and per client address,
// each with a token bucket in this process's memory, so whoever holds a link, or a script trying many,
// cannot flood the PSP, the forms tables or the tenant's mailbox. Over a limit the answer is a 429 page
// with Retry-After, before the body is read or anything is looked up: nothing is stored.
//
// The client address is fastify's request.ip. Behind an ingress or load balancer every connection comes
// from the proxy, so OST_TRUST_PROXY must name it (runtime/api/trust-proxy.ts); otherwise every tenant
// shares the proxy's bucket. Each replica counts on its own: with N replicas a client may reach N times
// the limit.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createError } from '../../core/errors/index.js';
import {
  type TakeResult,
  type TokenBucketSettings,
  TokenBuckets,
} from '../../platform/rate-limit/token-buckets.js';
import { tokenHash } from '../dossiers/index.js';
import { pickLang, sendPage } from '../web/index.js';
import { tooManyRequestsPage } from './payment-views.js';

export interface PageRateLimits {
  /** POSTs through one link token. */
  perToken: TokenBucketSettings;
  /** POSTs from one client address (an IPv6 client by its /64). */
  perAddress: TokenBucketSettings;
}

/** 10 POSTs, then one per minute, per token; 60, then one per second, per address (a shared NAT). */
export const PAGE_RATE_LIMIT_DEFAULTS = { perToken: '10/600', perAddress: '60/60' } as const;

/** `<requests>/<seconds>`: that many at once, refilled evenly over that many seconds. */
function parseLimit(name: string, value: string): TokenBucketSettings {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*s?\s*$/.exec(value);
  const requests = m ? Number(m[1]) : 0;
  const seconds = m ? Number(m[2]) : 0;
  if (requests < 1 || seconds < 1) {
    throw createError('OST_ERR_CONFIG', [
      `${name}=${value} is not <requests>/<seconds>`,
      `set ${name} like 10/600 (10 requests, refilled over 600 seconds), or unset it`,
    ]);
  }
  return { burst: requests, perSecond: requests / seconds };
}

/** OST_PAGE_POSTS_PER_TOKEN and OST_PAGE_POSTS_PER_ADDRESS, each `<requests>/<seconds>`. */
export function pageRateLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): PageRateLimits {
  const read = (name: string, fallback: string) => parseLimit(name, env[name] || fallback);
  return {
    perToken: read('OST_PAGE_POSTS_PER_TOKEN', PAGE_RATE_LIMIT_DEFAULTS.perToken),
    perAddress: read('OST_PAGE_POSTS_PER_ADDRESS', PAGE_RATE_LIMIT_DEFAULTS.perAddress),
  };
}

/** The bucket key of a client address: IPv4 as is (also when IPv4-mapped), IPv6 by its /64 network. */
export function addressKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (!ip.includes(':')) return ip;
  const [head = '', tail = ''] = ip.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::')
    ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

export class PagePostLimiter {
  private readonly byToken: TokenBuckets;
  private readonly byAddress: TokenBuckets;

  constructor(limits: PageRateLimits, clock?: () => number) {
    this.byToken = new TokenBuckets(limits.perToken, clock);
    this.byAddress = new TokenBuckets(limits.perAddress, clock);
  }

  /** Takes one POST of this address and token; the token's bucket is left alone when the address is over. */
  take(ip: string, token: string | undefined): TakeResult {
    const address = this.byAddress.take(addressKey(ip));
    if (!address.ok || token === undefined) return address;
    // Keyed by the token's hash, so the limiter's memory holds no usable token either.
    return this.byToken.take(tokenHash(token).toString('base64url'));
  }
}

/** Refuses page POSTs over either limit with the 429 page; register in the scope of the page routes. */
export function limitPagePosts(site: FastifyInstance, limiter: PagePostLimiter): void {
  site.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.method !== 'POST') return;
    const taken = limiter.take(request.ip, (request.params as { token?: string }).token);
    if (taken.ok) return;
    const lang = pickLang((request.query as { lang?: string })?.lang, request.headers['accept-language']);
    reply.header('retry-after', String(taken.retryAfterSeconds));
    return sendPage(reply, 429, tooManyRequestsPage(lang));
  });
}
