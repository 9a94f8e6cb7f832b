// Leader election on a coordination.k8s.io/v1 Lease, so that of several operator replicas exactly one
// reconciles. The semantics follow client-go: a candidate takes the Lease when it is free or when its
// holder has not renewed it for leaseDuration — measured on this candidate's own clock from the moment
// it last saw the record change, so clock skew between nodes does not matter; the leader renews every
// retryPeriod and steps down if it could not renew for renewDeadline (shorter than leaseDuration, so it
// has stopped before anyone else may start). On a graceful stop the leader releases the Lease.

import { sleep } from '../../platform/backoff.js';
import type { Logger } from '../../platform/log.js';
import type { KubeClient } from './kube-client.js';
import { describeKubeError, isConflict, isNotFound } from './kube-errors.js';
import { type KubeMetadata, microTime } from './kube-object.js';

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

interface Lease {
  apiVersion?: string;
  kind?: string;
  metadata: KubeMetadata;
  spec?: LeaseSpec;
}

export interface LeaderElectionTimings {
  /** How long a Lease stays valid after its last renewal, for everyone else (default 15 s). */
  leaseDurationMs: number;
  /** A leader that could not renew for this long stops leading (default 10 s). */
  renewDeadlineMs: number;
  /** Between attempts to acquire or renew (default 2 s). */
  retryPeriodMs: number;
}

export const DEFAULT_LEADER_TIMINGS: LeaderElectionTimings = {
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
};

export interface LeaderElectionOptions extends Partial<LeaderElectionTimings> {
  client: KubeClient;
  namespace: string;
  name: string;
  identity: string;
  log: Logger;
  onStartedLeading: () => Promise<void> | void;
  onStoppedLeading: () => Promise<void> | void;
}

export function checkLeaderTimings(t: LeaderElectionTimings): void {
  if (
    !(t.leaseDurationMs > t.renewDeadlineMs && t.renewDeadlineMs > t.retryPeriodMs && t.retryPeriodMs > 0)
  ) {
    throw new Error(
      `leader election needs lease duration > renew deadline > retry period > 0 ` +
        `(got ${t.leaseDurationMs}ms, ${t.renewDeadlineMs}ms, ${t.retryPeriodMs}ms)`,
    );
  }
}

const jittered = (ms: number) => Math.round(ms * (1 + Math.random() * 0.2));

export class LeaderElector {
  private readonly t: LeaderElectionTimings;
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;
  private observed = '';
  private observedAt = 0;
  private leading = false;

  constructor(private readonly o: LeaderElectionOptions) {
    this.t = {
      leaseDurationMs: o.leaseDurationMs ?? DEFAULT_LEADER_TIMINGS.leaseDurationMs,
      renewDeadlineMs: o.renewDeadlineMs ?? DEFAULT_LEADER_TIMINGS.renewDeadlineMs,
      retryPeriodMs: o.retryPeriodMs ?? DEFAULT_LEADER_TIMINGS.retryPeriodMs,
    };
    checkLeaderTimings(this.t);
  }

  get isLeader(): boolean {
    return this.leading;
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Stops leading (if it did) and releases the Lease so another replica can take over at once. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    const signal = this.abort.signal;
    const { log, identity } = this.o;
    while (!signal.aborted) {
      while (!signal.aborted && !(await this.tryAcquireOrRenew())) {
        await sleep(jittered(this.t.retryPeriodMs), signal);
      }
      if (signal.aborted) break;
      this.leading = true;
      log.info({ lease: this.o.name, identity }, 'became leader');
      try {
        await this.o.onStartedLeading();
        let renewedAt = Date.now();
        while (!signal.aborted) {
          await sleep(this.t.retryPeriodMs, signal);
          if (signal.aborted) break;
          if (await this.tryAcquireOrRenew()) renewedAt = Date.now();
          else if (Date.now() - renewedAt > this.t.renewDeadlineMs) {
            log.error({ lease: this.o.name, identity }, 'could not renew the lease in time; stepping down');
            break;
          }
        }
      } catch (err) {
        log.error({ error: { message: (err as Error).message } }, 'leading failed; stepping down');
      }
      this.leading = false;
      await this.o.onStoppedLeading();
      if (!signal.aborted) log.info({ lease: this.o.name, identity }, 'stopped leading');
    }
    await this.release();
  }

  private get path(): string {
    return `/apis/coordination.k8s.io/v1/namespaces/${this.o.namespace}/leases/${this.o.name}`;
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const { client, name, identity, log } = this.o;
    const durationSeconds = Math.max(1, Math.ceil(this.t.leaseDurationMs / 1000));
    const now = microTime(new Date());
    let lease: Lease;
    try {
      lease = await client.get<Lease>(this.path, { timeoutMs: this.t.retryPeriodMs * 2 });
    } catch (err) {
      if (!isNotFound(err)) {
        log.warn({ lease: name, error: describeKubeError(err) }, 'could not read the lease');
        return false;
      }
      return this.create({
        holderIdentity: identity,
        leaseDurationSeconds: durationSeconds,
        acquireTime: now,
        renewTime: now,
        leaseTransitions: 0,
      });
    }
    const spec: LeaseSpec = lease.spec ?? {};
    const record = JSON.stringify([spec.holderIdentity, spec.renewTime, spec.leaseTransitions]);
    if (record !== this.observed) {
      this.observed = record;
      this.observedAt = Date.now();
    }
    const heldByOther = Boolean(spec.holderIdentity) && spec.holderIdentity !== identity;
    const validFor = (spec.leaseDurationSeconds ?? durationSeconds) * 1000;
    if (heldByOther && Date.now() < this.observedAt + validFor) return false;
    const mine = spec.holderIdentity === identity;
    const next: LeaseSpec = {
      holderIdentity: identity,
      leaseDurationSeconds: durationSeconds,
      acquireTime: mine && spec.acquireTime ? spec.acquireTime : now,
      renewTime: now,
      leaseTransitions: (spec.leaseTransitions ?? 0) + (mine ? 0 : 1),
    };
    try {
      await client.put(this.path, { ...lease, spec: next });
    } catch (err) {
      if (!isConflict(err))
        log.warn({ lease: name, error: describeKubeError(err) }, 'could not update the lease');
      return false;
    }
    if (!mine) log.info({ lease: name, previous: spec.holderIdentity || null }, 'acquired the lease');
    this.observed = JSON.stringify([identity, now, next.leaseTransitions]);
    this.observedAt = Date.now();
    return true;
  }

  private async create(spec: LeaseSpec): Promise<boolean> {
    const { client, namespace, name, log } = this.o;
    try {
      await client.post(`/apis/coordination.k8s.io/v1/namespaces/${namespace}/leases`, {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name, namespace },
        spec,
      });
      return true;
    } catch (err) {
      if (!isConflict(err))
        log.warn({ lease: name, error: describeKubeError(err) }, 'could not create the lease');
      return false;
    }
  }

  private async release(): Promise<void> {
    const { client, name, identity, log } = this.o;
    try {
      const lease = await client.get<Lease>(this.path);
      if (lease.spec?.holderIdentity !== identity) return;
      const now = microTime(new Date());
      await client.put(this.path, {
        ...lease,
        spec: {
          ...lease.spec,
          holderIdentity: '',
          leaseDurationSeconds: 1,
          renewTime: now,
          acquireTime: now,
        },
      });
      log.info({ lease: name, identity }, 'released the lease');
    } catch (err) {
      log.warn({ lease: name, error: describeKubeError(err) }, 'could not release the lease');
    }
  }
}
