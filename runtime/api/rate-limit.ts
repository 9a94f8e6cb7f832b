// Requests per API key, and NDJSON lines per API key, as token buckets per key held in this process's
// memory. Every replica counts on its own, so behind a load balancer that spreads over N replicas a key
// may reach up to N times the configured rates; the limits protect a replica from one noisy ERP, they
// are not a contract.
import { createError } from '../../core/errors/index.js';
import { sleep } from '../../platform/backoff.js';
import type { TokenBucketSettings, TokenBuckets } from '../../platform/rate-limit/token-buckets.js';

export type RateLimitSettings = TokenBucketSettings;

/** A rate from the environment; the burst is twice the rate. */
function perSecondFromEnv(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  what: string,
  whose = 'one API key',
) {
  const raw = env[name];
  const perSecond = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isFinite(perSecond) || perSecond <= 0) {
    throw createError('OST_ERR_CONFIG', [
      `${name}=${raw} is not a positive number`,
      `set it to the ${what} ${whose} may send per second, e.g. ${fallback}`,
    ]);
  }
  return { perSecond, burst: Math.max(1, Math.round(perSecond * 2)) };
}

/** OST_RATE_LIMIT_PER_SECOND (default 200); the burst is twice the rate. */
export function rateLimitFromEnv(env: NodeJS.ProcessEnv = process.env): RateLimitSettings {
  return perSecondFromEnv(env, 'OST_RATE_LIMIT_PER_SECOND', 200, 'requests');
}

/**
 * OST_RATE_LIMIT_LINES_PER_SECOND (default 20 000): NDJSON lines per API key, a budget of its own beside
 * the requests (a bulk post is one request and many lines); the burst is twice the rate.
 */
export function linesRateLimitFromEnv(env: NodeJS.ProcessEnv = process.env): RateLimitSettings {
  return perSecondFromEnv(env, 'OST_RATE_LIMIT_LINES_PER_SECOND', 20_000, 'NDJSON lines');
}

/**
 * OST_INTAKE_SINGLE_LANE_PER_SECOND (default 50): single JSON posts per second per corporation, per
 * replica, that go on intake's lane of single posts; a corporation posting faster (an ERP that sends its
 * rent day one receivable at a time) has the rest put on the bulk lane, beside its own bulk chunks, so
 * its flood never stands between another corporation's receivable and intake. Nothing is refused or
 * slowed; the burst is twice the rate.
 */
export function singleLaneFromEnv(env: NodeJS.ProcessEnv = process.env): RateLimitSettings {
  return perSecondFromEnv(
    env,
    'OST_INTAKE_SINGLE_LANE_PER_SECOND',
    50,
    'single posts',
    'one corporation, on one replica,',
  );
}

/** Takes one request of `key`; throws OST_ERR_RATE_LIMITED with the seconds until one is allowed. */
export function takeOrRefuse(buckets: TokenBuckets, key: string): void {
  const result = buckets.take(key);
  if (result.ok) return;
  const retryAfter = result.retryAfterSeconds;
  throw createError('OST_ERR_RATE_LIMITED', [retryAfter], { details: { retryAfter } });
}

/**
 * Takes `lines` of `key`'s line budget, waiting while it is spent: a bulk post over the budget is slowed
 * down (TCP holds the ERP back) rather than refused halfway, when part of it is already accepted.
 */
export async function paceLines(buckets: TokenBuckets, key: string, lines: number): Promise<void> {
  for (let left = lines; left > 0; ) {
    const cost = Math.min(left, buckets.burst);
    const taken = buckets.take(key, cost);
    if (taken.ok) left -= cost;
    else await sleep(taken.waitMs);
  }
}
