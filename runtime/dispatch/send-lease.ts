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

/** The leases of a group's sends, renewed together: one statement per quarter lease for all of them. */
export interface GroupLease {
  /** The lease of one step of the group. */
  of(id: string): SendLease;
  /** Stops renewing every lease still held. */
  releaseAll(): void;
}

export interface GroupLeaseOptions {
  leaseMs: number;
  /** Renews the leases of these steps; resolves the ids this dispatcher still holds. */
  renew(ids: readonly string[]): Promise<ReadonlySet<string>>;
  onRenewError?(err: unknown): void;
}

/** Smallest renewal interval, so a tiny lease in a test does not hammer the database. */
const MIN_INTERVAL_MS = 100;

export function holdGroupLease(ids: readonly string[], options: GroupLeaseOptions): GroupLease {
  const { leaseMs } = options;
  const held = new Map(ids.map((id) => [id, new AbortController()]));
  let confirmed = Date.now();
  let renewing = false;
  let warned = false;
  const stop = (id: string, why: string) => {
    const controller = held.get(id);
    held.delete(id);
    if (controller && !controller.signal.aborted) controller.abort(new LeaseLost(why));
  };
  const tick = () => {
    if (held.size === 0) return;
    if (Date.now() - confirmed >= leaseMs / 2) {
      const why = `the step's lease could not be renewed for ${Date.now() - confirmed} ms; it may pass to another replica`;
      for (const id of [...held.keys()]) stop(id, why);
      return;
    }
    if (renewing) return;
    renewing = true;
    const started = Date.now();
    const asked = [...held.keys()];
    options
      .renew(asked)
      .then(
        (still) => {
          confirmed = started;
          for (const id of asked)
            if (!still.has(id)) stop(id, 'the step is no longer held by this dispatcher');
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
  const releaseAll = () => {
    held.clear();
    clearInterval(timer);
  };
  const signals = new Map([...held].map(([id, c]) => [id, c.signal]));
  return {
    of: (id) => ({
      signal: signals.get(id) ?? AbortSignal.abort(new LeaseLost('not a step of this group')),
      release: () => {
        held.delete(id);
        if (held.size === 0) clearInterval(timer);
      },
    }),
    releaseAll,
  };
}

/** The lease of one send: a group of one. */
export function holdSendLease(options: SendLeaseOptions): SendLease {
  const lease = holdGroupLease(['one'], {
    leaseMs: options.leaseMs,
    renew: async (ids) => ((await options.renew()) ? new Set(ids) : new Set()),
    ...(options.onRenewError ? { onRenewError: options.onRenewError } : {}),
  });
  return lease.of('one');
}
