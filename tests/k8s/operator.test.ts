// The operator against a real kube-apiserver and a real nats-server: resources applied with kubectl
// become Ready with the bundle revision, bundles land in NATS KV, a broken resource says what is wrong
// and leaves the live bundle alone, edits go live within two seconds, an apiserver restart is survived
// and deleting a Corporation retires its bundle.
import { jetstreamManager } from '@nats-io/jetstream';
import { type KV, Kvm } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE_BUCKET } from '../../core/bundle/types.js';
import type { Resource } from '../../core/resources/kinds.js';
import type { CorporationSpec, FlowSpec } from '../../core/resources/types.generated.js';
import { compileStreet, sha256Hex } from '../../operator/compiler/index.js';
import { reasonFor } from '../../operator/kubernetes/conditions.js';
import { KubeClient } from '../../operator/kubernetes/kube-client.js';
import { connectionFromKubeconfig } from '../../operator/kubernetes/kube-config.js';
import { readResourceFiles } from '../../operator/sources/read-resource-files.js';
import { directorySecretResolver } from '../../operator/sources/secret-resolver.js';
import { ensureBundleBucket } from '../../platform/bus/index.js';
import { type ControlPlane, startControlPlane } from '../support/kube-control-plane.js';
import { type NatsServer, startNatsServer } from '../support/nats-server.js';
import {
  condition,
  eventsAbout,
  idOf,
  isReady,
  listOurs,
  liveBundle,
  type OurObject,
  objectPath,
} from './support/cluster.js';
import { applyManifests, installCrds, kubectl, readManifests } from './support/kubectl.js';
import { type OperatorProcess, startOperator } from './support/operator-process.js';
import { streetFixture } from './support/street-fixture.js';
import { waitFor } from './support/wait.js';

const fixture = streetFixture();
let cp: ControlPlane;
let nats: NatsServer;
let nc: NatsConnection;
let kv: KV;
let kube: KubeClient;
let operator: OperatorProcess;

beforeAll(async () => {
  [cp, nats] = await Promise.all([startControlPlane(), startNatsServer()]);
  nc = await connect({ servers: nats.url });
  const jsm = await jetstreamManager(nc);
  await ensureBundleBucket(jsm);
  kv = await new Kvm(jsm.jetstream()).open(BUNDLE_BUCKET);
  kube = new KubeClient(connectionFromKubeconfig([cp.kubeconfigPath]));
}, 120_000);

afterEach(({ task }) => {
  if (task.result?.state === 'fail' && operator) {
    console.error(`operator log (last 40 lines):\n${operator.logs().slice(-40).join('\n')}`);
  }
});

afterAll(async () => {
  await operator?.stop();
  kube?.close();
  await nc?.close();
  await nats?.stop();
  await cp?.stop();
}, 60_000);

/** kubectl's table output as records, cut at the header's column starts. */
function table(out: string): Record<string, string>[] {
  const [header = '', ...lines] = out.trimEnd().split('\n');
  const starts = [...header.matchAll(/\S+/g)].map((m) => ({ name: m[0], at: m.index }));
  return lines.map((line) =>
    Object.fromEntries(
      starts.map((c, i) => [c.name, line.slice(c.at, starts[i + 1]?.at ?? line.length).trim()]),
    ),
  );
}

/** The tenant Corporations: street defaults (spec.defaults) are not a tenant and get no bundle. */
const tenants = (objects: OurObject[]) =>
  objects.filter((o) => o.kind === 'Corporation' && !(o.spec as CorporationSpec).defaults);

/** A Flow of the fixture that is part of a bundle and sends with a fixed template. */
function flowToBreak(resources: Resource[]): { flow: Resource<'Flow'>; step: number } {
  for (const r of resources) {
    if (r.kind !== 'Flow') continue;
    const steps = (r.spec as FlowSpec).steps ?? [];
    const step = steps.findIndex((s) => s.send?.template);
    if (step >= 0) return { flow: r as Resource<'Flow'>, step };
  }
  throw new Error('the fixture has no Flow with a send step naming a template');
}

