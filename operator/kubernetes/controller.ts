// The Kubernetes controller: supervised watches of the five kinds feed a cache; every change queues the
// keys it may affect; each key is reconciled level-based — whatever woke it, it looks at the whole
// street (one compile pass per cache version), makes sure the bundles are published and writes the
// resource's status when it differs. A Corporation carries a finalizer so that deleting it retires
// its bundle first.

import { KINDS, type Kind } from '../../core/resources/kinds.js';
import type { Logger } from '../../platform/log.js';
import type { BundlePublisher } from '../publisher/bundle-publisher.js';
import { nextStatus, type ResourceStatus } from './conditions.js';
import { EventRecorder } from './event-recorder.js';
import type { KubeClient } from './kube-client.js';
import { describeKubeError, isNotFound } from './kube-errors.js';
import { type KubeObject, parseObjectKey } from './kube-object.js';
import { collectionPath, objectPath, secretPath } from './kube-paths.js';
import { SupervisedListWatch } from './list-watch.js';
import type { OperatorMetrics } from './operator-metrics.js';
import { ReconcileQueue } from './reconcile-queue.js';
import { ResourceCache } from './resource-cache.js';
import { type SecretReader, StreetPlanner } from './street-planner.js';

/** Held by every Corporation: its bundle is retired before the resource goes away. */
export const BUNDLE_FINALIZER = 'outputstraat.io/bundle';
export const FIELD_MANAGER = 'outputstraat-operator';

export interface ControllerTimings {
  /** Restart a watch that delivered no event and no bookmark for this long (default 3 min). */
  watchdogMs: number;
  /** Server-side timeout of one watch request, randomised up to twice this (default 5 min). */
  watchTimeoutSeconds: number;
  /** Recompile everything this often even without changes: picks up rotated Secrets (default 5 min). */
  resyncMs: number;
}

export const DEFAULT_TIMINGS: ControllerTimings = {
  watchdogMs: 180_000,
  watchTimeoutSeconds: 300,
  resyncMs: 300_000,
};

export interface ControllerOptions {
  client: KubeClient;
  publisher: BundlePublisher;
  /** This instance's name in Events and logs (the pod name). */
  identity: string;
  log: Logger;
  metrics: OperatorMetrics;
  timings?: Partial<ControllerTimings>;
  concurrency?: number;
}

export class Controller {
  private readonly client: KubeClient;
  private readonly cache: ResourceCache;
  private readonly watches: SupervisedListWatch[];
  private readonly planner: StreetPlanner;
  private readonly events: EventRecorder;
  private readonly queue: ReconcileQueue;
  private readonly timings: ControllerTimings;
  private resync: NodeJS.Timeout | undefined;

  constructor(private readonly o: ControllerOptions) {
    this.client = o.client;
    this.timings = { ...DEFAULT_TIMINGS, ...o.timings };
    this.events = new EventRecorder(o.client, o.identity, o.log);
    this.queue = new ReconcileQueue((key) => this.timed(key), {
      concurrency: o.concurrency ?? 4,
      retry: { initialMs: 500, maxMs: 60_000 },
      onError: (key, err, attempt) => {
        const { kind, namespace, name } = parseObjectKey(key);
        o.metrics.reconcileErrors.inc({ kind });
        o.log.warn(
          { namespace, name, kind, attempt, error: describeKubeError(err) },
          'reconcile failed; retrying',
        );
      },
    });
    this.cache = new ResourceCache((key, inputChanged) => {
      if (inputChanged) for (const k of this.cache.keys()) this.queue.add(k);
      else this.queue.add(key);
      o.metrics.queueDepth.set(this.queue.depth);
    });
    this.planner = new StreetPlanner(this.cache, this.readSecret, o.publisher, this.events, o.metrics, o.log);
    this.watches = KINDS.map((kind) => {
      const watch = new SupervisedListWatch({
        kind,
        watchPath: collectionPath(kind),
        client: o.client,
        handlers: this.cache.handlersFor(kind),
        log: o.log,
        watchdogMs: this.timings.watchdogMs,
        watchTimeoutSeconds: this.timings.watchTimeoutSeconds,
        retry: { initialMs: 500, maxMs: 30_000 },
        onRestart: (reason) => o.metrics.watchRestarts.inc({ kind, reason }),
      });
      o.metrics.watchActivity.set(kind, () => watch.lastActivity);
      // Series exist from the start, so rate() and increase() see the first increment.
      for (const reason of ['closed', 'expired', 'stalled', 'error'])
        o.metrics.watchRestarts.inc({ kind, reason }, 0);
      for (const result of ['success', 'error']) o.metrics.reconciles.inc({ kind, result }, 0);
      o.metrics.reconcileErrors.inc({ kind }, 0);
      return watch;
    });
  }

  start(): void {
    this.queue.start();
    for (const w of this.watches) w.start();
    this.resync = setInterval(() => this.cache.touch(), this.timings.resyncMs);
    this.resync.unref();
  }

  async waitForSync(): Promise<void> {
    await Promise.all(this.watches.map((w) => w.waitForSync()));
  }

  get synced(): boolean {
    return this.watches.every((w) => w.hasSynced);
  }

