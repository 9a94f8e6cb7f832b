// The runtime's view of configuration: watches the KV bucket and swaps bundles in place, without a
// restart. Every revision seen is also kept in Postgres, so a case can always find the flow revision it
// started on, even after the bucket has moved on.
import { type KV, type KvEntry, KvWatchInclude } from '@nats-io/kv';
import { BUNDLE_SCHEMA_VERSION, type BundleFlow, type ConfigBundle } from '../../core/bundle/types.js';
import { type Database, sql } from '../../platform/db/index.js';
import type { Logger } from '../../platform/log.js';
import type { RuntimeMetrics } from '../metrics/index.js';

export class BundleStore {
  private readonly current = new Map<string, ConfigBundle>();
  private readonly byKey = new Map<string, string>();
  private readonly byHost = new Map<string, string>();
  private readonly old = new Map<string, ConfigBundle>();
  private loaded = false;
  private stopWatch: (() => void) | undefined;

  constructor(
    private readonly db: Database,
    private readonly log: Logger,
    private readonly metrics?: RuntimeMetrics,
  ) {}

  /** Resolves once the bucket's current values are loaded; keeps watching until stop(). */
  async start(kv: KV): Promise<void> {
    // Watch first (updates only), then load what is there: an update racing the load is applied after it.
    const iter = await kv.watch({ key: 'corp.>', include: KvWatchInclude.UpdatesOnly });
    this.stopWatch = () => iter.stop();
    for await (const key of await kv.keys('corp.>')) {
      const entry = await kv.get(key);
      if (entry) await this.apply(entry);
    }
    this.loaded = true;
    void (async () => {
      for await (const entry of iter) await this.apply(entry);
    })();
  }

  private async apply(entry: KvEntry): Promise<void> {
    const corporation = entry.key.slice('corp.'.length);
    if (entry.operation !== 'PUT' || entry.length === 0) {
      this.remove(corporation);
      return;
    }
    try {
      await this.accept(entry.json<ConfigBundle>());
    } catch (err) {
      this.log.error({ corporation, err }, 'bundle rejected; keeping the last good one');
    }
  }

  stop(): void {
    this.stopWatch?.();
  }

  get ready(): boolean {
    return this.loaded;
  }

  /** Installs a bundle (also used directly by tests and the simulator). */
  async accept(bundle: ConfigBundle): Promise<void> {
    if (bundle.schemaVersion !== BUNDLE_SCHEMA_VERSION) {
      throw new Error(`bundle schema version ${bundle.schemaVersion} is not ${BUNDLE_SCHEMA_VERSION}`);
    }
    const id = bundle.corporation.id;
    await this.db.query(sql.unsafe`
      INSERT INTO config_bundles (revision, corporation, body)
      VALUES (${bundle.revision}, ${id}, ${sql.jsonb(bundle as never)})
      ON CONFLICT (revision) DO NOTHING`);
    const previous = this.current.get(id);
    if (previous) this.unindex(previous);
    this.current.set(id, bundle);
    for (const hash of bundle.apiKeyHashes) this.byKey.set(hash, id);
    if (bundle.corporation.paymentHost) this.byHost.set(bundle.corporation.paymentHost, id);
    if (previous) this.metrics?.configRevision.remove(id, previous.revision);
    this.metrics?.configRevision.set({ corporation: id, revision: bundle.revision }, 1);
    this.log.info({ corporation: id, revision: bundle.revision }, 'bundle active');
  }

  private unindex(bundle: ConfigBundle): void {
    for (const hash of bundle.apiKeyHashes) this.byKey.delete(hash);
    if (bundle.corporation.paymentHost) this.byHost.delete(bundle.corporation.paymentHost);
  }

  private remove(corporation: string): void {
    const previous = this.current.get(corporation);
    if (!previous) return;
    this.unindex(previous);
    this.current.delete(corporation);
    this.metrics?.configRevision.remove(corporation, previous.revision);
    this.log.info({ corporation }, 'bundle retired');
  }

  get(corporation: string): ConfigBundle | undefined {
    return this.current.get(corporation);
  }

  corporations(): string[] {
    return [...this.current.keys()];
  }

  corporationForKeyHash(hash: string): string | undefined {
    return this.byKey.get(hash);
  }

  corporationForHost(host: string): string | undefined {
    return this.byHost.get(host);
  }

  /** A specific revision of a corporation's bundle: the current one, or an older one from Postgres. */
  async revision(corporation: string, revision: string): Promise<ConfigBundle | undefined> {
    const current = this.current.get(corporation);
    if (current?.revision === revision) return current;
    const cached = this.old.get(revision);
    if (cached) return cached;
    const row = await this.db.maybeOne(sql.unsafe`
      SELECT body FROM config_bundles WHERE revision = ${revision} AND corporation = ${corporation}`);
    if (!row) return undefined;
    const bundle = row.body as ConfigBundle;
    this.old.set(revision, bundle);
    return bundle;
  }

  /** The flow a case runs: its own revision (unless the flow opts into `latest`). */
  async flowFor(
    corporation: string,
    bundleRevision: string,
    flowName: string,
    flowRevision: string,
  ): Promise<BundleFlow | undefined> {
    const latest = this.current.get(corporation)?.flows[flowName];
    if (latest && (latest.revision === flowRevision || latest.revisionPolicy === 'latest')) return latest;
    const started = await this.revision(corporation, bundleRevision);
    return started?.flows[flowName] ?? latest;
  }
}
