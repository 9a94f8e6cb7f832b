// The operator process's core: leader election around the controller. Only the replica holding the
// Lease runs watches and reconciles; a replica that loses the Lease stops its controller first.
import type { Logger } from '../../platform/log.js';
import type { BundlePublisher } from '../publisher/bundle-publisher.js';
import { type BaseLibrarySource, BaseLibrarySync } from './base-library.js';
import { Controller, type ControllerTimings } from './controller.js';
import type { KubeClient } from './kube-client.js';
import { type LeaderElectionTimings, LeaderElector } from './leader-election.js';
import { createOperatorMetrics, type OperatorMetrics } from './operator-metrics.js';

export interface OperatorOptions {
  client: KubeClient;
  publisher: BundlePublisher;
  /** Unique per replica: the pod name. */
  identity: string;
  log: Logger;
  metrics?: OperatorMetrics;
  /** Lease to hold; false runs the controller at once (a single replica, or tests). */
  leaderElection: ({ namespace: string; name: string } & Partial<LeaderElectionTimings>) | false;
  timings?: Partial<ControllerTimings>;
  concurrency?: number;
  /** The shipped base library to apply while leading (chart value baseLibrary.install). */
  baseLibrary?: BaseLibrarySource;
  /** How often the leader looks at the base library's ConfigMap (default 30 s). */
  baseLibraryIntervalMs?: number;
}

export class Operator {
  readonly metrics: OperatorMetrics;
  private controller: Controller | undefined;
  private elector: LeaderElector | undefined;
  private baseLibrary: BaseLibrarySync | undefined;

  constructor(private readonly o: OperatorOptions) {
    this.metrics = o.metrics ?? createOperatorMetrics();
    this.metrics.leader.set(0);
    for (const change of ['started', 'stopped']) this.metrics.leadership.inc({ change }, 0);
  }

  /** True while this replica reconciles and its caches are filled. */
  get leadingAndSynced(): boolean {
    return this.controller?.synced ?? false;
  }

  get isLeader(): boolean {
    return this.controller !== undefined;
  }

  start(): void {
    const le = this.o.leaderElection;
    if (!le) {
      this.lead();
      return;
    }
    this.elector = new LeaderElector({
      ...le,
      client: this.o.client,
      identity: this.o.identity,
      log: this.o.log,
      onStartedLeading: () => this.lead(),
      onStoppedLeading: () => this.follow(),
    });
    this.elector.start();
  }

  async stop(): Promise<void> {
    if (this.elector) await this.elector.stop();
    else await this.follow();
  }

  private lead(): void {
    this.controller = new Controller({
      client: this.o.client,
      publisher: this.o.publisher,
      identity: this.o.identity,
      log: this.o.log,
      metrics: this.metrics,
      timings: this.o.timings,
      concurrency: this.o.concurrency,
    });
    this.controller.start();
    if (this.o.baseLibrary) {
      this.baseLibrary = new BaseLibrarySync({
        client: this.o.client,
        source: this.o.baseLibrary,
        log: this.o.log,
        intervalMs: this.o.baseLibraryIntervalMs,
        problems: this.metrics.baseLibraryProblems,
      });
      this.baseLibrary.start();
    }
    this.metrics.leader.set(1);
    this.metrics.leadership.inc({ change: 'started' });
  }

  private async follow(): Promise<void> {
    const controller = this.controller;
    if (!controller) return;
    this.controller = undefined;
    this.metrics.leader.set(0);
    this.metrics.leadership.inc({ change: 'stopped' });
    const library = this.baseLibrary;
    this.baseLibrary = undefined;
    this.metrics.baseLibraryProblems.set(0); // a follower applies nothing, so it has no problem to report
    await Promise.all([controller.stop(), library?.stop()]);
  }
}
