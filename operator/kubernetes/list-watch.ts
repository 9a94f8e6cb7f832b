// A supervised list+watch of one resource type. The informer of @kubernetes/client-node stops for good
// after most errors (it only reports them) and never notices a watch that went quiet without closing,
// so the operator runs its own loop: list, then watch from the list's resourceVersion with bookmarks; after the stream ends it
// watches again from the last resourceVersion it saw, relists on 410 Gone, backs off (with jitter)
// after errors, and a watchdog restarts a watch that delivered no event and no bookmark for too long.

import { Backoff, type BackoffOptions, sleep } from '../../platform/backoff.js';
import type { Logger } from '../../platform/log.js';
import type { KubeClient } from './kube-client.js';
import { describeKubeError, isGone } from './kube-errors.js';
import type { KubeList, KubeObject, KubeStatus } from './kube-object.js';

export interface ListWatchHandlers {
  /** Everything that exists after a (re)list; what is not in it is gone. */
  replace(items: KubeObject[]): void;
  upsert(obj: KubeObject): void;
  remove(obj: KubeObject): void;
}

/** Why a watch was started again: the server ended it, its resourceVersion expired, it went silent, or an error. */
export type RestartReason = 'closed' | 'expired' | 'stalled' | 'error';

export interface ListWatchOptions {
  /** Resource name for logs and metrics, e.g. `Flow`. */
  kind: string;
  /** Watch path across namespaces, e.g. `/apis/outputstraat.io/v1alpha1/flows`. */
  watchPath: string;
  client: KubeClient;
  handlers: ListWatchHandlers;
  log: Logger;
  /** Restart a watch that delivered neither an event nor a bookmark for this long. */
  watchdogMs: number;
  retry: BackoffOptions;
  /** Server-side timeout of one watch request; each request picks between this and twice this. */
  watchTimeoutSeconds: number;
  onRestart?: (reason: RestartReason) => void;
}

interface WatchEnd {
  reason: RestartReason;
  /** The watch delivered something or ran a while: the next retry starts from a short delay again. */
  healthy: boolean;
}

export class SupervisedListWatch {
  private resourceVersion = '';
  private abort = new AbortController();
  private loop: Promise<void> | undefined;
  private synced = false;
  private syncWaiters: (() => void)[] = [];
  /** Milliseconds since epoch of the last list, event or bookmark. */
  lastActivity = 0;

  constructor(private readonly o: ListWatchOptions) {}

  get hasSynced(): boolean {
    return this.synced;
  }

  start(): void {
    if (this.loop) return;
    this.abort = new AbortController();
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
    this.loop = undefined;
  }

  /** Resolves after the first complete list. */
  waitForSync(): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((resolve) => this.syncWaiters.push(resolve));
  }

  private async run(): Promise<void> {
    const backoff = new Backoff(this.o.retry);
    const signal = this.abort.signal;
    while (!signal.aborted) {
      let end: WatchEnd;
      try {
        if (!this.resourceVersion) await this.relist();
        end = await this.watchOnce(signal);
      } catch (err) {
        if (signal.aborted) break;
        this.o.log.warn({ kind: this.o.kind, error: describeKubeError(err) }, 'list failed; retrying');
        end = { reason: 'error', healthy: false };
      }
      if (signal.aborted) break;
      this.o.onRestart?.(end.reason);
      if (end.healthy) backoff.reset();
      // A server-side timeout ends a healthy watch: continue at once. Anything else waits, jittered.
      if (!(end.reason === 'closed' && end.healthy)) await sleep(backoff.next(), signal);
    }
  }

  private async relist(): Promise<void> {
    const items: KubeObject[] = [];
    let token: string | undefined;
    let resourceVersion = '';
    do {
      const page = await this.o.client.get<KubeList>(this.o.watchPath, {
        query: { limit: 500, continue: token },
      });
      items.push(...(page.items ?? []));
      token = page.metadata?.continue || undefined;
      resourceVersion = page.metadata?.resourceVersion ?? '';
    } while (token);
    this.o.handlers.replace(items);
    this.resourceVersion = resourceVersion;
    this.lastActivity = Date.now();
    this.o.log.debug({ kind: this.o.kind, count: items.length, resourceVersion }, 'listed');
    if (!this.synced) {
      this.synced = true;
      for (const resolve of this.syncWaiters.splice(0)) resolve();
    }
  }

  private watchOnce(signal: AbortSignal): Promise<WatchEnd> {
    const { kind, log, watchdogMs } = this.o;
    return new Promise<WatchEnd>((resolve) => {
      const startedAt = Date.now();
      let lastSeen = startedAt;
      let events = 0;
      let finished = false;
      const controller = new AbortController();
      const finish = (reason: RestartReason) => {
        if (finished) return;
        finished = true;
        clearInterval(watchdog);
        signal.removeEventListener('abort', onAbort);
        controller.abort();
        resolve({ reason, healthy: events > 0 || Date.now() - startedAt > 10_000 });
      };
      const onAbort = () => finish('closed');
      signal.addEventListener('abort', onAbort, { once: true });
      const watchdog = setInterval(
        () => {
          const quiet = Date.now() - lastSeen;
          if (quiet < watchdogMs) return;
          log.warn(
            { kind, quietSeconds: Math.round(quiet / 1000) },
            'watch stalled: no event or bookmark; restarting it',
          );
          finish('stalled');
        },
        Math.max(50, Math.min(5_000, watchdogMs / 4)),
      );
      watchdog.unref();

      const onEvent = (type: string, obj: unknown) => {
        if (finished) return;
        lastSeen = Date.now();
        this.lastActivity = lastSeen;
        events++;
        if (type === 'ERROR') {
          const status = obj as KubeStatus;
          if (status.code === 410) {
            log.info({ kind, reason: status.reason }, 'watch resourceVersion expired (410 Gone); relisting');
            this.resourceVersion = '';
            finish('expired');
          } else {
            log.warn(
              { kind, code: status.code, reason: status.reason, message: status.message },
              'watch error event',
            );
            finish('error');
          }
          return;
        }
        const object = obj as KubeObject;
        const rv = object?.metadata?.resourceVersion;
        if (type === 'ADDED' || type === 'MODIFIED') this.o.handlers.upsert(object);
        else if (type === 'DELETED') this.o.handlers.remove(object);
        else if (type !== 'BOOKMARK') return;
        if (rv) this.resourceVersion = rv;
      };
      const onDone = (err: unknown) => {
        if (finished) return;
        if (!err) return finish('closed');
        if (isGone(err)) {
          this.resourceVersion = '';
          return finish('expired');
        }
        log.warn({ kind, error: describeKubeError(err) }, 'watch ended with an error');
        finish('error');
      };

      const timeoutSeconds = Math.round(this.o.watchTimeoutSeconds * (1 + Math.random()));
      this.o.client
        .watch(
          this.o.watchPath,
          { resourceVersion: this.resourceVersion, allowWatchBookmarks: true, timeoutSeconds },
          onEvent,
          controller.signal,
        )
        .then(
          () => onDone(undefined),
          (err: unknown) => onDone(err ?? new Error('watch failed')),
        );
    });
  }
}
