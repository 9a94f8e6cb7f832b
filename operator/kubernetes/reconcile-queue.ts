// A keyed work queue that coalesces: a key waits in the queue at most once, and a key added while it
// is being worked on is worked on once more afterwards (never twice at the same time). Failed keys
// come back after a jittered, growing delay; a success forgets the key's failures. Like client-go's
// rate-limited workqueue, in the small.
import { type BackoffOptions, backoffDelay } from '../../platform/backoff.js';

export type KeyHandler = (key: string) => Promise<void>;

export interface ReconcileQueueOptions {
  concurrency?: number;
  retry?: BackoffOptions;
  /** Called for every failed attempt before the key is scheduled again. */
  onError?: (key: string, err: unknown, attempt: number) => void;
}

export class ReconcileQueue {
  private readonly queue: string[] = [];
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly delayed = new Map<string, NodeJS.Timeout>();
  private readonly workers: Promise<void>[] = [];
  private wake: (() => void) | undefined;
  private stopped = true;

  constructor(
    private readonly handler: KeyHandler,
    private readonly options: ReconcileQueueOptions = {},
  ) {}

  get depth(): number {
    return this.queue.length;
  }

  add(key: string): void {
    if (this.stopped || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    this.queue.push(key);
    this.wake?.();
  }

  /** Adds the key after `ms`, unless an earlier delayed add for it is still pending. */
  addAfter(key: string, ms: number): void {
    if (this.stopped || this.delayed.has(key)) return;
    const timer = setTimeout(() => {
      this.delayed.delete(key);
      this.add(key);
    }, ms);
    timer.unref();
    this.delayed.set(key, timer);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    for (let i = 0; i < (this.options.concurrency ?? 4); i++) this.workers.push(this.work());
  }

  /** Stops taking keys, drops what waits, and resolves once the keys being worked on are done. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.delayed.values()) clearTimeout(timer);
    this.delayed.clear();
    this.queue.length = 0;
    this.dirty.clear();
    this.failures.clear();
    this.wake?.();
    await Promise.all(this.workers.splice(0));
  }

  private async work(): Promise<void> {
    while (!this.stopped) {
      const key = this.queue.shift();
      if (key === undefined) {
        await new Promise<void>((resolve) => {
          const previous = this.wake;
          this.wake = () => {
            this.wake = undefined;
            previous?.();
            resolve();
          };
        });
        continue;
      }
      this.dirty.delete(key);
      this.processing.add(key);
      try {
        await this.handler(key);
        this.failures.delete(key);
      } catch (err) {
        const attempt = this.failures.get(key) ?? 0;
        this.failures.set(key, attempt + 1);
        this.options.onError?.(key, err, attempt);
        this.addAfter(key, backoffDelay(attempt, this.options.retry ?? { initialMs: 200, maxMs: 60_000 }));
      } finally {
        this.processing.delete(key);
        if (this.dirty.has(key) && !this.stopped) {
          this.queue.push(key);
          this.wake?.();
        }
      }
    }
  }
}
