// Requests per API key, as a token bucket per key held in this process's memory. Every replica counts
// on its own, so behind a load balancer that spreads over N replicas a key may reach up to N times the
// configured rate; the limit protects a replica from one noisy ERP, it is not a contract.
import { createError } from '../../core/errors/index.js';

export interface RateLimitSettings {
  /** Tokens added per second. */
  perSecond: number;
  /** Bucket size: how many requests may come at once after a quiet period. */
  burst: number;
}

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

interface Bucket {
  tokens: number;
  updated: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly settings: RateLimitSettings,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** Takes one token for `key`; throws OST_ERR_RATE_LIMITED with the seconds until one is free. */
  take(key: string): void {
    const now = this.clock();
    const b = this.buckets.get(key) ?? { tokens: this.settings.burst, updated: now };
    b.tokens = Math.min(this.settings.burst, b.tokens + ((now - b.updated) / 1000) * this.settings.perSecond);
    b.updated = now;
    this.buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return;
    }
    const retryAfter = Math.max(1, Math.ceil((1 - b.tokens) / this.settings.perSecond));
    throw createError('OST_ERR_RATE_LIMITED', [retryAfter], { details: { retryAfter } });
  }
}
