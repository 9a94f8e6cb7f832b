// Channel rate limits (spec.rateLimit perSecond / perMinute). One limiter per channel per corporation in
// each runtime replica: a street with N replicas may send up to N times the limit in total, which the
// platform team accounts for (docs/channels.md). A message over the limit waits; it is never dropped.
import type { ChannelAdapter, OutgoingMessage, SendResult } from './channel-adapter.js';

export interface RateLimit {
  perSecond?: number | undefined;
  perMinute?: number | undefined;
}

/** Sliding windows of start times: the next start waits until every window has room. */
export class RateLimiter {
  private readonly starts: number[] = [];
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly limit: RateLimit,
    private readonly clock: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  /** Milliseconds until one more start fits, at `now`. */
  delay(now: number): number {
    let wait = 0;
    for (const [max, windowMs] of [
      [this.limit.perSecond, 1_000],
      [this.limit.perMinute, 60_000],
    ] as const) {
      if (!max) continue;
      const recent = this.starts.filter((t) => t > now - windowMs);
      if (recent.length >= max) wait = Math.max(wait, recent[recent.length - max]! + windowMs - now);
    }
    return wait;
  }

  /** Resolves when the caller may start; callers are served in order. */
  acquire(): Promise<void> {
    const turn = this.queue.then(async () => {
      for (let wait = this.delay(this.clock()); wait > 0; wait = this.delay(this.clock())) {
        await this.sleep(wait);
      }
      const now = this.clock();
      this.starts.push(now);
      while (this.starts.length > 0 && this.starts[0]! <= now - 60_000) this.starts.shift();
    });
    this.queue = turn.catch(() => undefined);
    return turn;
  }
}

/** Wraps an adapter so every channel with a rateLimit waits for its limiter before sending. */
export function rateLimited(adapter: ChannelAdapter): ChannelAdapter {
  const limiters = new Map<string, { key: string; limiter: RateLimiter }>();
  return {
    async send(message: OutgoingMessage): Promise<SendResult> {
      const limit = message.channel.spec.rateLimit;
      if (limit?.perSecond || limit?.perMinute) {
        const id = `${message.bundle.corporation.id}/${message.channel.name}`;
        const key = `${limit.perSecond ?? ''}/${limit.perMinute ?? ''}`;
        let entry = limiters.get(id);
        if (!entry || entry.key !== key) {
          entry = { key, limiter: new RateLimiter(limit) };
          limiters.set(id, entry);
        }
        await entry.limiter.acquire();
      }
      return adapter.send(message);
    },
    close: () => adapter.close(),
  };
}
