// Requests per API key, as a token bucket per key held in this process's memory. Every replica counts
// on its own, so behind a load balancer that spreads over N replicas a key may reach up to N times the
// configured rate; the limit protects a replica from one noisy ERP, it is not a contract.
import { createError } from '../../core/errors/index.js';
import type { TokenBucketSettings, TokenBuckets } from '../../platform/rate-limit/token-buckets.js';

export type RateLimitSettings = TokenBucketSettings;

/** OST_RATE_LIMIT_PER_SECOND (default 200); the burst is twice the rate. */
export function rateLimitFromEnv(env: NodeJS.ProcessEnv = process.env): RateLimitSettings {
  const raw = env.OST_RATE_LIMIT_PER_SECOND;
  const perSecond = raw === undefined || raw === '' ? 200 : Number(raw);
  if (!Number.isFinite(perSecond) || perSecond <= 0) {
    throw createError('OST_ERR_CONFIG', [
      `OST_RATE_LIMIT_PER_SECOND=${raw} is not a positive number`,
      'set it to the requests per second one API key may make, e.g. 200',
    ]);
  }
  return { perSecond, burst: Math.max(1, Math.round(perSecond * 2)) };
}

/** Takes one request of `key`; throws OST_ERR_RATE_LIMITED with the seconds until one is allowed. */
export function takeOrRefuse(buckets: TokenBuckets, key: string): void {
  const result = buckets.take(key);
  if (result.ok) return;
  const retryAfter = result.retryAfterSeconds;
  throw createError('OST_ERR_RATE_LIMITED', [retryAfter], { details: { retryAfter } });
}
