// `helm install` with baseLibrary.install on a real kube-apiserver: the release brings the CRDs and the
// base library (flows/ as the chart ships it, in a ConfigMap), the operator (run here as a process, with
// the environment its Deployment gets) applies the base library into the base namespace, a
// corporation's team applies its overlay, and every resource becomes Ready with a bundle published.
// The ConfigMap edited by hand (a resource added, one removed, a hostile key) and `helm upgrade`
// putting it back: the operator follows, deletes only its own resources and never on a broken round.

import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { type KV, Kvm } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BUNDLE_BUCKET } from '../../core/bundle/types.js';
import { KubeClient } from '../../operator/kubernetes/kube-client.js';
import { connectionFromKubeconfig } from '../../operator/kubernetes/kube-config.js';
import { ensureBundleBucket } from '../../platform/bus/index.js';
import { type ControlPlane, startControlPlane } from '../support/kube-control-plane.js';
import { type NatsServer, startNatsServer } from '../support/nats-server.js';
import { idOf, isReady, listOurs, liveBundle, type OurObject } from './support/cluster.js';
import { chartDir, helm } from './support/helm.js';
import { applyManifests, kubectl, repoRoot } from './support/kubectl.js';
import { type OperatorProcess, startOperator } from './support/operator-process.js';
import { waitFor } from './support/wait.js';

let cp: ControlPlane;
let nats: NatsServer;
let nc: NatsConnection;
let kv: KV;
let kube: KubeClient;
let operator: OperatorProcess | undefined;

const shipped = readdirSync(join(chartDir, 'files', 'base')).filter((f) => f.endsWith('.yaml')).length;
const overlay = join(repoRoot, 'examples', '01-woonstad-noord');

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
    const library = operator.logs().filter((l) => l.includes('base library'));
    console.error(`operator log about the base library:\n${library.slice(-10).join('\n')}`);
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

const install = (verb: 'install' | 'upgrade') =>
  helm([
    verb,
    'ost',
    chartDir,
    '--namespace',
    'outputstraat',
    ...(verb === 'install' ? ['--create-namespace'] : []),
    '--kubeconfig',
    cp.kubeconfigPath,
    '--set',
    'baseLibrary.install=true',
    '--timeout',
    '2m',
  ]);

async function allReady(expected: number): Promise<OurObject[]> {
  return waitFor(
    `all ${expected} resources Ready`,
    async () => {
      const objects = await listOurs(kube);
      return objects.length === expected && objects.every(isReady) ? objects : undefined;
    },
    90_000,
    250,
  );
}

