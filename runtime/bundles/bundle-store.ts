// The runtime's view of configuration: watches the KV bucket and swaps bundles in place, without a
// restart. Every revision seen is also kept in Postgres, so a case can always find the flow revision it
// started on, even after the bucket has moved on. A bundle that would reach outside its corporation
// (bundle-admission.ts) is refused: the bundles loaded before it keep their payment host and API keys,
// the refusal is logged and counted, and a bundle refused for a claim is tried again when the holder
// lets go of it.
import { type KV, type KvEntry, KvWatchInclude } from '@nats-io/kv';
import { BUNDLE_SCHEMA_VERSION, type BundleFlow, type ConfigBundle } from '../../core/bundle/types.js';
import { createError } from '../../core/errors/index.js';
import { isDnsLabel } from '../../core/resources/names.js';
import { type Database, sql } from '../../platform/db/index.js';
import type { Logger } from '../../platform/log.js';
import type { RuntimeMetrics } from '../metrics/index.js';
import { type Refusal, refusalOf } from './bundle-admission.js';

export class BundleStore {
  private readonly current = new Map<string, ConfigBundle>();
  private readonly byKey = new Map<string, string>();
  private readonly byHost = new Map<string, string>();
  private readonly old = new Map<string, ConfigBundle>();
  /** Bundles refused for a claim another corporation holds, tried again when a claim is let go. */
  private readonly waiting = new Map<string, ConfigBundle>();
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
    // In the order they were written, so "loaded first" means the same on every replica that starts.
    const entries: KvEntry[] = [];
    for await (const key of await kv.keys('corp.>')) {
      const entry = await kv.get(key);
      if (entry) entries.push(entry);
    }
    for (const entry of entries.sort((a, b) => a.revision - b.revision)) await this.apply(entry);
    this.loaded = true;
    void (async () => {
      for await (const entry of iter) await this.apply(entry);
    })();
  }

  private async apply(entry: KvEntry): Promise<void> {
    const corporation = entry.key.slice('corp.'.length);
    if (entry.operation !== 'PUT' || entry.length === 0) {
      this.remove(corporation);
      await this.retryWaiting();
      return;
    }
    try {
      const bundle = entry.json<ConfigBundle>();
      if (bundle.corporation?.id !== corporation) {
        this.waiting.delete(corporation);
        throw createError('OST_ERR_BUNDLE_REFUSED', [
          String(bundle.revision),
          corporation,
          `it names corporation "${String(bundle.corporation?.id).slice(0, 100)}" but is stored under ${entry.key}`,
        ]);
      }
      await this.accept(bundle);
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

  /**
   * Installs a bundle (also used directly by tests and the simulator). Throws OST_ERR_BUNDLE_REFUSED,
   * and keeps what is loaded, when the bundle reaches outside its corporation.
   */
  async accept(bundle: ConfigBundle): Promise<void> {
    if (bundle.schemaVersion !== BUNDLE_SCHEMA_VERSION) {
      throw new Error(`bundle schema version ${bundle.schemaVersion} is not ${BUNDLE_SCHEMA_VERSION}`);
    }
    const id = bundle.corporation.id;
    const refusal = refusalOf(bundle, this.claims);
    if (refusal) {
      this.refuse(bundle, refusal);
      if (refusal.reason === 'payment-host' || refusal.reason === 'api-key') this.waiting.set(id, bundle);
      throw createError('OST_ERR_BUNDLE_REFUSED', [bundle.revision, id, refusal.detail]);
    }
    this.waiting.delete(id);
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
    // A corporation's namespace is never another's base: drop a bundle that inherits from it.
    let dropped = false;
    for (const other of [...this.current.values()]) {
      if (other.corporation.base !== id) continue;
      dropped = true;
      this.refuse(other, {
        reason: 'base-is-corporation',
        detail: `base "${id}" is a corporation's namespace`,
        holder: id,
      });
      this.remove(other.corporation.id);
    }
    if (previous || dropped) await this.retryWaiting();
  }

  /** The street as loaded, for bundle-admission.ts. */
  private readonly claims = {
    corporationForHost: (host: string) => this.byHost.get(host),
    corporationForKeyHash: (hash: string) => this.byKey.get(hash),
    has: (corporation: string) => this.current.has(corporation),
  };

  private refuse(bundle: ConfigBundle, refusal: Refusal): void {
    const corporation = bundle.corporation.id;
    const label = isDnsLabel(corporation) ? corporation : 'invalid';
    this.metrics?.bundlesRefused.inc({ corporation: label, reason: refusal.reason });
    this.log.error(
      { corporation, revision: bundle.revision, reason: refusal.reason, holder: refusal.holder },
      `bundle refused: ${refusal.detail}`,
    );
  }

  /** Tries the bundles that waited for a claim again, now that one was let go. */
  private async retryWaiting(): Promise<void> {
    for (const [corporation, bundle] of [...this.waiting]) {
      if (refusalOf(bundle, this.claims)) continue;
      this.waiting.delete(corporation);
      await this.accept(bundle).catch((err: unknown) =>
        this.log.error({ corporation, err }, 'bundle rejected; keeping the last good one'),
      );
    }
  }

  private unindex(bundle: ConfigBundle): void {
    for (const hash of bundle.apiKeyHashes) this.byKey.delete(hash);
    if (bundle.corporation.paymentHost) this.byHost.delete(bundle.corporation.paymentHost);
  }

  private remove(corporation: string): void {
    this.waiting.delete(corporation);
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
