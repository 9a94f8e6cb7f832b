// Two operator processes against one cluster: the Lease holder reconciles, the other waits; when the
// leader is killed (SIGKILL, nothing released) the other takes over within the lease duration and
// reconciles the next change.
import { jetstreamManager } from '@nats-io/jetstream';
import { type KV, Kvm } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE_BUCKET } from '../../core/bundle/types.js';
import { KubeClient } from '../../operator/kubernetes/kube-client.js';
import { connectionFromKubeconfig } from '../../operator/kubernetes/kube-config.js';
import { ensureBundleBucket } from '../../platform/bus/index.js';
import { type ControlPlane, startControlPlane } from '../support/kube-control-plane.js';
import { type NatsServer, startNatsServer } from '../support/nats-server.js';
import { isReady, listOurs, liveBundle, objectPath } from './support/cluster.js';
import { applyManifests, installCrds } from './support/kubectl.js';
import { type OperatorProcess, startOperator } from './support/operator-process.js';
import { streetFixture } from './support/street-fixture.js';
import { waitFor } from './support/wait.js';

const LEASE = '/apis/coordination.k8s.io/v1/namespaces/default/leases/outputstraat-operator';
const TIMINGS = ['--lease-duration', '3s', '--renew-deadline', '2s', '--retry-period', '500ms'];

const fixture = streetFixture();
let cp: ControlPlane;
let nats: NatsServer;
let nc: NatsConnection;
let kv: KV;
let kube: KubeClient;
const operators: OperatorProcess[] = [];

beforeAll(async () => {
  [cp, nats] = await Promise.all([startControlPlane(), startNatsServer()]);
  nc = await connect({ servers: nats.url });
  const jsm = await jetstreamManager(nc);
  await ensureBundleBucket(jsm);
  kv = await new Kvm(jsm.jetstream()).open(BUNDLE_BUCKET);
  kube = new KubeClient(connectionFromKubeconfig([cp.kubeconfigPath]));
  await installCrds(cp.kubeconfigPath);
  await applyManifests(cp.kubeconfigPath, fixture.paths);
}, 180_000);

afterAll(async () => {
  await Promise.all(operators.map((o) => o.stop()));
  kube?.close();
  await nc?.close();
  await nats?.stop();
  await cp?.stop();
}, 60_000);

const holder = async () =>
  (await kube.get<{ spec?: { holderIdentity?: string } }>(LEASE)).spec?.holderIdentity ?? '';

const reconciles = (o: OperatorProcess) => o.metric('outputstraat_operator_reconciles_total');

describe('leader election', () => {
  it('lets exactly one of two operators reconcile: the Lease holder', async () => {
    for (const identity of ['operator-1', 'operator-2']) {
      operators.push(
        await startOperator({ kubeconfig: cp.kubeconfigPath, natsUrl: nats.url, identity, args: TIMINGS }),
      );
    }
    await waitFor('every resource Ready', async () => (await listOurs(kube)).every(isReady), 60_000, 200);
    const leaderId = await holder();
    const leader = operators.find((o) => o.identity === leaderId)!;
    const follower = operators.find((o) => o.identity !== leaderId)!;
    expect(leader).toBeDefined();
    expect(await leader.metric('outputstraat_operator_leader')).toBe(1);
    expect(await follower.metric('outputstraat_operator_leader')).toBe(0);
    expect(await reconciles(leader)).toBeGreaterThan(0);
    expect(await reconciles(follower)).toBe(0);
    // Some seconds of renewals later, still the same: no flapping.
    await new Promise((r) => setTimeout(r, 3_000));
    expect(await holder()).toBe(leaderId);
    expect(await reconciles(follower)).toBe(0);
    expect(
      await follower.metric('outputstraat_operator_leadership_changes_total', { change: 'started' }),
    ).toBe(0);
  }, 120_000);

  it('hands over to the other operator when the leader is killed', async () => {
    const leaderId = await holder();
    const leader = operators.find((o) => o.identity === leaderId)!;
    const follower = operators.find((o) => o.identity !== leaderId)!;
    const corporation = fixture.corporations[0]!;
    const before = (await liveBundle(kv, corporation))!;

    await leader.kill();
    const killed = Date.now();
    await waitFor(
      'the follower to take the Lease',
      async () => (await holder()) === follower.identity,
      20_000,
      100,
    );
    const tookOver = Date.now() - killed;
    await waitFor(
      'the new leader to lead',
      async () => (await follower.metric('outputstraat_operator_leader')) === 1,
    );

    const template = Object.values(before.templates)[0]!.source;
    await kube.mergePatch(objectPath('Template', template.namespace, template.name), {
      spec: { description: `edited after the failover at ${new Date().toISOString()}` },
    });
    await waitFor(
      'the new leader to publish the edit',
      async () => (await liveBundle(kv, corporation))?.revision !== before.revision,
      20_000,
      100,
    );
    console.info(`k8s: leader killed; the other took the Lease after ${tookOver} ms (lease duration 3 s)`);
    expect(tookOver).toBeLessThan(10_000);
    // The publish happens inside a reconcile; the counter moves when that reconcile ends.
    await waitFor('the new leader to count its reconciles', async () => (await reconciles(follower)) > 0);
  }, 90_000);
});
