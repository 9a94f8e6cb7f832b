// RBAC as the chart installs it, on a real apiserver: the operator's ServiceAccount can do exactly its
// job (and the operator runs on it), the runtime's has no API access at all, and a corporation's team
// bound to outputstraat-edit in its namespace manages its resources there and nowhere else.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { type KV, Kvm } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE_BUCKET } from '../../core/bundle/types.js';
import { KubeClient } from '../../operator/kubernetes/kube-client.js';
import { connectionFromKubeconfig } from '../../operator/kubernetes/kube-config.js';
import { ensureBundleBucket } from '../../platform/bus/index.js';
import { type ControlPlane, kubeToolPath, startControlPlane } from '../support/kube-control-plane.js';
import { type NatsServer, startNatsServer } from '../support/nats-server.js';
import { eventsAbout, isReady, listOurs, liveBundle } from './support/cluster.js';
import { renderChart } from './support/helm.js';
import { applyManifests, kubectl } from './support/kubectl.js';
import { type OperatorProcess, startOperator } from './support/operator-process.js';
import { streetFixture } from './support/street-fixture.js';
import { waitFor } from './support/wait.js';

const RELEASE_NS = 'outputstraat';
const OPERATOR_SA = `system:serviceaccount:${RELEASE_NS}:outputstraat-operator`;
const RUNTIME_SA = `system:serviceaccount:${RELEASE_NS}:outputstraat-runtime`;

const fixture = streetFixture();
let cp: ControlPlane;
let nats: NatsServer;
let nc: NatsConnection;
let kv: KV;
let kube: KubeClient;
let operator: OperatorProcess | undefined;

beforeAll(async () => {
  [cp, nats] = await Promise.all([startControlPlane(), startNatsServer()]);
  nc = await connect({ servers: nats.url });
  const jsm = await jetstreamManager(nc);
  await ensureBundleBucket(jsm);
  kv = await new Kvm(jsm.jetstream()).open(BUNDLE_BUCKET);
  kube = new KubeClient(connectionFromKubeconfig([cp.kubeconfigPath]));
  await kubectl(cp.kubeconfigPath, ['create', 'namespace', RELEASE_NS]);
  // The chart as `helm install outputstraat -n outputstraat` would create it (no pods run here).
  await kubectl(cp.kubeconfigPath, ['apply', '-f', '-'], {
    input: await renderChart('outputstraat', RELEASE_NS),
  });
  await kubectl(cp.kubeconfigPath, ['wait', '--for=condition=Established', '--timeout=60s', 'crd', '--all']);
}, 180_000);

afterAll(async () => {
  await operator?.stop();
  kube?.close();
  await nc?.close();
  await nats?.stop();
  await cp?.stop();
}, 60_000);

/** `kubectl auth can-i` as `user`; `resource` may be `type/name` or `type` with `{ subresource }`. */
function can(
  user: string,
  verb: string,
  resource: string,
  namespace?: string,
  subresource?: string,
): Promise<boolean> {
  const args = [`--kubeconfig=${cp.kubeconfigPath}`, 'auth', 'can-i', verb, resource, `--as=${user}`];
  args.push(namespace ? `--namespace=${namespace}` : '--all-namespaces');
  if (subresource) args.push(`--subresource=${subresource}`);
  // can-i answers "yes" (exit 0) or "no" (exit 1) on stdout.
  return new Promise((resolve, reject) => {
    execFile(kubeToolPath('kubectl'), args, (error, stdout, stderr) => {
      const answer = stdout.trim();
      if (answer === 'yes' || answer === 'no') resolve(answer === 'yes');
      else reject(new Error(`kubectl auth can-i ${verb} ${resource}: ${stderr || error?.message}`));
    });
  });
}

/** The rows of `table` (verb, resource, namespace, expected answer, subresource) `user` is answered otherwise. */
async function wrongAnswers(
  user: string,
  table: readonly [string, string, string | undefined, boolean, string?][],
): Promise<string[]> {
  const wrong: string[] = [];
  for (const [verb, resource, ns, expected, sub] of table) {
    if ((await can(user, verb, resource, ns, sub)) !== expected) {
      wrong.push(`${verb} ${resource}${sub ? `/${sub}` : ''} in ${ns ?? 'all'}: expected ${expected}`);
    }
  }
  return wrong;
}

