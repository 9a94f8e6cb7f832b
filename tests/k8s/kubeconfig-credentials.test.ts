// Kubeconfig credentials other than the client certificate of the test's admin, on a real apiserver
// that accepts a static bearer token (--token-auth-file): an exec credential plugin — what EKS, GKE
// and AKS kubeconfigs use from a laptop — runs the operator, a tokenFile is read, and a plugin that
// fails or a token the apiserver refuses says so.
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { type KV, Kvm } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE_BUCKET } from '../../core/bundle/types.js';
import { isKubeStatus, KubeClient } from '../../operator/kubernetes/kube-client.js';
import { connectionFromKubeconfig } from '../../operator/kubernetes/kube-config.js';
import { ensureBundleBucket } from '../../platform/bus/index.js';
import { type ControlPlane, startControlPlane } from '../support/kube-control-plane.js';
import { type NatsServer, startNatsServer } from '../support/nats-server.js';
import { isReady, listOurs, liveBundle } from './support/cluster.js';
import { applyManifests, installCrds, repoRoot } from './support/kubectl.js';
import { type OperatorProcess, startOperator } from './support/operator-process.js';
import { streetFixture } from './support/street-fixture.js';
import { waitFor } from './support/wait.js';

const fixture = streetFixture();
let cp: ControlPlane;
let nats: NatsServer;
let nc: NatsConnection;
let kv: KV;
let admin: KubeClient;
let operator: OperatorProcess | undefined;

beforeAll(async () => {
  [cp, nats] = await Promise.all([startControlPlane(), startNatsServer()]);
  nc = await connect({ servers: nats.url });
  const jsm = await jetstreamManager(nc);
  await ensureBundleBucket(jsm);
  kv = await new Kvm(jsm.jetstream()).open(BUNDLE_BUCKET);
  admin = new KubeClient(connectionFromKubeconfig([cp.kubeconfigPath]));
  await installCrds(cp.kubeconfigPath);
}, 180_000);

afterAll(async () => {
  await operator?.stop();
  admin?.close();
  await nc?.close();
  await nats?.stop();
  await cp?.stop();
}, 60_000);

/** A kubeconfig for the test apiserver (its CA, no client certificate) with the given user. */
function kubeconfigWith(name: string, user: Record<string, unknown>): string {
  const path = join(cp.dir, `${name}.kubeconfig`);
  writeFileSync(
    path,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name: 'test',
          cluster: {
            server: cp.server,
            'certificate-authority-data': admin.connection.ca!.toString('base64'),
          },
        },
      ],
      users: [{ name, user }],
      contexts: [{ name, context: { cluster: 'test', user: name } }],
      'current-context': name,
    }),
  );
  return path;
}

/**
 * An exec credential plugin (client.authentication.k8s.io/v1): prints an ExecCredential with the
 * token in $PLUGIN_TOKEN, or fails with $PLUGIN_ERROR; notes each run in $PLUGIN_CALLS.
 */
function writePlugin(): string {
  const path = join(cp.dir, 'credential-plugin.sh');
  writeFileSync(
    path,
    `#!/bin/sh
echo run >>"$PLUGIN_CALLS"
if [ -n "$PLUGIN_ERROR" ]; then echo "$PLUGIN_ERROR" >&2; exit 1; fi
printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}\\n' "$PLUGIN_TOKEN"
`,
  );
  chmodSync(path, 0o755);
  return path;
}

function execUser(env: Record<string, string>): Record<string, unknown> {
  return {
    exec: {
      apiVersion: 'client.authentication.k8s.io/v1',
      command: writePlugin(),
      env: Object.entries(env).map(([name, value]) => ({ name, value })),
      interactiveMode: 'Never',
    },
  };
}

/** The `version` label of the process's nodejs_version_info metric (Node's own process.version). */
async function nodeVersionOf(op: OperatorProcess): Promise<string | undefined> {
  const text = await (await fetch(op.metricsUrl)).text();
  return /^outputstraat_operator_nodejs_version_info\{[^}]*version="([^"]+)"/m.exec(text)?.[1];
}

