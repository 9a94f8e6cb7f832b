// The base library a release ships (chart value baseLibrary.install): the chart puts the shared flows,
// templates, channels and rules into a ConfigMap, and the leading operator applies them into the base
// namespace. A ConfigMap is a core kind, there the moment the release is; Flow, Template, ... exist only
// once the apiserver serves the release's CRDs, which can be seconds after `helm install` created them
// (helm resolved base-library hooks against the apiserver's discovery right after creating the CRDs,
// and failed the install when they were not served yet). Here the operator retries until they are.
// Each resource is server-side applied (field manager outputstraat-base-library) and labelled as ours;
// a resource of ours no longer in the ConfigMap is deleted. A key that cannot be applied is named in
// the log and nothing is deleted in that round, so a broken ConfigMap never empties the base library.
import { parseAllDocuments } from 'yaml';
import { createError } from '../../core/errors/index.js';
import { API_VERSION, isKind, KINDS, type Kind } from '../../core/resources/kinds.js';
import { isDnsLabel, isDnsSubdomain } from '../../core/resources/names.js';
import type { Logger } from '../../platform/log.js';
import type { KubeClient } from './kube-client.js';
import { describeKubeError, isNotFound } from './kube-errors.js';
import { objectPath, pathSegment } from './kube-paths.js';

export const BASE_LIBRARY_FIELD_MANAGER = 'outputstraat-base-library';
/** The labels that mark a resource as the operator's copy of the shipped base library. */
export const BASE_LIBRARY_LABELS = {
  'app.kubernetes.io/part-of': 'outputstraat',
  'app.kubernetes.io/component': 'base-library',
  'app.kubernetes.io/managed-by': 'outputstraat-operator',
} as const;
const SELECTOR = Object.entries(BASE_LIBRARY_LABELS)
  .map(([k, v]) => `${k}=${v}`)
  .join(',');

export interface BaseLibrarySource {
  /** Where the ConfigMap is: the release namespace. */
  configMapNamespace: string;
  configMapName: string;
  /** The base namespace corporations overlay. */
  namespace: string;
}

/** `OST_BASE_LIBRARY=<namespace>/<configmap>` and `OST_BASE_LIBRARY_NAMESPACE`; undefined when unset. */
export function baseLibraryFromEnv(env: NodeJS.ProcessEnv): BaseLibrarySource | undefined {
  const ref = env.OST_BASE_LIBRARY?.trim();
  if (!ref) return undefined;
  const [configMapNamespace = '', configMapName = '', ...rest] = ref.split('/');
  const namespace = env.OST_BASE_LIBRARY_NAMESPACE?.trim() || 'outputstraat-base';
  if (rest.length || !isDnsLabel(configMapNamespace) || !isDnsSubdomain(configMapName)) {
    throw createError('OST_ERR_CONFIG', [
      `OST_BASE_LIBRARY is "${ref.slice(0, 100)}"`,
      'set it to <namespace>/<configmap>, e.g. outputstraat/outputstraat-base-library',
    ]);
  }
  if (!isDnsLabel(namespace)) {
    throw createError('OST_ERR_CONFIG', [
      `OST_BASE_LIBRARY_NAMESPACE is "${namespace.slice(0, 100)}"`,
      'set it to a namespace name',
    ]);
  }
  return { configMapNamespace, configMapName, namespace };
}

interface LibraryObject {
  kind: Kind;
  name: string;
  body: Record<string, unknown>;
}

export type SyncOutcome =
  | { result: 'unchanged' }
  | { result: 'missing'; message: string }
  | { result: 'applied'; applied: number; pruned: number }
  /** `retry`: something may pass by itself (a kind not served yet, the apiserver away), so soon again. */
  | { result: 'failed'; failures: string[]; retry: boolean };

interface ConfigMap {
  metadata: { resourceVersion?: string };
  data?: Record<string, string>;
}

/** The resources of one ConfigMap key, or why the key is refused (naming the key and the field). */
export function readLibraryKey(
  key: string,
  text: string,
  namespace: string,
): { objects: LibraryObject[] } | { error: string } {
  const objects: LibraryObject[] = [];
  for (const [i, doc] of parseAllDocuments(text).entries()) {
    const where = `${key} (document ${i + 1})`;
    if (doc.errors.length) return { error: `${where}: not YAML: ${doc.errors[0]!.message}` };
    const value = doc.toJS() as unknown;
    if (value === null || value === undefined) continue;
    if (typeof value !== 'object' || Array.isArray(value)) return { error: `${where}: not a resource` };
    const r = value as { apiVersion?: unknown; kind?: unknown; metadata?: Record<string, unknown> };
    if (r.apiVersion !== API_VERSION)
      return { error: `${where}: apiVersion is ${JSON.stringify(r.apiVersion)}, not ${API_VERSION}` };
    if (!isKind(r.kind))
      return { error: `${where}: kind ${JSON.stringify(r.kind)} is not one of ${KINDS.join(', ')}` };
    // Its one Corporation is the street defaults; a corporation's own belongs in its own namespace.
    if (r.kind === 'Corporation' && (r as { spec?: { defaults?: unknown } }).spec?.defaults !== true)
      return {
        error: `${where}: a Corporation in the base library must be the street defaults (spec.defaults: true)`,
      };
    const name = r.metadata?.name;
    if (!isDnsSubdomain(name)) return { error: `${where}: metadata.name is not a Kubernetes name` };
    const labels = { ...(r.metadata?.labels as Record<string, string> | undefined), ...BASE_LIBRARY_LABELS };
    const annotations = r.metadata?.annotations as Record<string, string> | undefined;
    objects.push({
      kind: r.kind as Kind,
      name: name as string,
      body: {
        ...(value as Record<string, unknown>),
        metadata: { name, namespace, labels, ...(annotations ? { annotations } : {}) },
      },
    });
  }
  return { objects };
}

