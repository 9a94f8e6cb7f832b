// `helm install` with baseLibrary.install on a real kube-apiserver: the release brings the CRDs and the
// base library (flows/ as the chart ships it), a corporation's team applies its overlay, and the
// operator (run here as a process, as its Deployment would) makes every resource Ready and publishes a
// bundle. `helm upgrade` replaces the base library and everything is Ready again.

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { type KV, Kvm } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE_BUCKET } from '../../core/bundle/types.js';
import { KubeClient } from '../../operator/kubernetes/kube-client.js';
import { connectionFromKubeconfig } from '../../operator/kubernetes/kube-config.js';
import { ensureBundleBucket } from '../../platform/bus/index.js';
import { type ControlPlane, startControlPlane } from '../support/kube-control-plane.js';
import { type NatsServer, startNatsServer } from '../support/nats-server.js';
import { idOf, isReady, listOurs, liveBundle, type OurObject } from './support/cluster.js';
import { chartDir, helm } from './support/helm.js';
import { applyManifests, repoRoot } from './support/kubectl.js';
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
    const out = await install('install');
    expect(out).toMatch(/STATUS: deployed/);
    // Right after the release created the CRDs, the apiserver may answer 429 while their storage starts.
    const base = await waitFor(
      'the base library listed',
      async () => (await listOurs(kube)).filter((o) => o.metadata.namespace === 'outputstraat-base'),
      30_000,
      250,
    );
    expect(base).toHaveLength(shipped);
    expect(base.map((o) => o.kind)).toEqual(expect.arrayContaining(['Flow', 'Template', 'Channel']));

    await applyManifests(cp.kubeconfigPath, [overlay]);
    operator = await startOperator({ kubeconfig: cp.kubeconfigPath, natsUrl: nats.url, identity: 'op-base' });
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

  it('upgrades: the base library is replaced and the street is Ready again', async () => {
    const out = await install('upgrade');
    expect(out).toMatch(/STATUS: deployed/);
    const overlayCount = (await listOurs(kube)).filter(
      (o) => o.metadata.namespace === 'woonstad-noord',
    ).length;
    await allReady(shipped + overlayCount);
  }, 240_000);
});
