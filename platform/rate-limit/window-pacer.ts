// Waiting limiter: at most N starts per second and/or per minute; a caller over the limit waits for its
// turn (callers are served in order) and is never refused. Used for a channel's send rate.

export interface RateLimit {
  perSecond?: number | undefined;
  perMinute?: number | undefined;
}

/** Sliding windows of start times: the next start waits until every window has room. */
export class WindowPacer {
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