export interface BaseLibrarySyncOptions {
  client: KubeClient;
  source: BaseLibrarySource;
  log: Logger;
  /** Between rounds once applied (default 30 s); a round applies when the ConfigMap changed. */
  intervalMs?: number;
  /** Between rounds while the ConfigMap is missing or a resource could not be applied (default 3 s). */
  retryMs?: number;
  /** Set to what the last round could not apply (outputstraat_operator_base_library_problems). */
  problems?: { set(value: number): void };
}

export class BaseLibrarySync {
  private appliedVersion: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private lastProblem = '';
  /** What the last round that read the ConfigMap could not apply; an unchanged ConfigMap keeps it. */
  private problemCount = 0;

  constructor(private readonly o: BaseLibrarySyncOptions) {}

  start(): void {
    this.stopped = false;
    this.appliedVersion = undefined;
    const round = () => {
      this.running = this.syncOnce()
        .catch((err): SyncOutcome => {
          const message = `applying the base library failed: ${describeKubeError(err).message}`;
          this.report(message);
          return { result: 'failed', failures: [message], retry: true };
        })
        .then((outcome) => {
          if (outcome.result !== 'unchanged')
            this.problemCount =
              outcome.result === 'failed' ? outcome.failures.length : outcome.result === 'missing' ? 1 : 0;
          this.o.problems?.set(this.problemCount);
          if (this.stopped) return;
          const ok =
            outcome.result === 'applied' ||
            outcome.result === 'unchanged' ||
            (outcome.result === 'failed' && !outcome.retry);
          this.timer = setTimeout(round, ok ? (this.o.intervalMs ?? 30_000) : (this.o.retryMs ?? 3_000));
        });
    };
    round();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One round: reads the ConfigMap and, when it changed since the last applied round, applies it. */
  async syncOnce(): Promise<SyncOutcome> {
    const { client, source, log } = this.o;
    const where = `${source.configMapNamespace}/${source.configMapName}`;
    let cm: ConfigMap;
    try {
      cm = await client.get<ConfigMap>(
        `/api/v1/namespaces/${pathSegment(source.configMapNamespace)}/configmaps/${pathSegment(source.configMapName)}`,
      );
    } catch (err) {
      const message = isNotFound(err)
        ? `the base library ConfigMap ${where} does not exist: install the chart with baseLibrary.install=true, or unset OST_BASE_LIBRARY`
        : `reading the base library ConfigMap ${where} failed: ${describeKubeError(err).message}`;
      this.report(message);
      return { result: 'missing', message };
    }
    if (cm.metadata.resourceVersion && cm.metadata.resourceVersion === this.appliedVersion) {
      return { result: 'unchanged' };
    }
    const failures: string[] = [];
    let transient = false;
    const wanted = new Map<string, LibraryObject>();
    for (const key of Object.keys(cm.data ?? {}).sort()) {
      const read = readLibraryKey(key, cm.data![key]!, source.namespace);
      if ('error' in read) failures.push(read.error);
      else
        for (const o of read.objects) {
          const id = `${o.kind}/${o.name}`;
          if (wanted.has(id)) failures.push(`${key}: ${id} is in another key too; keep one`);
          wanted.set(id, o);
        }
    }
    for (const o of wanted.values()) {
      try {
        await client.request('PATCH', objectPath(o.kind, source.namespace, o.name), {
          body: o.body,
          contentType: 'application/apply-patch+yaml',
          query: { fieldManager: BASE_LIBRARY_FIELD_MANAGER, force: true },
        });
      } catch (err) {
        // 404: the apiserver does not serve the kind yet (CRDs just created); 409/429/5xx or no answer
        // may pass too. A 400/403/422 (a spec the CRD refuses, RBAC) waits for the ConfigMap to change.
        // The apiserver answers a server-side apply whose field has the wrong type with a 500 "failed to
        // create typed patch object": that one is the content too.
        const { status, message } = describeKubeError(err);
        const refused =
          status !== undefined && status >= 500 && /failed to create typed patch object/.test(message);
        if (!refused && (status === undefined || [404, 409, 429].includes(status) || status >= 500))
          transient = true;
        failures.push(`${o.kind}/${o.name}: ${message}`);
      }
    }
    if (failures.length) {
      // Refused content is not applied again each round (the rest is, when the ConfigMap changes).
      if (!transient) this.appliedVersion = cm.metadata.resourceVersion;
      this.report(
        `the base library ${where} was not fully applied to ${source.namespace} (${failures.length} problems; ${transient ? 'retrying' : 'fix the ConfigMap'}; nothing deleted): ${failures.slice(0, 5).join('; ')}`,
      );
      return { result: 'failed', failures, retry: transient };
    }
    let pruned = 0;
    for (const kind of KINDS) {
      const list = await client.get<{ items: { metadata: { name: string } }[] }>(
        objectPath(kind, source.namespace),
        { query: { labelSelector: SELECTOR } },
      );
      for (const item of list.items) {
        if (wanted.has(`${kind}/${item.metadata.name}`)) continue;
        try {
          await client.request('DELETE', objectPath(kind, source.namespace, item.metadata.name));
          pruned++;
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
      }
    }
    this.appliedVersion = cm.metadata.resourceVersion;
    this.lastProblem = '';
    log.info(
      { configMap: where, namespace: source.namespace, applied: wanted.size, pruned },
      'base library applied',
    );
    return { result: 'applied', applied: wanted.size, pruned };
  }

  /** Logs a problem once until it changes (a round every few seconds would repeat it). */
  private report(message: string): void {
    if (message === this.lastProblem) return;
    this.lastProblem = message;
    this.o.log.warn({ problem: message }, message);
  }
}
