// Publishes compiled bundles to the NATS KV bucket. A bundle is only written when its revision differs
// from what the bucket holds, so a level-based reconcile that runs often writes nothing new.
import type { KV } from '@nats-io/kv';
import { BUNDLE_BUCKET, bundleKey, type ConfigBundle } from '../../core/bundle/types.js';
import type { Logger } from '../../platform/log.js';

export type PublishOutcome = 'published' | 'unchanged';

export class BundlePublisher {
  constructor(
    private readonly kv: KV,
    private readonly log: Logger,
  ) {}

  async current(corporation: string): Promise<ConfigBundle | undefined> {
    const entry = await this.kv.get(bundleKey(corporation));
    if (entry?.operation !== 'PUT' || entry.length === 0) return undefined;
    return entry.json<ConfigBundle>();
  }

  async publish(bundle: ConfigBundle): Promise<PublishOutcome> {
    const id = bundle.corporation.id;
    const existing = await this.current(id);
    if (existing?.revision === bundle.revision) return 'unchanged';
    await this.kv.put(bundleKey(id), JSON.stringify(bundle));
    this.log.info({ corporation: id, revision: bundle.revision, bucket: BUNDLE_BUCKET }, 'bundle published');
    return 'published';
  }

  /** Removes a corporation's bundle: its runtime config is retired and its ingress key stops working. */
  async retire(corporation: string): Promise<boolean> {
    const existing = await this.current(corporation);
    if (!existing) return false;
    await this.kv.delete(bundleKey(corporation));
    this.log.info({ corporation }, 'bundle retired');
    return true;
  }

  async publishedCorporations(): Promise<string[]> {
    const out: string[] = [];
    for await (const key of await this.kv.keys('corp.>')) {
      const entry = await this.kv.get(key);
      if (entry?.operation === 'PUT' && entry.length > 0) out.push(key.slice('corp.'.length));
    }
    return out;
  }
}