  async stop(): Promise<void> {
    clearInterval(this.resync);
    await Promise.all(this.watches.map((w) => w.stop()));
    await this.queue.stop();
    for (const kind of KINDS) this.o.metrics.watchActivity.delete(kind);
  }

  private async timed(key: string): Promise<void> {
    const { kind } = parseObjectKey(key);
    const end = this.o.metrics.reconcileDuration.startTimer({ kind });
    try {
      await this.reconcile(key);
      this.o.metrics.reconciles.inc({ kind, result: 'success' });
    } catch (err) {
      this.o.metrics.reconciles.inc({ kind, result: 'error' });
      throw err;
    } finally {
      end();
      this.o.metrics.queueDepth.set(this.queue.depth);
    }
  }

  /** Level-based: the key's resource as it is now, against the street as it is now. */
  async reconcile(key: string): Promise<void> {
    const obj = this.cache.get(key);
    if (!obj) return;
    const { kind, namespace, name } = parseObjectKey(key);
    const log = this.o.log.child({ namespace, name, generation: obj.metadata.generation, kind });
    if (kind === 'Corporation') {
      if (obj.metadata.deletionTimestamp) return this.finalize(key, obj, log);
      if (!obj.metadata.finalizers?.includes(BUNDLE_FINALIZER)) await this.addFinalizer(obj, log);
    }
    if (obj.metadata.deletionTimestamp) return;
    // Compiling before every kind is listed would judge resources against half a street.
    await this.waitForSync();
    const plan = await this.planner.current();
    const verdict = plan.verdicts.get(key);
    // The object changed after the pass began; the change queued the key again.
    if (!verdict || this.cache.get(key) !== obj) return;
    const previous = obj.status as ResourceStatus | undefined;
    const next = nextStatus(verdict, obj.metadata.generation, previous, new Date());
    if (next.changed) {
      // A merge patch replaces the conditions list as a whole; null removes a revision that no longer applies.
      const updated = await this.client.mergePatch<KubeObject>(
        `${objectPath(kind as Kind, namespace, name)}/status`,
        { status: { ...next.status, revision: next.status.revision ?? null } },
        { fieldManager: FIELD_MANAGER },
      );
      this.cache.handlersFor(kind as Kind).upsert(updated);
      const ready = next.status.conditions[0]!;
      log.info(
        { ready: ready.status, reason: ready.reason, revision: next.status.revision },
        'status updated',
      );
      if (next.readyTransition && (ready.status === 'False' || previous?.conditions?.length)) {
        await this.events.record(obj, {
          type: ready.status === 'True' ? 'Normal' : 'Warning',
          reason: ready.reason,
          action: 'Reconcile',
          note: ready.message,
        });
      }
    }
    if (verdict.publishError && kind === 'Corporation') {
      throw new Error(`publishing the bundle of ${namespace} failed: ${verdict.publishError}`);
    }
  }

  private async addFinalizer(obj: KubeObject, log: Logger): Promise<void> {
    const { namespace = '', name, resourceVersion } = obj.metadata;
    // resourceVersion makes this a compare-and-swap: a concurrent change of the list fails with 409.
    await this.client.mergePatch(
      objectPath('Corporation', namespace, name),
      { metadata: { resourceVersion, finalizers: [...(obj.metadata.finalizers ?? []), BUNDLE_FINALIZER] } },
      { fieldManager: FIELD_MANAGER },
    );
    log.info('finalizer added');
  }

  private async finalize(key: string, obj: KubeObject, log: Logger): Promise<void> {
    const finalizers = obj.metadata.finalizers ?? [];
    if (!finalizers.includes(BUNDLE_FINALIZER)) return;
    await this.waitForSync();
    // Wait for the pass that no longer sees this Corporation, so nothing publishes its bundle after this.
    await this.planner.current();
    const { namespace = '', name, resourceVersion } = obj.metadata;
    const retired = await this.o.publisher.retire(namespace);
    if (retired) {
      this.o.metrics.bundlePublishes.inc({ corporation: namespace, result: 'retired' });
      await this.events.record(obj, {
        type: 'Normal',
        reason: 'BundleRetired',
        action: 'Retire',
        note: `The bundle of ${namespace} was removed from the street; its ERP API key no longer works.`,
      });
    }
    try {
      await this.client.mergePatch(
        objectPath('Corporation', namespace, name),
        { metadata: { resourceVersion, finalizers: finalizers.filter((f) => f !== BUNDLE_FINALIZER) } },
        { fieldManager: FIELD_MANAGER },
      );
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    log.info({ retired, key }, 'corporation deleted: bundle retired, finalizer removed');
  }

  private readonly readSecret: SecretReader = async (namespace, name) => {
    try {
      const secret = await this.client.get<{ data?: Record<string, string> }>(secretPath(namespace, name));
      const data: Record<string, string> = {};
      for (const [k, v] of Object.entries(secret.data ?? {})) data[k] = Buffer.from(v, 'base64').toString();
      return data;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      const { status, message } = describeKubeError(err);
      throw new Error(`reading Secret ${namespace}/${name} failed (${status ?? 'no answer'}): ${message}`);
    }
  };
}
