// The tenant boundary in a real cluster: the apiserver itself refuses a Secret reference that is a path
// (the CRD schema), and the operator keeps a payment host and an ERP API key with the corporation that
// had them first — the later claimant is Ready=False naming it, and gets no bundle in NATS KV.
import { jetstreamManager } from '@nats-io/jetstream';
import { type KV, Kvm } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE_BUCKET } from '../../core/bundle/types.js';
import { sha256Hex } from '../../operator/compiler/index.js';
import { KubeClient } from '../../operator/kubernetes/kube-client.js';
import { connectionFromKubeconfig } from '../../operator/kubernetes/kube-config.js';
import { ensureBundleBucket } from '../../platform/bus/index.js';
import { type ControlPlane, startControlPlane } from '../support/kube-control-plane.js';
import { type NatsServer, startNatsServer } from '../support/nats-server.js';
import { condition, isReady, liveBundle, type OurObject, objectPath } from './support/cluster.js';
import { installCrds, kubectl } from './support/kubectl.js';
import { type OperatorProcess, startOperator } from './support/operator-process.js';
import { waitFor } from './support/wait.js';

let cp: ControlPlane;
let nats: NatsServer;
let nc: NatsConnection;
let kv: KV;
let kube: KubeClient;
let operator: OperatorProcess | undefined;

const apply = (manifest: unknown) =>
  kubectl(cp.kubeconfigPath, ['apply', '-f', '-'], { input: JSON.stringify(manifest) });

/** Whether `kubectl apply` refuses the manifest, and what it said. */
async function refusal(manifest: unknown): Promise<string | undefined> {
  try {
    await apply(manifest);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

const namespace = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });

function corporation(ns: string, spec: Record<string, unknown> = {}) {
  return {
    apiVersion: 'outputstraat.io/v1alpha1',
    kind: 'Corporation',
    metadata: { name: ns, namespace: ns },
    spec: {
      displayName: ns,
      sender: { email: `noreply@${ns}.example` },
      senderDomains: [`${ns}.example`],
      ingress: { apiKeySecretRef: { name: 'erp-api-key' } },
      ...spec,
    },
  };
}

const apiKeySecret = (ns: string, key: string) => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'erp-api-key', namespace: ns },
  stringData: { 'api-key': key },
});

async function readyCondition(ns: string) {
  return condition(await kube.get<OurObject>(objectPath('Corporation', ns, ns)), 'Ready');
}

beforeAll(async () => {
  [cp, nats] = await Promise.all([startControlPlane(), startNatsServer()]);
  nc = await connect({ servers: nats.url });
  const jsm = await jetstreamManager(nc);
  await ensureBundleBucket(jsm);
  kv = await new Kvm(jsm.jetstream()).open(BUNDLE_BUCKET);
  kube = new KubeClient(connectionFromKubeconfig([cp.kubeconfigPath]));
  await installCrds(cp.kubeconfigPath);
  for (const ns of ['outputstraat-base', 'tenant-a', 'tenant-z-first', 'tenant-b-later', 'tenant-c-later']) {
    await apply(namespace(ns));
  }
}, 180_000);

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

describe('the tenant boundary in a cluster', () => {
  it('kubectl apply refuses a Corporation whose API key Secret reference is a path', async () => {
    const message = await refusal(
      corporation('tenant-a', { ingress: { apiKeySecretRef: { name: '../../x' } } }),
    );
    expect(message).toBeDefined();
    expect(message).toContain('spec.ingress.apiKeySecretRef.name');
    await expect(
      kubectl(cp.kubeconfigPath, ['get', 'corporations', '-n', 'tenant-a', '-o', 'name']),
    ).resolves.toBe('');
  });

  it('kubectl apply refuses a Channel whose credentials Secret reference is a path', async () => {
    const message = await refusal({
      apiVersion: 'outputstraat.io/v1alpha1',
      kind: 'Channel',
      metadata: { name: 'email', namespace: 'tenant-a' },
      spec: {
        type: 'email',
        provider: 'smtp',
        credentialsSecretRef: { name: '../woonstad-noord/smtp-credentials' },
        smtp: { host: 'smtp.tenant-a.example' },
      },
    });
    expect(message).toContain('spec.credentialsSecretRef.name');
  });

  it('keeps a payment host and an API key with the first corporation; the later one is Ready=False naming it', async () => {
    operator = await startOperator({
      kubeconfig: cp.kubeconfigPath,
      natsUrl: nats.url,
      identity: 'operator-tenant',
    });
    await apply({
      apiVersion: 'outputstraat.io/v1alpha1',
      kind: 'Channel',
      metadata: { name: 'email', namespace: 'outputstraat-base' },
      spec: { type: 'email', provider: 'smtp', smtp: { host: 'smtp.invalid' } },
    });
    // The first claimant sorts last by name: what decides is who had it first, not the alphabet.
    await apply(apiKeySecret('tenant-z-first', 'first-key-0123456789'));
    await apply(corporation('tenant-z-first', { paymentHost: 'betalen.shared.example' }));
    await waitFor(
      'the first corporation Ready with its bundle',
      async () =>
        isReady(await kube.get<OurObject>(objectPath('Corporation', 'tenant-z-first', 'tenant-z-first'))) &&
        (await liveBundle(kv, 'tenant-z-first')) !== undefined,
      30_000,
      200,
    );

    // Same payment host, its own key.
    await apply(apiKeySecret('tenant-b-later', 'later-key-0123456789'));
    await apply(corporation('tenant-b-later', { paymentHost: 'betalen.shared.example' }));
    // Its own host, the first corporation's key.
    await apply(apiKeySecret('tenant-c-later', 'first-key-0123456789'));
    await apply(corporation('tenant-c-later', { paymentHost: 'betalen.tenant-c-later.example' }));

    const host = await waitFor('the host claimant refused', async () => {
      const ready = await readyCondition('tenant-b-later');
      return ready?.reason === 'AlreadyClaimed' ? ready : undefined;
    });
    expect(host.status).toBe('False');
    expect(host.message).toContain('spec.paymentHost');
    expect(host.message).toContain(
      'paymentHost "betalen.shared.example" is already claimed by Corporation tenant-z-first/tenant-z-first',
    );

    const key = await waitFor('the key claimant refused', async () => {
      const ready = await readyCondition('tenant-c-later');
      return ready?.reason === 'AlreadyClaimed' ? ready : undefined;
    });
    expect(key.status).toBe('False');
    expect(key.message).toContain('the ERP API key in Secret erp-api-key (key api-key)');
    expect(key.message).toContain('Corporation tenant-z-first/tenant-z-first');
    expect(key.message).not.toContain('first-key-0123456789');

    // The first corporation keeps its bundle, host and key; the later ones get none.
    expect(await readyCondition('tenant-z-first')).toMatchObject({ status: 'True', reason: 'Reconciled' });
    const first = await liveBundle(kv, 'tenant-z-first');
    expect(first?.corporation.paymentHost).toBe('betalen.shared.example');
    expect(first?.apiKeyHashes).toEqual([sha256Hex('first-key-0123456789')]);
    expect(await liveBundle(kv, 'tenant-b-later')).toBeUndefined();
    expect(await liveBundle(kv, 'tenant-c-later')).toBeUndefined();
  }, 90_000);
});
