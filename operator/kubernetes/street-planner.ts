// One pass over the whole street: read the Secrets the Corporations name, compile every resource in
// the cluster, publish each corporation's bundle (a no-op when the revision is already live) and turn
// the compiler's findings into a verdict per resource. A pass is computed once per version of the
// cache and shared by every key reconciled at that version; passes never overlap, so a retire for a
// deleted Corporation cannot be overtaken by an older pass publishing its bundle again.
import type { ConfigBundle } from '../../core/bundle/types.js';
import { isDnsSubdomain } from '../../core/resources/names.js';
import type { CorporationSpec } from '../../core/resources/types.generated.js';
import { sleep } from '../../platform/backoff.js';
import type { Logger } from '../../platform/log.js';
import { compileStreet, heldBy } from '../compiler/index.js';
import type { BundlePublisher } from '../publisher/bundle-publisher.js';
import type { Verdict } from './conditions.js';
import type { EventRecorder } from './event-recorder.js';
import { describeKubeError } from './kube-errors.js';
import { objectKey } from './kube-object.js';
import type { OperatorMetrics } from './operator-metrics.js';
import type { ResourceCache } from './resource-cache.js';

/** Reads one Secret's data (decoded); undefined when it does not exist. */
export type SecretReader = (namespace: string, name: string) => Promise<Record<string, string> | undefined>;

export interface StreetPlan {
  version: number;
  /** Verdict per cache key (`Kind/namespace/name`). */
  verdicts: Map<string, Verdict>;
  /** Corporations (namespaces) whose bundle could not be published; their keys should be retried. */
  publishFailures: Set<string>;
}

