import { backoffDelay } from './backoff.js';
import type { Logger } from './log.js';

export interface RetryOptions {
  log: Logger;
  what: string;
  /** Give up after this long (default 60 s): long enough to ride out a database restart. */
  totalMs?: number;
}

/** Runs `work` until it succeeds, with growing pauses, for at most `totalMs`; then throws its last error. */
export async function withRetries<T>(work: () => Promise<T>, options: RetryOptions): Promise<T> {
  const deadline = Date.now() + (options.totalMs ?? 60_000);
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      if (Date.now() >= deadline) throw err;
      const pause = backoffDelay(attempt - 1, { initialMs: 250, maxMs: 5_000, jitter: 'none' });
      options.log.warn({ err, what: options.what, attempt }, 'retrying');
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}
