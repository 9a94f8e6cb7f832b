// The operator's view of the cluster: the latest copy of every Corporation, Flow, Template, Channel and
// ClassificationRule, fed by one supervised list+watch per kind. `version` moves only when something
// the compiler reads changes (an object appears or goes, its generation moves, deletion starts) or when
// someone asks for a new pass with an annotation; a status write by the operator itself does not move
// it, so writing status never triggers a recompile.
import type { Kind, Resource } from '../../core/resources/kinds.js';
import { type KubeObject, objectKey } from './kube-object.js';
import type { ListWatchHandlers } from './list-watch.js';

export type CacheListener = (key: string, compileInputChanged: boolean) => void;

/** Set (to anything new, e.g. a timestamp) to ask for a new pass now: re-read Secrets, recompile. */
export const RECONCILE_REQUEST_ANNOTATION = 'outputstraat.io/reconcile-requested-at';

const fingerprint = (o: KubeObject) =>
  [
    o.metadata.generation ?? 0,
    o.metadata.deletionTimestamp ?? '',
    o.metadata.annotations?.[RECONCILE_REQUEST_ANNOTATION] ?? '',
  ].join('|');

export class ResourceCache {
  private readonly objects = new Map<string, KubeObject>();
  private readonly fingerprints = new Map<string, string>();
  /** Moves whenever the compiler's input changes. */
  version = 0;
  /** When `version` last moved (ms since epoch). */
  changedAt = 0;

  constructor(private readonly listener: CacheListener) {}

  get(key: string): KubeObject | undefined {
    return this.objects.get(key);
  }

  keys(): string[] {
    return [...this.objects.keys()];
  }

  /** The compiler's input: every resource that is not being deleted. */
  resources(): Resource[] {
    const out: Resource[] = [];
    for (const o of this.objects.values()) {
      if (o.metadata.deletionTimestamp) continue;
      out.push({
        apiVersion: o.apiVersion ?? '',
        kind: o.kind as Kind,
        metadata: {
          name: o.metadata.name,
          namespace: o.metadata.namespace ?? '',
          generation: o.metadata.generation,
          resourceVersion: o.metadata.resourceVersion,
          uid: o.metadata.uid,
          creationTimestamp: o.metadata.creationTimestamp,
        },
        spec: o.spec,
      } as Resource);
    }
    return out;
  }

  /** Marks the input as changed without a change in the cluster (periodic resync: Secrets may differ). */
  touch(): void {
    this.bump();
    for (const key of this.objects.keys()) this.listener(key, true);
  }

  /** List+watch handlers for one kind. */
  handlersFor(kind: Kind): ListWatchHandlers {
    const keyOf = (o: KubeObject) => objectKey(kind, o.metadata.namespace, o.metadata.name);
    return {
      replace: (items) => {
        const fresh = new Set(items.map(keyOf));
        for (const key of [...this.objects.keys()]) {
          if (key.startsWith(`${kind}/`) && !fresh.has(key)) this.delete(key);
        }
        for (const item of items) this.put(keyOf(item), { ...item, kind });
      },
      upsert: (o) => this.put(keyOf(o), { ...o, kind }),
      remove: (o) => this.delete(keyOf(o)),
    };
  }

  private put(key: string, o: KubeObject): void {
    this.objects.set(key, o);
    const print = fingerprint(o);
    const changed = this.fingerprints.get(key) !== print;
    this.fingerprints.set(key, print);
    if (changed) this.bump();
    this.listener(key, changed);
  }

  private delete(key: string): void {
    if (!this.objects.delete(key)) return;
    this.fingerprints.delete(key);
    this.bump();
    this.listener(key, true);
  }

  private bump(): void {
    this.version++;
    this.changedAt = Date.now();
  }
}