export class StreetPlanner {
  private memo: { version: number; plan: Promise<StreetPlan> } | undefined;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly cache: ResourceCache,
    private readonly readSecret: SecretReader,
    private readonly publisher: BundlePublisher,
    private readonly events: EventRecorder,
    private readonly metrics: OperatorMetrics,
    private readonly log: Logger,
    private readonly settling = { quietMs: 100, maxWaitMs: 1_000 },
  ) {}

  /**
   * The plan for the cache as it is now; computed at most once per cache version. While changes
   * stream in (a `kubectl apply` of a whole folder) it waits for a short quiet spell, so the street is
   * not compiled — and judged — half-applied.
   */
  async current(): Promise<StreetPlan> {
    await this.settle();
    const version = this.cache.version;
    if (this.memo?.version === version) return this.memo.plan;
    const plan = this.tail.then(() => this.compute(version));
    const memo = { version, plan };
    this.memo = memo;
    this.tail = plan.catch(() => undefined);
    // A failed pass, or one that could not publish everything, is not reused: the next reconcile retries.
    plan.then(
      (p) => {
        if (p.publishFailures.size > 0 && this.memo === memo) this.memo = undefined;
      },
      () => {
        if (this.memo === memo) this.memo = undefined;
      },
    );
    return plan;
  }

  private async settle(): Promise<void> {
    const { quietMs, maxWaitMs } = this.settling;
    const started = Date.now();
    for (;;) {
      const quietFor = Date.now() - this.cache.changedAt;
      if (quietFor >= quietMs || Date.now() - started >= maxWaitMs) return;
      await sleep(Math.min(quietMs - quietFor, maxWaitMs - (Date.now() - started)));
    }
  }

  private async compute(version: number): Promise<StreetPlan> {
    const timer = this.metrics.compileDuration.startTimer();
    const t0 = performance.now();
    const resources = this.cache.resources();
    const refs = new Map<string, { namespace: string; name: string }>();
    for (const corp of resources) {
      const ref =
        corp.kind === 'Corporation' ? (corp.spec as CorporationSpec).ingress?.apiKeySecretRef : undefined;
      // A name that is not one (an old CRD without the pattern) is the compiler's finding, never a request.
      if (ref?.name && isDnsSubdomain(ref.name))
        refs.set(`${corp.metadata.namespace}/${ref.name}`, {
          namespace: corp.metadata.namespace,
          name: ref.name,
        });
    }
    const secrets = new Map(
      await Promise.all(
        [...refs].map(async ([id, ref]) => [id, await this.readSecret(ref.namespace, ref.name)] as const),
      ),
    );
    // What the live bundles hold stays theirs (street-claims.ts): read them before judging new claims.
    const liveBundles = await Promise.all(
      resources.filter((r) => r.kind === 'Corporation').map((r) => this.liveBundle(r.metadata.namespace)),
    );
    const t1 = performance.now();
    const result = compileStreet(resources, {
      secrets: (namespace, name, key) => secrets.get(`${namespace}/${name}`)?.[key],
      held: heldBy(liveBundles.flatMap((b) => b ?? [])),
    });
    const t2 = performance.now();

    const live = new Map<string, string>();
    const publishErrors = new Map<string, string>();
    const byRevision = new Map(result.bundles.map((b) => [b.revision, b]));
    const fresh: ConfigBundle[] = [];
    await Promise.all(
      result.bundles.map(async (bundle) => {
        const corporation = bundle.corporation.id;
        try {
          const outcome = await this.publisher.publish(bundle);
          live.set(corporation, bundle.revision);
          this.metrics.bundlePublishes.inc({ corporation, result: outcome });
          if (outcome === 'published') fresh.push(bundle);
        } catch (err) {
          const message = (err as Error).message;
          publishErrors.set(corporation, message);
          this.metrics.bundlePublishes.inc({ corporation, result: 'failed' });
          this.log.error({ corporation, error: { message } }, 'publishing the bundle failed');
        }
      }),
    );
    const kept = new Map(
      await Promise.all(
        [...result.failedCorporations.keys()].map(async (c) => [c, await this.liveRevision(c)] as const),
      ),
    );
    const t3 = performance.now();
    await Promise.all(fresh.map((b) => this.announce(b)));
    const verdicts = new Map<string, Verdict>();
    for (const outcome of result.outcomes) {
      const { kind, metadata } = outcome.resource;
      const ns = metadata.namespace;
      const self = `${kind} ${ns}/${metadata.name}`;
      const corporations = outcome.revisions.flatMap((r) => byRevision.get(r)?.corporation.id ?? []);
      const verdict: Verdict = {
        errors: outcome.errors,
        bundles: corporations.flatMap((c) =>
          live.has(c) ? [{ corporation: c, revision: live.get(c)! }] : [],
        ),
      };
      const publishError = corporations.map((c) => publishErrors.get(c)).find(Boolean);
      if (publishError) verdict.publishError = publishError;
      const failed = result.failedCorporations.get(ns);
      if (failed) {
        const keptRevision = kept.get(ns);
        if (keptRevision) verdict.keptRevision = keptRevision;
        // Everything in the corporation's own namespace waits for the resources that block its bundle.
        const culprits = [...new Set(failed.flatMap((e) => e.location?.resource ?? []))].filter(
          (r) => r !== self,
        );
        if (outcome.errors.length === 0 && culprits.length > 0) verdict.blockedBy = culprits;
      }
      verdicts.set(objectKey(kind, ns, metadata.name), verdict);
    }
    timer();
    this.countResources(verdicts);
    for (const e of result.errors) {
      this.log.warn({ code: e.code, resource: e.location?.resource, field: e.location?.field }, e.message);
    }
    this.log.info(
      {
        version,
        resources: resources.length,
        bundles: result.bundles.length,
        errors: result.errors.length,
        ms: { secrets: Math.round(t1 - t0), compile: Math.round(t2 - t1), publish: Math.round(t3 - t2) },
      },
      'street compiled',
    );
    return { version, verdicts, publishFailures: new Set(publishErrors.keys()) };
  }

  private countResources(verdicts: Map<string, Verdict>): void {
    // Both series per kind and namespace, zero included: "how many are not Ready" is 0, not absent.
    const counts = new Map<string, { kind: string; namespace: string; ready: number; notReady: number }>();
    for (const [key, v] of verdicts) {
      const [kind = '', namespace = ''] = key.split('/');
      const entry = counts.get(`${kind}/${namespace}`) ?? { kind, namespace, ready: 0, notReady: 0 };
      if (v.errors.length === 0 && !v.blockedBy?.length && !v.publishError) entry.ready++;
      else entry.notReady++;
      counts.set(`${kind}/${namespace}`, entry);
    }
    this.metrics.resources.reset();
    for (const { kind, namespace, ready, notReady } of counts.values()) {
      this.metrics.resources.set({ kind, namespace, ready: 'true' }, ready);
      this.metrics.resources.set({ kind, namespace, ready: 'false' }, notReady);
    }
  }

  private async liveRevision(corporation: string): Promise<string | undefined> {
    return (await this.liveBundle(corporation))?.revision;
  }

  private async liveBundle(corporation: string): Promise<ConfigBundle | undefined> {
    try {
      return await this.publisher.current(corporation);
    } catch (err) {
      this.log.warn({ corporation, error: describeKubeError(err) }, 'could not read the live bundle');
      return undefined;
    }
  }

  private async announce(bundle: ConfigBundle): Promise<void> {
    const corporation = bundle.corporation.id;
    const corp = this.cache
      .keys()
      .filter((k) => k.startsWith(`Corporation/${corporation}/`))
      .map((k) => this.cache.get(k)!)[0];
    if (!corp) return;
    const flows = Object.keys(bundle.flows).length;
    await this.events.record(corp, {
      type: 'Normal',
      reason: 'BundlePublished',
      action: 'Publish',
      note: `Published bundle revision ${bundle.revision} (${flows} flow${flows === 1 ? '' : 's'}).`,
    });
  }
}