describe('kubeconfig credentials', () => {
  it('runs the operator on the token an exec credential plugin prints, on the Node.js of package.json engines', async () => {
    const calls = join(cp.dir, 'plugin-calls');
    writeFileSync(calls, '');
    const kubeconfig = kubeconfigWith(
      'exec-user',
      execUser({ PLUGIN_TOKEN: cp.bearerToken, PLUGIN_CALLS: calls }),
    );
    operator = await startOperator({ kubeconfig, natsUrl: nats.url, identity: 'operator-exec' });
    await applyManifests(cp.kubeconfigPath, fixture.paths);
    await waitFor(
      'every resource Ready',
      async () => {
        const all = await listOurs(admin);
        return all.length === fixture.resourceCount && all.every(isReady);
      },
      90_000,
      250,
    );
    for (const corporation of fixture.corporations) {
      expect(await liveBundle(kv, corporation), corporation).toBeDefined();
    }
    // It held the Lease, watched, wrote status: all as the plugin's user, and the plugin did run.
    const lease = await admin.get<{ spec?: { holderIdentity?: string } }>(
      '/apis/coordination.k8s.io/v1/namespaces/default/leases/outputstraat-operator',
    );
    expect(lease.spec?.holderIdentity).toBe('operator-exec');
    expect(readFileSync(calls, 'utf8').split('\n').filter(Boolean).length).toBeGreaterThanOrEqual(1);
    expect(
      operator.logs().some((l) => l.includes('"msg":"operator started"') && l.includes(kubeconfig)),
    ).toBe(true);

    const version = await nodeVersionOf(operator);
    expect(version).toBe(process.version);
    const engines = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).engines.node as string;
    const [wantMajor, wantMinor] = /^>=(\d+)\.(\d+)/.exec(engines)!.slice(1).map(Number) as [number, number];
    const [major, minor] = version!.slice(1).split('.').map(Number) as [number, number];
    expect(major > wantMajor || (major === wantMajor && minor >= wantMinor), `${version} vs ${engines}`).toBe(
      true,
    );
  }, 150_000);

  it('says what the exec plugin printed when it fails, and makes no request', async () => {
    const client = new KubeClient(
      connectionFromKubeconfig([
        kubeconfigWith(
          'failing-exec-user',
          execUser({ PLUGIN_ERROR: 'no SSO session: run `aws sso login`', PLUGIN_CALLS: join(cp.dir, 'x') }),
        ),
      ]),
    );
    try {
      await expect(client.get('/api/v1/namespaces/default')).rejects.toThrow(
        /credentials failed: no SSO session: run `aws sso login`/,
      );
    } finally {
      client.close();
    }
  });

  it('reads the bearer token from a tokenFile next to the kubeconfig, and reports 401 for a refused one', async () => {
    writeFileSync(join(cp.dir, 'good.token'), `${cp.bearerToken}\n`);
    writeFileSync(join(cp.dir, 'bad.token'), 'not-a-token\n');
    const good = new KubeClient(
      connectionFromKubeconfig([kubeconfigWith('file-user', { tokenFile: 'good.token' })]),
    );
    const bad = new KubeClient(
      connectionFromKubeconfig([kubeconfigWith('bad-user', { tokenFile: 'bad.token' })]),
    );
    try {
      const ns = await good.get<{ metadata: { name: string } }>('/api/v1/namespaces/default');
      expect(ns.metadata.name).toBe('default');
      const refused = await bad.get('/api/v1/namespaces/default').catch((err: unknown) => err);
      expect(isKubeStatus(refused, 401)).toBe(true);
      expect((refused as Error & { code?: string }).code).toBe('OST_ERR_KUBE_API');
    } finally {
      good.close();
      bad.close();
    }
  });
});
