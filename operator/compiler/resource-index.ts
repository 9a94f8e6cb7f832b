import type { Kind, Resource } from '../../core/resources/kinds.js';
import type { Diagnostics } from './diagnostics.js';

/** Resources by namespace, kind and name. */
export class ResourceIndex {
  private readonly map = new Map<string, Resource>();
  readonly namespaces = new Set<string>();

  constructor(
    readonly all: Resource[],
    diagnostics: Diagnostics,
  ) {
    for (const r of all) {
      const key = ResourceIndex.key(r.kind, r.metadata.namespace, r.metadata.name);
      const existing = this.map.get(key);
      if (existing) {
        diagnostics.add(r, 'metadata.name', 'OST_ERR_RESOURCE_DUPLICATE', [
          `${r.kind} ${r.metadata.name}`,
          existing.origin ? `${existing.origin.file}:${existing.origin.line}` : 'the cluster',
        ]);
        continue;
      }
      this.map.set(key, r);
      this.namespaces.add(r.metadata.namespace);
    }
  }

  static key(kind: Kind, namespace: string, name: string): string {
    return `${kind}/${namespace}/${name}`;
  }

  get<K extends Kind>(kind: K, namespace: string, name: string): Resource<K> | undefined {
    return this.map.get(ResourceIndex.key(kind, namespace, name)) as Resource<K> | undefined;
  }

  list<K extends Kind>(kind: K, namespace?: string): Resource<K>[] {
    return [...this.map.values()].filter(
      (r): r is Resource<K> =>
        r.kind === kind && (namespace === undefined || r.metadata.namespace === namespace),
    );
  }
}

/**
 * What one namespace sees: its own resources over those of its base namespace (the corporation's
 * overlay wins by name). A base namespace, or one without a Corporation, sees only itself.
 */
export class OverlayView {
  constructor(
    private readonly index: ResourceIndex,
    readonly namespace: string,
    readonly base: string | undefined,
  ) {}

  get<K extends Kind>(kind: K, name: string): Resource<K> | undefined {
    return (
      this.index.get(kind, this.namespace, name) ??
      (this.base ? this.index.get(kind, this.base, name) : undefined)
    );
  }

  list<K extends Kind>(kind: K): Resource<K>[] {
    const own = this.index.list(kind, this.namespace);
    const names = new Set(own.map((r) => r.metadata.name));
    const inherited = this.base
      ? this.index.list(kind, this.base).filter((r) => !names.has(r.metadata.name))
      : [];
    return [...own, ...inherited].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  }
}