describe('operator in a cluster', () => {
  it('installs the CRDs with kubectl apply -f crds/ and they become Established', async () => {
    const out = await installCrds(cp.kubeconfigPath);
    expect(out).toMatch(/flows\.outputstraat\.io (created|configured|unchanged)/);
    const crds = await kubectl(cp.kubeconfigPath, ['get', 'crd', '-o', 'name']);
    expect(crds.split('\n').filter((l) => l.includes('outputstraat.io'))).toHaveLength(5);
  }, 90_000);

  it('makes every applied flow, template, channel, rule and corporation Ready with its bundle revision', async () => {
    operator = await startOperator({
      kubeconfig: cp.kubeconfigPath,
      natsUrl: nats.url,
      identity: 'operator-a',
      // Long lease timings: the apiserver restart below must not cost the leadership.
      args: [
        '--lease-duration',
        '60s',
        '--renew-deadline',
        '45s',
        '--retry-period',
        '1s',
        '--watchdog',
        '30s',
      ],
    });
    const started = Date.now();
    await applyManifests(cp.kubeconfigPath, fixture.paths);
    const applied = Date.now();
    const all = await waitFor(
      'every resource to be Ready for its generation',
      async () => {
        const objects = await listOurs(kube);
        return objects.length === fixture.resourceCount && objects.every(isReady) ? objects : undefined;
      },
      60_000,
      200,
    );
    console.info(
      `k8s: ${all.length} resources (${fixture.source}): kubectl apply took ${applied - started} ms, ` +
        `all Ready ${Date.now() - applied} ms after it returned`,
    );
    for (const o of all) {
      expect(condition(o, 'Ready'), idOf(o)).toMatchObject({ status: 'True', reason: 'Reconciled' });
      expect(condition(o, 'Reconciling'), idOf(o)).toMatchObject({ status: 'False' });
      expect(condition(o, 'Stalled'), idOf(o)).toMatchObject({ status: 'False' });
    }
    for (const corp of tenants(all)) {
      expect(corp.metadata.finalizers).toContain('outputstraat.io/bundle');
      expect(corp.status?.revision).toMatch(/^[0-9a-f]{16}$/);
    }
  }, 120_000);

  it('shows Ready, Reason, Revision and Age in kubectl get flows -A', async () => {
    const rows = table(await kubectl(cp.kubeconfigPath, ['get', 'flows', '-A']));
    expect(rows.length).toBe(readManifests(fixture.paths).filter((d) => d.kind === 'Flow').length);
    for (const row of rows) {
      expect(row, JSON.stringify(row)).toMatchObject({ READY: 'True', REASON: 'Reconciled' });
      expect(row.REVISION).toMatch(/^[0-9a-f]{16}(,[0-9a-f]{16})*$/);
      expect(row.AGE).toMatch(/^\d+[smhd]/);
    }
  });

  it('publishes each corporation’s bundle to NATS KV at the revision its Corporation reports', async () => {
    // Street defaults (spec.defaults) are not a tenant and get no bundle.
    const corporations = tenants(await listOurs(kube));
    expect(corporations.map((c) => c.metadata.namespace).sort()).toEqual(fixture.corporations);
    for (const corp of corporations) {
      const bundle = await liveBundle(kv, corp.metadata.namespace!);
      expect(bundle?.revision, corp.metadata.namespace).toBe(corp.status?.revision);
    }
  });

  it('marks an invalid Flow Ready=False with the compiler’s message and keeps the previous bundle live', async () => {
    const local = readResourceFiles(fixture.paths).resources.map(({ origin: _o, ...r }) => r as Resource);
    const { flow, step } = flowToBreak(local);
    const ns = flow.metadata.namespace;
    const broken = structuredClone(flow.spec) as FlowSpec;
    broken.steps![step]!.send!.template = 'no-such-template';

    const read = readResourceFiles(fixture.paths);
    const expected = compileStreet(
      local.map((r) => (r === flow ? { ...flow, spec: broken } : r)),
      { secrets: directorySecretResolver(read.secrets, {}) },
    ).outcomes.find(
      (o) => o.resource.kind === 'Flow' && o.resource.metadata.name === flow.metadata.name,
    )!.errors;
    expect(expected.length).toBeGreaterThan(0);
    expect(expected[0]!.code).toBe('OST_ERR_REFERENCE');

    const corporations = fixture.corporations;
    const before = new Map<string, string | undefined>();
    for (const c of corporations) before.set(c, (await liveBundle(kv, c))?.revision);
    const kvSequence = (await kv.status()).values;

    const manifest = {
      apiVersion: flow.apiVersion,
      kind: 'Flow',
      metadata: { name: flow.metadata.name, namespace: ns },
      spec: broken,
    };
    await kubectl(cp.kubeconfigPath, ['apply', '-f', '-'], { input: JSON.stringify(manifest) });
    const failed = await waitFor(
      'the Flow to turn Ready=False',
      async () => {
        const o = await kube.get<OurObject>(objectPath('Flow', ns, flow.metadata.name));
        const ready = condition(o, 'Ready');
        return ready?.status === 'False' && ready.observedGeneration === o.metadata.generation
          ? o
          : undefined;
      },
      15_000,
    );
    const ready = condition(failed, 'Ready')!;
    expect(ready.reason).toBe(reasonFor(expected[0]!.code));
    expect(ready.reason).toBe('ReferenceNotFound');
    expect(ready.message).toBe(expected.map((e) => e.message).join('\n'));
    expect(condition(failed, 'Stalled')).toMatchObject({ status: 'True', reason: 'ReferenceNotFound' });

    // Every corporation using the flow keeps its bundle and says why it is not rebuilt.
    for (const c of corporations) {
      const corp = await waitFor(`Corporation ${c} to report the broken flow`, async () => {
        const o = (await listOurs(kube)).find((x) => x.kind === 'Corporation' && x.metadata.namespace === c)!;
        return condition(o, 'Ready')?.status === 'False' ? o : undefined;
      });
      expect(condition(corp, 'Ready')).toMatchObject({ reason: 'DependencyInvalid' });
      expect(condition(corp, 'Ready')?.message).toContain(`Flow ${ns}/${flow.metadata.name}`);
      expect((await liveBundle(kv, c))?.revision).toBe(before.get(c));
    }
    expect((await kv.status()).values).toBe(kvSequence);
    const events = await eventsAbout(kube, ns, flow.metadata.name);
    expect(events).toContainEqual(expect.objectContaining({ type: 'Warning', reason: 'ReferenceNotFound' }));

    // Fixing it brings everything back and publishes again.
    await kubectl(cp.kubeconfigPath, ['apply', '-f', '-'], {
      input: JSON.stringify({ ...manifest, spec: flow.spec }),
    });
    const healed = await waitFor('everything Ready again', async () => {
      const objects = await listOurs(kube);
      return objects.every(isReady) ? objects : undefined;
    });
    for (const corp of tenants(healed)) {
      expect((await liveBundle(kv, corp.metadata.namespace!))?.revision).toBe(corp.status?.revision);
    }
  }, 60_000);

  it('publishes a new revision within 2 s of a Template edit', async () => {
    const corporation = fixture.corporations[0]!;
    const template = Object.values((await liveBundle(kv, corporation))!.templates)[0]!.source;
    // Three edits; the median counts, so one scheduling hiccup on a shared CI machine does not decide.
    const latencies: number[] = [];
    let revision = '';
    for (let i = 0; i < 3; i++) {
      const previous = (await liveBundle(kv, corporation))!.revision;
      const started = Date.now();
      await kube.mergePatch(objectPath('Template', template.namespace, template.name), {
        spec: { description: `edit ${i} at ${new Date().toISOString()}` },
      });
      revision = await waitFor(
        'a new bundle revision in KV',
        async () => {
          const b = await liveBundle(kv, corporation);
          return b && b.revision !== previous ? b.revision : undefined;
        },
        10_000,
        20,
      );
      latencies.push(Date.now() - started);
    }
    const median = [...latencies].sort((a, b) => a - b)[1]!;
    console.info(`k8s: Template edit to new KV revision: ${latencies.join(', ')} ms (median ${median})`);
    expect(median).toBeLessThan(2_000);
    await waitFor('the Template to report the new revision', async () => {
      const o = await kube.get<OurObject>(objectPath('Template', template.namespace, template.name));
      return isReady(o) && o.status?.revision?.split(',').includes(revision);
    });
  }, 60_000);

  it('recovers from an apiserver restart without being restarted itself', async () => {
    const corporation = fixture.corporations[0]!;
    const before = (await liveBundle(kv, corporation))!;
    const restartsBefore = await operator.metric('outputstraat_operator_watch_restarts_total');
    const started = Date.now();
    await cp.restartApiServer();
    const template = Object.values(before.templates)[0]!.source;
    await kube.mergePatch(objectPath('Template', template.namespace, template.name), {
      spec: { description: `edited after the apiserver restart at ${new Date().toISOString()}` },
    });
    await waitFor(
      'the edit after the restart to be published',
      async () => {
        const b = await liveBundle(kv, corporation);
        return b && b.revision !== before.revision;
      },
      30_000,
      100,
    );
    console.info(
      `k8s: apiserver restart + edit reconciled ${Date.now() - started} ms after the restart began`,
    );
    // The new apiserver fills its watch caches for a moment (429 "storage is (re)initializing").
    await waitFor('the apiserver to list our kinds again', () => listOurs(kube), 30_000, 200);
    expect(operator.exited()).toBe(false);
    expect(await operator.metric('outputstraat_operator_watch_restarts_total')).toBeGreaterThan(
      restartsBefore,
    );
    // The same controller carried on: it never lost the leadership.
    expect(
      await operator.metric('outputstraat_operator_leadership_changes_total', { change: 'stopped' }),
    ).toBe(0);
    expect(await operator.metric('outputstraat_operator_leader')).toBe(1);
  }, 90_000);

  it('reads the ERP key Secret on demand: missing is SecretNotFound, a rotated key goes live on request', async () => {
    const corporation = fixture.corporations[fixture.corporations.length - 1]!;
    const corp = (await listOurs(kube)).find(
      (o) => o.kind === 'Corporation' && o.metadata.namespace === corporation,
    )!;
    const ref = (corp.spec as CorporationSpec).ingress!.apiKeySecretRef;
    const key = ref.key ?? 'api-key';
    const before = (await liveBundle(kv, corporation))!;
    const requestPass = () =>
      kubectl(cp.kubeconfigPath, [
        'annotate',
        'corporation',
        corp.metadata.name,
        '-n',
        corporation,
        `outputstraat.io/reconcile-requested-at=${Date.now()}`,
        '--overwrite',
      ]);

    await kubectl(cp.kubeconfigPath, ['delete', 'secret', ref.name, '-n', corporation]);
    await requestPass();
    const missing = await waitFor('the Corporation to report the missing Secret', async () => {
      const o = await kube.get<OurObject>(objectPath('Corporation', corporation, corp.metadata.name));
      return condition(o, 'Ready')?.reason === 'SecretNotFound' ? o : undefined;
    });
    expect(condition(missing, 'Ready')?.message).toContain(ref.name);
    expect((await liveBundle(kv, corporation))?.revision).toBe(before.revision);

    const rotated = `rotated-${Date.now()}`;
    await kubectl(cp.kubeconfigPath, [
      'create',
      'secret',
      'generic',
      ref.name,
      '-n',
      corporation,
      `--from-literal=${key}=${rotated}`,
    ]);
    await requestPass();
    const after = await waitFor('the rotated key in a new bundle', async () => {
      const b = await liveBundle(kv, corporation);
      return b?.apiKeyHashes.includes(sha256Hex(rotated)) ? b : undefined;
    });
    expect(after.revision).not.toBe(before.revision);
    await waitFor('the Corporation Ready again', async () =>
      isReady(await kube.get<OurObject>(objectPath('Corporation', corporation, corp.metadata.name))),
    );
  }, 60_000);

  it('retires the bundle when a Corporation is deleted (finalizer), and only that one', async () => {
    const corporation = fixture.corporations[0]!;
    const others = fixture.corporations.slice(1);
    const before = new Map<string, string | undefined>();
    for (const c of others) before.set(c, (await liveBundle(kv, c))?.revision);
    expect(await liveBundle(kv, corporation)).toBeDefined();
    const corp = (await listOurs(kube)).find(
      (o) => o.kind === 'Corporation' && o.metadata.namespace === corporation,
    )!;
    await kubectl(cp.kubeconfigPath, [
      'delete',
      'corporation',
      '-n',
      corporation,
      corp.metadata.name,
      '--timeout=30s',
    ]);
    expect(await liveBundle(kv, corporation)).toBeUndefined();
    const events = await eventsAbout(kube, corporation, corp.metadata.name);
    expect(events).toContainEqual(expect.objectContaining({ reason: 'BundleRetired' }));
    // The rest of the street is untouched. (Overlays left in the namespace have no base any more and
    // say so in their own status.)
    for (const c of others) expect((await liveBundle(kv, c))?.revision).toBe(before.get(c));
    let notReady: string[] = [];
    await waitFor('the rest of the street to stay Ready', async () => {
      notReady = (await listOurs(kube))
        .filter((o) => o.metadata.namespace !== corporation && !isReady(o))
        .map((o) => `${idOf(o)} ${condition(o, 'Ready')?.message}`);
      return notReady.length === 0;
    }).catch((err: Error) => {
      throw new Error(`${err.message}: ${notReady.join('; ')}`);
    });
  }, 60_000);
});