describe('the chart with the base library', () => {
  it('installs a street whose base library and a corporation overlay all become Ready', async () => {
    // The operator runs before the release exists, as a Deployment of the release can start before
    // the apiserver serves the CRDs the release created: it waits for the ConfigMap, then the kinds.
    operator = await startOperator({
      kubeconfig: cp.kubeconfigPath,
      natsUrl: nats.url,
      identity: 'op-base',
      env: {
        OST_BASE_LIBRARY: 'outputstraat/ost-outputstraat-base-library',
        OST_BASE_LIBRARY_NAMESPACE: 'outputstraat-base',
      },
      args: ['--leader-elect', 'false', '--base-library-interval', '1s'],
    });
    const out = await install('install');
    expect(out).toMatch(/STATUS: deployed/);
    expect(out).toContain('The leading operator applies the base library');
    expect(out).toContain("logs deploy/ost-outputstraat-operator | grep 'base library'");
    // Right after the release created the CRDs, the apiserver may answer 429 while their storage starts.
    const base = await waitFor(
      'the base library applied',
      async () => {
        const listed = (await listOurs(kube)).filter((o) => o.metadata.namespace === 'outputstraat-base');
        return listed.length === shipped ? listed : undefined;
      },
      60_000,
      250,
    );
    expect(base.map((o) => o.kind)).toEqual(expect.arrayContaining(['Flow', 'Template', 'Channel']));
    expect(
      operator.logs().some((l) => l.includes('base library ConfigMap') && l.includes('does not exist')),
    ).toBe(true);
    for (const o of base)
      expect(o.metadata.labels?.['app.kubernetes.io/managed-by']).toBe('outputstraat-operator');

    await applyManifests(cp.kubeconfigPath, [overlay]);
    const overlayCount = (await listOurs(kube)).filter(
      (o) => o.metadata.namespace === 'woonstad-noord',
    ).length;
    expect(overlayCount).toBeGreaterThan(0);
    const all = await allReady(shipped + overlayCount);
    for (const o of all) expect(isReady(o), idOf(o)).toBe(true);
    const bundle = await waitFor(
      'the corporation bundle',
      () => liveBundle(kv, 'woonstad-noord'),
      30_000,
      200,
    );
    expect(Object.keys(bundle.flows).length).toBeGreaterThan(3);
  }, 240_000);

  it('follows its ConfigMap: adds, deletes only its own, and deletes nothing while a key is refused', async () => {
    const cm = await kube.get<{ data: Record<string, string> }>(
      '/api/v1/namespaces/outputstraat/configmaps/ost-outputstraat-base-library',
    );
    const [removedKey] = Object.keys(cm.data).filter((k) => k.startsWith('template-'));
    const removed = parse(cm.data[removedKey!]!) as { metadata: { name: string } };
    const extra = `apiVersion: outputstraat.io/v1alpha1
kind: Template
metadata:
  name: extra-note-email
spec:
  channel: sms
  locales:
    nl: { sms: Notitie }
`;
    // A team's own Template in the base namespace, without our labels: never ours to delete.
    await applyManifestText(extra.replace('extra-note-email', 'teams-own-note'));
    // Hostile keys alongside — another kind (a Secret), a spec the CRD refuses, a resource twice:
    // each refused by name, the rest applied, nothing deleted.
    const hostile = 'apiVersion: v1\nkind: Secret\nmetadata: { name: stolen }\nstringData: { a: b }\n';
    const badSpec =
      'apiVersion: outputstraat.io/v1alpha1\nkind: Template\nmetadata: { name: bad-spec }\nspec: { channel: 42 }\n';
    await kube.mergePatch('/api/v1/namespaces/outputstraat/configmaps/ost-outputstraat-base-library', {
      data: {
        [removedKey!]: null,
        'zz-extra.yaml': extra,
        'zz-hostile.yaml': hostile,
        'zz-invalid.yaml': badSpec,
        'zz-twice.yaml': extra,
      },
    });
    const names = async () =>
      (await listOurs(kube))
        .filter((o) => o.metadata.namespace === 'outputstraat-base')
        .map((o) => o.metadata.name);
    await waitFor(
      'the refusal logged',
      async () =>
        operator!
          .logs()
          .some(
            (l) =>
              l.includes('zz-hostile.yaml') &&
              l.includes('apiVersion is \\"v1\\"') &&
              l.includes('zz-twice.yaml: Template/extra-note-email is in another key too') &&
              l.includes('Template/bad-spec: ') &&
              l.includes('fix the ConfigMap'),
          ) || undefined,
      30_000,
      250,
    );
    expect(await names()).toContain(removed.metadata.name);
    expect(await names()).toContain('extra-note-email');
    // Still counted once the refused ConfigMap is no longer applied each round (rounds every 1 s here).
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(await operator!.metric('outputstraat_operator_base_library_problems')).toBe(3);
    await expect(kube.get('/api/v1/namespaces/outputstraat-base/secrets/stolen')).rejects.toThrow(
      /not found/i,
    );

    await kube.mergePatch('/api/v1/namespaces/outputstraat/configmaps/ost-outputstraat-base-library', {
      data: { 'zz-hostile.yaml': null, 'zz-invalid.yaml': null, 'zz-twice.yaml': null },
    });
    await waitFor(
      'the removed resource deleted',
      async () => ((await names()).includes(removed.metadata.name) ? undefined : true),
      30_000,
      250,
    );
    expect(await names()).toContain('extra-note-email');
    expect(await names()).toContain('teams-own-note');
    expect(await operator!.metric('outputstraat_operator_base_library_problems')).toBe(0);

    // The added key taken out again: its resource goes, the team's own stays.
    await kube.mergePatch('/api/v1/namespaces/outputstraat/configmaps/ost-outputstraat-base-library', {
      data: { 'zz-extra.yaml': null },
    });
    await waitFor(
      'the added resource deleted',
      async () => ((await names()).includes('extra-note-email') ? undefined : true),
      30_000,
      250,
    );
    expect(await names()).toContain('teams-own-note');
  }, 120_000);

  it('upgrades: the base library is replaced and the street is Ready again', async () => {
    const out = await install('upgrade');
    expect(out).toMatch(/STATUS: deployed/);
    const overlayCount = (await listOurs(kube)).filter(
      (o) => o.metadata.namespace === 'woonstad-noord',
    ).length;
    // helm puts the key removed by hand back into the ConfigMap, and the operator its resource.
    await waitFor(
      'the shipped base library again',
      async () => {
        const base = (await listOurs(kube)).filter(
          (o) => o.metadata.namespace === 'outputstraat-base' && o.metadata.name !== 'teams-own-note',
        );
        return base.length === shipped || undefined;
      },
      60_000,
      250,
    );
    await allReady(shipped + 1 + overlayCount);
  }, 240_000);
});

async function applyManifestText(text: string): Promise<void> {
  const file = join(mkdtempSync(join(tmpdir(), 'ost-base-')), 'own.yaml');
  writeFileSync(file, text.replace('metadata:', 'metadata:\n  namespace: outputstraat-base'));
  await kubectl(cp.kubeconfigPath, ['apply', '-f', file]);
}
