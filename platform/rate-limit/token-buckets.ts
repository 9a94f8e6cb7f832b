// Refusing limiter: a token bucket per key (an API key, a link token, a client address), held in this
// process's memory. A request that finds its bucket empty is refused with the seconds until a token is
// free; nothing waits. Full buckets are forgotten, so many distinct keys (addresses) cannot grow memory
// without bound: a forgotten bucket and a full one behave the same.

export interface TokenBucketSettings {
  /** Tokens added per second. */
  perSecond: number;
  /** Bucket size: how many requests may come at once after a quiet period. */
  burst: number;
}

export type TakeResult = { ok: true } | { ok: false; retryAfterSeconds: number; waitMs: number };

interface Bucket {
  tokens: number;
  updated: number;
}

/** At most this many buckets are kept; beyond it the fullest (least recently used) are dropped first. */
const PRUNE_ABOVE = 10_000;

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly settings: TokenBucketSettings,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /**
   * Takes `cost` tokens for `key` (one request; or the lines of a bulk post), or says how long until they
   * are there: in whole seconds for a Retry-After header, and in milliseconds for a caller that waits.
   * A cost above the burst can never be taken at once: take it in pieces of at most `burst`.
   */
  take(key: string, cost = 1): TakeResult {
    const now = this.clock();
    const b = this.buckets.get(key) ?? { tokens: this.settings.burst, updated: now };
    b.tokens = Math.min(this.settings.burst, b.tokens + ((now - b.updated) / 1000) * this.settings.perSecond);
    b.updated = now;
    // Re-inserted so the map's order is least recently used first.
    this.buckets.delete(key);
    this.buckets.set(key, b);
    if (this.buckets.size > PRUNE_ABOVE) this.prune(now);
    if (b.tokens >= cost) {
      b.tokens -= cost;
      return { ok: true };
    }
    const seconds = (cost - b.tokens) / this.settings.perSecond;
    return {
      ok: false,
      retryAfterSeconds: Math.max(1, Math.ceil(seconds)),
      waitMs: Math.ceil(seconds * 1000),
    };
  }

  get burst(): number {
    return this.settings.burst;
  }

  /** How many keys are tracked (for tests and metrics). */
  get size(): number {
    return this.buckets.size;
  }

  private prune(now: number): void {
    for (const [key, b] of this.buckets) {
      const refilled = b.tokens + ((now - b.updated) / 1000) * this.settings.perSecond;
      if (refilled >= this.settings.burst || this.buckets.size > PRUNE_ABOVE) this.buckets.delete(key);
      if (this.buckets.size <= PRUNE_ABOVE / 2) break;
    }
  }
}