describe('RBAC', () => {
  it('lets the operator’s ServiceAccount do its job and nothing more', async () => {
    const table: [string, string, string | undefined, boolean, string?][] = [
      ['list', 'flows.outputstraat.io', undefined, true],
      ['watch', 'corporations.outputstraat.io', undefined, true],
      ['patch', 'flows.outputstraat.io', 'woonstad-noord', true, 'status'],
      ['patch', 'corporations.outputstraat.io', 'woonstad-noord', true, 'status'],
      ['patch', 'corporations.outputstraat.io', 'woonstad-noord', true],
      ['update', 'flows.outputstraat.io', 'woonstad-noord', false],
      ['create', 'flows.outputstraat.io', 'woonstad-noord', false],
      ['delete', 'corporations.outputstraat.io', 'woonstad-noord', false],
      ['get', 'secrets', 'woonstad-noord', true],
      ['list', 'secrets', 'woonstad-noord', false],
      ['watch', 'secrets', undefined, false],
      ['create', 'events.events.k8s.io', 'woonstad-noord', true],
      ['create', 'leases.coordination.k8s.io', RELEASE_NS, true],
      ['update', 'leases.coordination.k8s.io/outputstraat-operator', RELEASE_NS, true],
      ['update', 'leases.coordination.k8s.io/something-else', RELEASE_NS, false],
      ['create', 'leases.coordination.k8s.io', 'kube-system', false],
      ['get', 'configmaps', RELEASE_NS, false],
      ['create', 'pods', RELEASE_NS, false],
    ];
    expect(await wrongAnswers(OPERATOR_SA, table)).toEqual([]);
  }, 60_000);

  it('gives the runtime’s ServiceAccount no Kubernetes API access and no token', async () => {
    for (const [verb, resource] of [
      ['get', 'flows.outputstraat.io'],
      ['list', 'secrets'],
      ['get', 'configmaps'],
      ['create', 'events.events.k8s.io'],
      ['get', 'leases.coordination.k8s.io'],
    ] as const) {
      expect(await can(RUNTIME_SA, verb, resource, RELEASE_NS), `${verb} ${resource}`).toBe(false);
    }
    const sa = JSON.parse(
      await kubectl(cp.kubeconfigPath, ['get', 'sa', '-n', RELEASE_NS, 'outputstraat-runtime', '-o', 'json']),
    );
    expect(sa.automountServiceAccountToken).toBe(false);
  });

  it('runs the operator on its ServiceAccount alone: statuses, Events, finalizer, Lease, retire', async () => {
    const token = (
      await kubectl(cp.kubeconfigPath, [
        'create',
        'token',
        'outputstraat-operator',
        '-n',
        RELEASE_NS,
        '--duration=1h',
      ])
    ).trim();
    const admin = connectionFromKubeconfig([cp.kubeconfigPath]);
    const kubeconfig = join(cp.dir, 'operator-sa.kubeconfig');
    writeFileSync(
      kubeconfig,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [
          {
            name: 'test',
            cluster: { server: cp.server, 'certificate-authority-data': admin.ca!.toString('base64') },
          },
        ],
        users: [{ name: 'operator', user: { token } }],
        contexts: [{ name: 'operator', context: { cluster: 'test', user: 'operator' } }],
        'current-context': 'operator',
      }),
    );
    operator = await startOperator({
      kubeconfig,
      natsUrl: nats.url,
      identity: 'operator-sa',
      leaseNamespace: RELEASE_NS,
    });
    await applyManifests(cp.kubeconfigPath, fixture.paths);
    await waitFor(
      'every resource Ready',
      async () => {
        const all = await listOurs(kube);
        return all.length === fixture.resourceCount && all.every(isReady);
      },
      90_000,
      250,
    );
    const corporation = fixture.corporations[0]!;
    const corp = (await listOurs(kube)).find(
      (o) => o.kind === 'Corporation' && o.metadata.namespace === corporation,
    )!;
    expect(corp.metadata.finalizers).toContain('outputstraat.io/bundle');
    expect(await eventsAbout(kube, corporation, corp.metadata.name)).toContainEqual(
      expect.objectContaining({ reason: 'BundlePublished' }),
    );
    const lease = await kube.get<{ spec: { holderIdentity: string } }>(
      `/apis/coordination.k8s.io/v1/namespaces/${RELEASE_NS}/leases/outputstraat-operator`,
    );
    expect(lease.spec.holderIdentity).toBe('operator-sa');
    await kubectl(cp.kubeconfigPath, [
      'delete',
      'corporation',
      '-n',
      corporation,
      corp.metadata.name,
      '--timeout=30s',
    ]);
    expect(await liveBundle(kv, corporation)).toBeUndefined();
    expect(operator.logs().filter((l) => /forbidden/i.test(l))).toEqual([]);
  }, 150_000);

  it('lets a corporation team bound to outputstraat-edit change its own namespace only', async () => {
    for (const ns of ['team-a', 'team-b']) await kubectl(cp.kubeconfigPath, ['create', 'namespace', ns]);
    await kubectl(cp.kubeconfigPath, [
      'create',
      'rolebinding',
      'team-a-edit',
      '-n',
      'team-a',
      '--clusterrole=outputstraat-edit',
      '--user=team-a-dev',
    ]);
    await kubectl(cp.kubeconfigPath, [
      'create',
      'rolebinding',
      'team-a-view',
      '-n',
      'team-a',
      '--clusterrole=outputstraat-view',
      '--user=team-a-auditor',
    ]);
    const flow = (ns: string) =>
      JSON.stringify({
        apiVersion: 'outputstraat.io/v1alpha1',
        kind: 'Flow',
        metadata: { name: 'team-flow', namespace: ns },
        spec: { steps: [{ id: 'end', stop: { reason: 'test' } }] },
      });
    const asDev = { as: 'team-a-dev' };
    expect(
      await kubectl(cp.kubeconfigPath, ['apply', '-f', '-'], { ...asDev, input: flow('team-a') }),
    ).toContain('flow.outputstraat.io/team-flow created');
    await expect(
      kubectl(cp.kubeconfigPath, ['apply', '-f', '-'], { ...asDev, input: flow('team-b') }),
    ).rejects.toThrow(/forbidden/i);
    await expect(kubectl(cp.kubeconfigPath, ['get', 'secrets', '-n', 'team-a'], asDev)).rejects.toThrow(
      /forbidden/i,
    );
    await expect(
      kubectl(
        cp.kubeconfigPath,
        [
          'patch',
          'flow',
          'team-flow',
          '-n',
          'team-a',
          '--subresource=status',
          '--type=merge',
          '-p',
          '{"status":{"revision":"x"}}',
        ],
        asDev,
      ),
    ).rejects.toThrow(/forbidden/i);
    // The auditor reads, and only reads.
    const asAuditor = { as: 'team-a-auditor' };
    expect(
      await kubectl(cp.kubeconfigPath, ['get', 'flows', '-n', 'team-a', '-o', 'name'], asAuditor),
    ).toContain('team-flow');
    await expect(
      kubectl(cp.kubeconfigPath, ['delete', 'flow', 'team-flow', '-n', 'team-a'], asAuditor),
    ).rejects.toThrow(/forbidden/i);
    // The same rules reach the built-in roles through aggregation (done by kube-controller-manager).
    const roles = JSON.parse(
      await kubectl(cp.kubeconfigPath, [
        'get',
        'clusterrole',
        'outputstraat-view',
        'outputstraat-edit',
        '-o',
        'json',
      ]),
    );
    const labels = Object.fromEntries(
      roles.items.map((r: { metadata: { name: string; labels: Record<string, string> } }) => [
        r.metadata.name,
        r.metadata.labels,
      ]),
    );
    expect(labels['outputstraat-view']).toMatchObject({
      'rbac.authorization.k8s.io/aggregate-to-view': 'true',
    });
    expect(labels['outputstraat-edit']).toMatchObject({
      'rbac.authorization.k8s.io/aggregate-to-edit': 'true',
      'rbac.authorization.k8s.io/aggregate-to-admin': 'true',
    });
  }, 60_000);

  it('with baseLibrary.install lets the operator write the base namespace only and read its one ConfigMap', async () => {
    await kubectl(cp.kubeconfigPath, ['apply', '-f', '-'], {
      input: await renderChart('outputstraat', RELEASE_NS, [
        '--set',
        'baseLibrary.install=true',
        '--show-only',
        'templates/base-library.yaml',
      ]),
    });
    const table: [string, string, string, boolean][] = [
      ['create', 'flows.outputstraat.io', 'outputstraat-base', true],
      ['patch', 'templates.outputstraat.io', 'outputstraat-base', true],
      ['delete', 'channels.outputstraat.io', 'outputstraat-base', true],
      ['create', 'corporations.outputstraat.io', 'outputstraat-base', true],
      ['create', 'flows.outputstraat.io', 'woonstad-noord', false],
      ['delete', 'templates.outputstraat.io', 'woonstad-noord', false],
      ['create', 'secrets', 'outputstraat-base', false],
      ['get', 'configmaps/outputstraat-base-library', RELEASE_NS, true],
      ['get', 'configmaps/something-else', RELEASE_NS, false],
      ['update', 'configmaps/outputstraat-base-library', RELEASE_NS, false],
      ['get', 'configmaps/outputstraat-base-library', 'woonstad-noord', false],
    ];
    expect(await wrongAnswers(OPERATOR_SA, table)).toEqual([]);
  }, 60_000);
});
