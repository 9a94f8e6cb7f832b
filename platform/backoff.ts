// The one backoff formula (exponential, capped, optionally jittered) and an abortable sleep: used by the
// operator's watches, reconcile queue and leader election, and by the runtime's send retries, print
// batches, webhooks and database retries. Jitter keeps peers that failed together from retrying in step.

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** Growth per attempt (default 2). */
  factor?: number;
  /**
   * `spread` (default): anywhere from half to one and a half times the delay; `equal`: half fixed, half
   * random (never later than the cap); `none`: exactly the delay, for retries a person reads in a timeline.
   */
  jitter?: 'spread' | 'equal' | 'none';
}

/** The delay before retry number `attempt` (0-based): `initialMs * factor^attempt`, at most `maxMs`, jittered. */
export function backoffDelay(attempt: number, options: BackoffOptions, random = Math.random): number {
  const base = Math.min(options.maxMs, options.initialMs * (options.factor ?? 2) ** Math.max(0, attempt));
  switch (options.jitter ?? 'spread') {
    case 'none':
      return base;
    case 'equal':
      return Math.round(base / 2 + random() * (base / 2));
    case 'spread':
      return Math.round(base * (0.5 + random()));
  }
}

export class Backoff {
  private attempt = 0;

  constructor(private readonly options: BackoffOptions) {}

  next(): number {
    return backoffDelay(this.attempt++, this.options);
  }

  reset(): void {
    this.attempt = 0;
  }
}

/** Resolves after `ms`, or at once when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
