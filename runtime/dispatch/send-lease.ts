// The heartbeat of a send in flight. A dispatcher that took a step holds it by its lease (claimed_at,
// OST_DISPATCH_LEASE_MS); while the provider has the message the lease is renewed every quarter lease, so
// neither the stale-claim sweep nor a redelivered dispatch message lets another replica send the step
// again. If the lease cannot be renewed — the step is no longer this dispatcher's, or the database has not
// confirmed a renewal for half a lease — the send is aborted, so it is over before anyone else may take
// the step. A send is never resent while the attempt before it may still be in flight.

/** Why a send was stopped by its holder: the lease is lost or may lapse. */
export class LeaseLost extends Error {
  override readonly name = 'LeaseLost';
}

export interface SendLease {
  /** Aborted (with a LeaseLost reason) when the send must stop. */
  readonly signal: AbortSignal;
  /** Stops renewing; call when the provider call is over. */
  release(): void;
}

export interface SendLeaseOptions {
  leaseMs: number;
  /** Renews the lease; resolves false when the step is no longer held by this dispatcher. */
  renew(): Promise<boolean>;
  /** Called once when a renewal fails (for the log; no personal data). */
  onRenewError?(err: unknown): void;
}

/** Smallest renewal interval, so a tiny lease in a test does not hammer the database. */
const MIN_INTERVAL_MS = 100;

export function holdSendLease(options: SendLeaseOptions): SendLease {
  const controller = new AbortController();
  const { leaseMs } = options;
  let confirmed = Date.now();
  let renewing = false;
  let warned = false;
  const stop = (why: string) => {
    if (!controller.signal.aborted) controller.abort(new LeaseLost(why));
  };
  const tick = () => {
    if (controller.signal.aborted) return;
    if (Date.now() - confirmed >= leaseMs / 2) {
      stop(
        `the step's lease could not be renewed for ${Date.now() - confirmed} ms; it may pass to another replica`,
      );
      return;
    }
    if (renewing) return;
    renewing = true;
    const started = Date.now();
    options
      .renew()
      .then(
        (held) => {
          if (held) confirmed = started;
          else stop('the step is no longer held by this dispatcher');
        },
        (err: unknown) => {
          if (!warned) options.onRenewError?.(err);
          warned = true;
        },
      )
      .finally(() => {
        renewing = false;
      });
  };
  const timer = setInterval(tick, Math.max(MIN_INTERVAL_MS, Math.floor(leaseMs / 4)));
  timer.unref();
  return {
    signal: controller.signal,
    release: () => clearInterval(timer),
  };
}
