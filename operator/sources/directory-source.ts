// The laptop/CI source of the reconcile path: YAML files in folders instead of the Kubernetes API.
// Every change re-reads everything and recompiles (level-based, like the cluster controller); a
// corporation whose resources do not compile keeps its last good bundle in the bucket.
import { watch } from 'node:fs';
import type { ConfigBundle } from '../../core/bundle/types.js';
import { formatLocation, type OutputstraatError } from '../../core/errors/index.js';
import type { Logger } from '../../platform/log.js';
import { compileStreet, heldBy } from '../compiler/index.js';
import type { BundlePublisher } from '../publisher/bundle-publisher.js';
import { readResourceFiles } from './read-resource-files.js';
import { directorySecretResolver } from './secret-resolver.js';

export interface ReconcileReport {
  bundles: ConfigBundle[];
  published: string[];
  retired: string[];
  errors: OutputstraatError[];
}

export class DirectorySource {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private watchers: { close(): void }[] = [];
  private readonly known = new Set<string>();

  constructor(
    private readonly paths: string[],
    private readonly publisher: BundlePublisher,
    private readonly log: Logger,
    private readonly debounceMs = 150,
  ) {}

  /** Reads, compiles and publishes once. */
  async reconcile(): Promise<ReconcileReport> {
    const read = readResourceFiles(this.paths);
    // What the live bundles hold stays theirs (compiler/street-claims.ts).
    const live = await Promise.all(
      read.resources
        .filter((r) => r.kind === 'Corporation')
        .map((r) => this.publisher.current(r.metadata.namespace)),
    );
    const result = compileStreet(read.resources, {
      secrets: directorySecretResolver(read.secrets),
      held: heldBy(live.flatMap((b) => b ?? [])),
    });
    const errors = [...read.errors, ...result.errors];
    for (const e of errors) {
      this.log.error({ code: e.code, where: formatLocation(e.location) }, e.message);
    }
    const published: string[] = [];
    for (const bundle of result.bundles) {
      if ((await this.publisher.publish(bundle)) === 'published') published.push(bundle.corporation.id);
    }
    // Only corporations whose Corporation resource is gone are retired; a broken one keeps its bundle.
    const present = new Set(
      read.resources.filter((r) => r.kind === 'Corporation').map((r) => r.metadata.namespace),
    );
    const retired: string[] = [];
    for (const id of await this.publisher.publishedCorporations()) {
      if (!present.has(id) && this.known.has(id) && (await this.publisher.retire(id))) retired.push(id);
    }
    for (const id of present) this.known.add(id);
    return { bundles: result.bundles, published, retired, errors };
  }

  /** Reconciles now and after every change below the paths, until close(). */
  async watch(): Promise<ReconcileReport> {
    const first = await this.reconcile();
    for (const p of this.paths) {
      this.watchers.push(watch(p, { recursive: true }, () => this.schedule()));
    }
    return first;
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.running = this.running
        .then(() => this.reconcile())
        .catch((err: unknown) => this.log.error({ err }, 'reconcile failed'));
    }, this.debounceMs);
  }

  async close(): Promise<void> {
    clearTimeout(this.timer);
    for (const w of this.watchers) w.close();
    await this.running;
  }
}
