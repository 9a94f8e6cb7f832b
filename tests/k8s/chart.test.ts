// The Helm chart: lint, render with default and with all options, and have the real apiserver accept
// the result (server-side dry run, with minimal ServiceMonitor/PrometheusRule/ScaledObject CRDs);
// its CRDs are the repository's crds/ as helm and kubectl read them; its pods run restricted; both
// Deployments log in to NATS as nats.auth says, behind NetworkPolicies by default, with the runtime's
// metrics on their own port. The NATS permissions docs/operations.md gives the server run against a
// real nats-server with the operator's and the runtime's own NATS code.

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { type KvEntry, Kvm, KvWatchInclude } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { BUNDLE_BUCKET, type ConfigBundle } from '../../core/bundle/types.js';
import { BundlePublisher } from '../../operator/publisher/bundle-publisher.js';
import {
  DISPATCH_STREAM,
  dispatchConsumerName,
  dispatchSubject,
  EVENTS_STREAM,
  ensureBundleBucket,
  ensureRuntimeConsumers,
  ensureStreams,
  INTAKE_CONSUMER,
  INTAKE_STREAM,
  intakeSubject,
} from '../../platform/bus/index.js';
import { createLogger } from '../../platform/log.js';
import { chartReadme, valueRows } from '../../scripts/k8s/chart-readme.js';
import { type ControlPlane, startControlPlane } from '../support/kube-control-plane.js';
import { findNatsServer } from '../support/nats-server.js';
import { allOptionsValues, chartDir, helm, renderChart } from './support/helm.js';
import { kubectl, repoRoot } from './support/kubectl.js';
import { freePort, waitFor } from './support/wait.js';

let cp: ControlPlane;

beforeAll(async () => {
  cp = await startControlPlane();
  await kubectl(cp.kubeconfigPath, [
    'apply',
    '-f',
    join(repoRoot, 'tests', 'k8s', 'fixtures', 'monitoring-crds.yaml'),
  ]);
  await kubectl(cp.kubeconfigPath, ['wait', '--for=condition=Established', '--timeout=60s', 'crd', '--all']);
  for (const ns of ['outputstraat', 'monitoring'])
    await kubectl(cp.kubeconfigPath, ['create', 'namespace', ns]);
}, 120_000);

afterAll(async () => {
  await cp?.stop();
}, 60_000);

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
}

interface VolumeMount {
  name: string;
  mountPath: string;
  readOnly?: boolean;
}

interface Volume {
  name: string;
  configMap?: { name: string };
  secret?: { secretName: string; defaultMode?: number; items?: { key: string; path: string }[] };
}

interface PodSpec {
  securityContext?: unknown;
  containers: {
    name: string;
    securityContext?: unknown;
    image?: string;
    args?: string[];
    startupProbe?: unknown;
    livenessProbe?: unknown;
    readinessProbe?: unknown;
    env?: EnvVar[];
    ports?: { name: string; containerPort: number }[];
    volumeMounts?: VolumeMount[];
  }[];
  volumes?: Volume[];
  automountServiceAccountToken?: boolean;
}

interface NetworkPolicyRule {
  ports?: { port: number; protocol?: string }[];
  from?: unknown[];
  to?: unknown[];
}

interface Manifest {
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: { template?: { spec: PodSpec } } & Record<string, unknown>;
  data?: Record<string, string>;
}

const docs = (text: string) =>
  parseAllDocuments(text, { version: '1.1' })
    .map((d) => d.toJS() as Manifest | null)
    .filter((d): d is Manifest => d !== null);

const dryRun = (manifests: string) =>
  kubectl(cp.kubeconfigPath, ['apply', '--dry-run=server', '-f', '-'], { input: manifests });

const find = (all: Manifest[], kind: string, name: string) => {
  const found = all.find((d) => d.kind === kind && d.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in the render`);
  return found;
};
const podOf = (d: Manifest) => d.spec!.template!.spec;
const containerOf = (d: Manifest) => podOf(d).containers[0]!;
const envOf = (d: Manifest) => new Map((containerOf(d).env ?? []).map((e) => [e.name, e]));
const natsEnvNames = (d: Manifest) => [...envOf(d).keys()].filter((n) => n.startsWith('NATS_')).sort();

const AUTH_DIR = '/var/run/outputstraat/nats/auth';
const TLS_DIR = '/var/run/outputstraat/nats/tls';

describe('Helm chart', () => {
  it('passes helm lint with default values and with every option', async () => {
    await helm(['lint', chartDir, '--strict']);
    await helm(['lint', chartDir, '--strict', '-f', allOptionsValues]);
  });

  it('renders with default values into objects the apiserver accepts', async () => {
    const out = await dryRun(await renderChart('outputstraat', 'outputstraat'));
    expect(out).toContain('deployment.apps/outputstraat-operator created (server dry run)');
    expect(out).toContain('deployment.apps/outputstraat-runtime created (server dry run)');
    expect(out).toContain('service/outputstraat-runtime-metrics created (server dry run)');
    expect(out).toContain('networkpolicy.networking.k8s.io/outputstraat-operator created (server dry run)');
    expect(out).toContain('networkpolicy.networking.k8s.io/outputstraat-runtime created (server dry run)');
    expect(out).toContain(
      'customresourcedefinition.apiextensions.k8s.io/flows.outputstraat.io created (server dry run)',
    );
  });

  it('renders with every option (KEDA, or an HPA) into objects the apiserver accepts', async () => {
    const keda = await renderChart('ost', 'outputstraat', ['-f', allOptionsValues]);
    const kinds = new Set(docs(keda).map((d) => d.kind));
    for (const kind of [
      'Ingress',
      'ScaledObject',
      'NetworkPolicy',
      'ServiceMonitor',
      'PrometheusRule',
      'ConfigMap',
      'PodDisruptionBudget',
    ]) {
      expect(kinds, kind).toContain(kind);
    }
    const out = await dryRun(keda);
    expect(out).toContain('scaledobject.keda.sh/ost-runtime created (server dry run)');
    expect(out).toContain('prometheusrule.monitoring.coreos.com/ost created (server dry run)');
    const hpa = await renderChart('ost', 'outputstraat', [
      '-f',
      allOptionsValues,
      '--set',
      'runtime.keda.enabled=false',
      '--set',
      'runtime.autoscaling.enabled=true',
    ]);
    expect(await dryRun(hpa)).toContain(
      'horizontalpodautoscaler.autoscaling/ost-runtime created (server dry run)',
    );
  });

  it('refuses values the schema does not know, and HPA and KEDA at once', async () => {
    await expect(renderChart('t', 'outputstraat', ['--set', 'runtime.replicaz=3'])).rejects.toThrow(
      /replicaz/,
    );
    await expect(
      renderChart('t', 'outputstraat', [
        '--set',
        'runtime.keda.enabled=true',
        '--set',
        'runtime.autoscaling.enabled=true',
      ]),
    ).rejects.toThrow(/enable one/);
  });

  it('pins the image by digest, takes extra env, args, volumes and probes from values, keeps 3 revisions by default', async () => {
    const defaults = docs(await renderChart('outputstraat', 'outputstraat'));
    for (const name of ['outputstraat-operator', 'outputstraat-runtime']) {
      const d = find(defaults, 'Deployment', name);
      expect(d.spec!.revisionHistoryLimit, name).toBe(3);
      expect(containerOf(d).image, name).toMatch(/^ghcr\.io\/outputstraat\/outputstraat:[^@]+$/);
    }
    const operatorDefault = containerOf(find(defaults, 'Deployment', 'outputstraat-operator'));
    expect(operatorDefault.livenessProbe).toEqual({
      httpGet: { path: '/healthz', port: 'metrics' },
      periodSeconds: 20,
    });
    expect(operatorDefault.readinessProbe).toEqual({
      httpGet: { path: '/readyz', port: 'metrics' },
      periodSeconds: 10,
    });
    const runtimeDefault = containerOf(find(defaults, 'Deployment', 'outputstraat-runtime'));
    expect(runtimeDefault.startupProbe).toEqual({
      httpGet: { path: '/healthz', port: 'http' },
      periodSeconds: 2,
      failureThreshold: 60,
    });
    expect(runtimeDefault.readinessProbe).toEqual({
      httpGet: { path: '/readyz', port: 'http' },
      periodSeconds: 5,
    });

    const rendered = await renderChart('ost', 'outputstraat', ['-f', allOptionsValues]);
    const all = docs(rendered);
    const digest = 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
    const operator = find(all, 'Deployment', 'ost-operator');
    const runtime = find(all, 'Deployment', 'ost-runtime');
    for (const d of [operator, runtime])
      expect(containerOf(d).image).toBe(`registry.example.org/outputstraat/outputstraat@${digest}`);
    expect(operator.spec!.revisionHistoryLimit).toBe(5);
    expect(runtime.spec!.revisionHistoryLimit).toBe(10);
    expect(containerOf(operator).args!.at(-1)).toBe('--watch-timeout=4m');
    expect(envOf(operator).get('HTTPS_PROXY')?.value).toBe('http://proxy.example.org:3128');
    expect(envOf(operator).has('NATS_URL')).toBe(true);
    expect(containerOf(operator).volumeMounts).toContainEqual({
      name: 'ca-bundle',
      mountPath: '/etc/ssl/corporate',
      readOnly: true,
    });
    expect(podOf(operator).volumes).toContainEqual({
      name: 'ca-bundle',
      configMap: { name: 'corporate-ca' },
    });
    expect(containerOf(operator).livenessProbe).toMatchObject({ periodSeconds: 30, timeoutSeconds: 3 });
    expect(containerOf(runtime).volumeMounts).toContainEqual({
      name: 'fonts',
      mountPath: '/usr/share/fonts/corporate',
      readOnly: true,
    });
    expect(podOf(runtime).volumes).toContainEqual({ name: 'fonts', configMap: { name: 'letter-fonts' } });
    expect(containerOf(runtime).startupProbe).toMatchObject({ periodSeconds: 5, failureThreshold: 120 });
    expect(containerOf(runtime).readinessProbe).toMatchObject({ failureThreshold: 2 });
    const out = await dryRun(rendered);
    expect(out).toContain('deployment.apps/ost-operator created (server dry run)');
    expect(out).toContain('deployment.apps/ost-runtime created (server dry run)');

    // A tag-shaped or short digest, a probe without its key and an env entry without a name are refused.
    for (const bad of [
      ['--set', 'image.digest=sha256:abc'],
      ['--set', 'image.digest=0.1.0'],
      ['--set', 'runtime.probes.startup=null'],
      ['--set', 'operator.revisionHistoryLimit=-1'],
      ['--set-json', 'operator.extraEnv=[{"value":"x"}]'],
      ['--set-json', 'runtime.extraVolumeMounts=[{"name":"x"}]'],
    ]) {
      await expect(renderChart('t', 'outputstraat', bad), bad.join(' ')).rejects.toThrow(/schema/);
    }
  });

  it('has a helm test hook: the runtime image runs files/tests/smoke.mjs with the API key from the values-named Secret', async () => {
    const rendered = await renderChart('ost', 'outputstraat', [
      '-f',
      allOptionsValues,
      '--set',
      'tests.apiKeySecret.name=woonstad-noord-smoke',
      '--set',
      'tests.timeoutSeconds=90',
    ]);
    const all = docs(rendered);
    const pod = find(all, 'Pod', 'ost-test');
    const config = find(all, 'ConfigMap', 'ost-test');
    for (const hook of [pod, config]) expect(hook.metadata.annotations?.['helm.sh/hook']).toBe('test');
    const spec = pod.spec as unknown as PodSpec & { restartPolicy: string };
    const container = spec.containers[0]!;
    expect(spec.restartPolicy).toBe('Never');
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(container.image).toBe(containerOf(find(all, 'Deployment', 'ost-runtime')).image);
    expect(spec.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    const env = new Map((container.env ?? []).map((e) => [e.name, e]));
    expect(env.get('OST_URL')?.value).toBe('http://ost-runtime.outputstraat.svc:80');
    expect(env.get('OST_API_KEY')?.valueFrom?.secretKeyRef).toEqual({
      name: 'woonstad-noord-smoke',
      key: 'apiKey',
    });
    expect(env.get('OST_TIMEOUT_SECONDS')?.value).toBe('90');
    expect(config.data!['smoke.mjs']!.trimEnd()).toBe(
      readFileSync(join(chartDir, 'files', 'tests', 'smoke.mjs'), 'utf8').trimEnd(),
    );
    expect(JSON.parse(config.data!['receivable.json']!)).toMatchObject({
      externalId: 'HELM-TEST',
      source: 'production',
    });
    // runtimeFrom names the ingress controller only: the test Pod is let in next to it.
    const policy = find(all, 'NetworkPolicy', 'ost-runtime').spec as { ingress: NetworkPolicyRule[] };
    expect(policy.ingress[0]!.from).toContainEqual({
      podSelector: {
        matchLabels: {
          'app.kubernetes.io/name': 'outputstraat',
          'app.kubernetes.io/instance': 'ost',
          'app.kubernetes.io/component': 'test',
        },
      },
    });
    const out = await dryRun(rendered);
    expect(out).toContain('pod/ost-test created (server dry run)');
    expect(out).toContain('configmap/ost-test created (server dry run)');

    const off = docs(
      await renderChart('ost', 'outputstraat', ['-f', allOptionsValues, '--set', 'tests.enabled=false']),
    );
    expect(off.filter((d) => d.metadata.name === 'ost-test')).toEqual([]);
    const offPolicy = find(off, 'NetworkPolicy', 'ost-runtime').spec as { ingress: NetworkPolicyRule[] };
    expect(offPolicy.ingress[0]!.from).toHaveLength(1);
    for (const bad of [
      ['--set', 'tests.receivable.externalId=a b'],
      ['--set', 'tests.timeoutSeconds=0'],
      ['--set', 'tests.apiKeySecret.name='],
    ]) {
      await expect(renderChart('t', 'outputstraat', bad), bad.join(' ')).rejects.toThrow(/schema/);
    }
  });

  it('ships the base library as a ConfigMap the operator applies, not as hooks, with write access to the base namespace only', async () => {
    const all = docs(
      await renderChart('outputstraat', 'outputstraat', [
        '--set',
        'baseLibrary.install=true',
        '--set',
        'baseLibrary.namespace=shared-base',
      ]),
    );
    expect(
      all.filter(
        (d) => d.metadata.annotations?.['helm.sh/hook'] && d.metadata.annotations['helm.sh/hook'] !== 'test',
      ),
    ).toEqual([]);
    const library = find(all, 'ConfigMap', 'outputstraat-base-library');
    expect(library.metadata.namespace).toBe('outputstraat');
    const shipped = readdirSync(join(chartDir, 'files', 'base')).filter((f) => f.endsWith('.yaml'));
    expect(Object.keys(library.data!).sort()).toEqual(shipped.sort());
    for (const f of shipped)
      expect(library.data![f]!.trimEnd()).toBe(
        readFileSync(join(chartDir, 'files', 'base', f), 'utf8').trimEnd(),
      );
    expect(find(all, 'Namespace', 'shared-base').metadata.labels?.['app.kubernetes.io/component']).toBe(
      'base-library',
    );
    const env = envOf(find(all, 'Deployment', 'outputstraat-operator'));
    expect(env.get('OST_BASE_LIBRARY')?.value).toBe('outputstraat/outputstraat-base-library');
    expect(env.get('OST_BASE_LIBRARY_NAMESPACE')?.value).toBe('shared-base');
    const write = find(all, 'Role', 'outputstraat-operator-base-library');
    expect(write.metadata.namespace).toBe('shared-base');
    const read = find(all, 'Role', 'outputstraat-operator-base-library-source') as Manifest & {
      rules: { resources: string[]; resourceNames: string[]; verbs: string[] }[];
    };
    expect(read.rules).toEqual([
      {
        apiGroups: [''],
        resources: ['configmaps'],
        resourceNames: ['outputstraat-base-library'],
        verbs: ['get'],
      },
    ]);
    const out = await dryRun(
      all
        .filter((d) => d.kind === 'ConfigMap' && d.metadata.name === 'outputstraat-base-library')
        .map((d) => JSON.stringify(d))
        .join('\n'),
    );
    expect(out).toContain('configmap/outputstraat-base-library created (server dry run)');
    const off = docs(await renderChart('outputstraat', 'outputstraat'));
    expect(off.some((d) => d.metadata.name === 'outputstraat-base-library')).toBe(false);
    expect(envOf(find(off, 'Deployment', 'outputstraat-operator')).has('OST_BASE_LIBRARY')).toBe(false);
  });

  it('has a generated README listing every value with its type, default and description', () => {
    const read = (file: string) => readFileSync(join(chartDir, file), 'utf8');
    const [values, schema, chart] = [read('values.yaml'), read('values.schema.json'), read('Chart.yaml')];
    expect(read('README.md')).toBe(chartReadme(values, schema, chart));
    const rows = valueRows(values, JSON.parse(schema));
    const byKey = new Map(rows.map((r) => [r.key, r]));
    expect(rows.length).toBe(byKey.size);
    for (const r of rows) expect(r.description, r.key).not.toBe('');
    expect(byKey.get('image.digest')).toEqual({
      key: 'image.digest',
      type: 'string',
      default: '""',
      description:
        'Pin the image by digest (sha256:...): the image is then repository@digest and tag is ignored.',
    });
    expect(byKey.get('operator.revisionHistoryLimit')).toMatchObject({ type: 'integer', default: '3' });
    expect(byKey.get('runtime.probes.startup')?.default).toBe(
      '{"httpGet":{"path":"/healthz","port":"http"},"periodSeconds":2,"failureThreshold":60}',
    );
    // A map the schema leaves open is one value; the first key of a map keeps its comment.
    expect(byKey.has('tests.receivable')).toBe(true);
    expect(byKey.has('tests.receivable.kind')).toBe(false);
    expect(byKey.get('crds.install')?.description).toBe(
      'Install (and upgrade) the five CustomResourceDefinitions with the release.',
    );
    // Every leaf of the values is a row: a new value without a row would fail here.
    const leaves = (value: unknown, prefix: string): string[] =>
      value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0
        ? Object.entries(value).flatMap(([k, v]) => leaves(v, `${prefix}${k}.`))
        : [prefix.slice(0, -1)];
    for (const leaf of leaves(parse(values), ''))
      expect(
        rows.some((r) => leaf === r.key || leaf.startsWith(`${r.key}.`)),
        leaf,
      ).toBe(true);
    // A changed default or comment changes the README: npm run check:chart-crds then fails.
    expect(
      chartReadme(values.replace('revisionHistoryLimit: 3', 'revisionHistoryLimit: 4'), schema, chart),
    ).not.toBe(read('README.md'));
  });

  it('ships the repository’s CRDs, read by helm exactly as our tools read crds/, kept on uninstall', async () => {
    execFileSync(
      process.execPath,
      ['--import', 'tsx', join(repoRoot, 'scripts', 'k8s', 'sync-chart-crds.ts'), '--check'],
      { cwd: repoRoot },
    );
    const rendered = docs(await renderChart('t', 'outputstraat')).filter(
      (d) => d.kind === 'CustomResourceDefinition',
    );
    const files = readdirSync(join(repoRoot, 'crds')).filter((f) => f.endsWith('.yaml'));
    expect(rendered).toHaveLength(files.length);
    for (const file of files) {
      const ours = parse(readFileSync(join(repoRoot, 'crds', file), 'utf8')) as Manifest;
      const shipped = rendered.find((d) => d.metadata.name === ours.metadata.name)!;
      expect(shipped.metadata.annotations?.['helm.sh/resource-policy']).toBe('keep');
      const { 'helm.sh/resource-policy': _keep, ...annotations } = shipped.metadata.annotations ?? {};
      const stripped = { ...shipped, metadata: { ...shipped.metadata, annotations } };
      if (Object.keys(annotations).length === 0)
        delete (stripped.metadata as { annotations?: unknown }).annotations;
      expect(stripped, file).toEqual(ours);
    }
    const notKept = docs(await renderChart('t', 'outputstraat', ['--set', 'crds.keep=false']));
    expect(
      notKept
        .filter((d) => d.kind === 'CustomResourceDefinition')
        .every((d) => !d.metadata.annotations?.['helm.sh/resource-policy']),
    ).toBe(true);
    const none = docs(await renderChart('t', 'outputstraat', ['--set', 'crds.install=false']));
    expect(none.some((d) => d.kind === 'CustomResourceDefinition')).toBe(false);
  });

  it('runs every container non-root with a read-only root filesystem, no capabilities and the runtime seccomp profile', async () => {
    const deployments = docs(await renderChart('ost', 'outputstraat', ['-f', allOptionsValues])).filter(
      (d) => d.kind === 'Deployment',
    );
    expect(deployments).toHaveLength(2);
    for (const d of deployments) {
      const pod = d.spec!.template!.spec;
      expect(pod.securityContext, d.metadata.name).toMatchObject({
        runAsNonRoot: true,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      for (const c of pod.containers) {
        expect(c.securityContext, c.name).toMatchObject({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        });
        expect(c.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
      }
      expect(pod.volumes).toContainEqual({ name: 'tmp', emptyDir: {} });
    }
    const runtime = deployments.find((d) => d.metadata.name === 'ost-runtime')!;
    expect(runtime.spec!.template!.spec.automountServiceAccountToken).toBe(false);
  });

  it('ships four Grafana dashboards for the sidecar and the alert rules as a PrometheusRule', async () => {
    const all = docs(await renderChart('ost', 'outputstraat', ['-f', allOptionsValues]));
    const dashboards = all.filter((d) => d.kind === 'ConfigMap' && !d.metadata.annotations?.['helm.sh/hook']);
    expect(dashboards.map((d) => d.metadata.name).sort()).toEqual([
      'ost-dashboard-collections-funnel',
      'ost-dashboard-collections-outcomes',
      'ost-dashboard-runtime-health',
      'ost-dashboard-street-overview',
    ]);
    for (const cm of dashboards) {
      expect(cm.metadata.labels?.grafana_dashboard).toBe('1');
      expect(cm.metadata.namespace).toBe('monitoring');
      const [json] = Object.values(cm.data ?? {});
      expect(JSON.parse(json!).panels.length).toBeGreaterThan(5);
    }
    const rule = all.find((d) => d.kind === 'PrometheusRule')!;
    const file = parse(readFileSync(join(chartDir, 'files', 'rules', 'outputstraat.rules.yaml'), 'utf8'));
    expect(rule.spec).toEqual(file);
  });

  it('logs both Deployments in to NATS by default with NATS_USER and NATS_PASSWORD, each its own user', async () => {
    const all = docs(await renderChart('outputstraat', 'outputstraat'));
    for (const [name, secret] of [
      ['outputstraat-operator', 'outputstraat-nats-operator'],
      ['outputstraat-runtime', 'outputstraat-nats'],
    ] as const) {
      const d = find(all, 'Deployment', name);
      const env = envOf(d);
      expect(natsEnvNames(d), name).toEqual(['NATS_PASSWORD', 'NATS_URL', 'NATS_USER']);
      expect(env.get('NATS_USER')?.valueFrom, name).toEqual({
        secretKeyRef: { name: secret, key: 'user' },
      });
      expect(env.get('NATS_PASSWORD')?.valueFrom, name).toEqual({
        secretKeyRef: { name: secret, key: 'password' },
      });
      expect(env.get('NATS_URL')?.value, name).toBe('nats://nats:4222');
      expect(
        podOf(d).volumes?.map((v) => v.name),
        name,
      ).toEqual(['tmp']);
    }
  });

  it('refuses to render credentials without a Secret, and TLS without its Secret, saying what to create', async () => {
    await expect(renderChart('t', 'outputstraat', ['--set', 'nats.auth.existingSecret='])).rejects.toThrow(
      /nats\.auth\.mode is userPassword but nats\.auth\.existingSecret is empty.*kubectl create secret generic outputstraat-nats --from-literal=user=\.\.\. --from-literal=password=\.\.\./,
    );
    await expect(
      renderChart('t', 'outputstraat', [
        '--set',
        'nats.auth.mode=nkey',
        '--set',
        'nats.auth.existingSecret=',
      ]),
    ).rejects.toThrow(/nats\.auth\.mode is nkey but nats\.auth\.existingSecret is empty.*nkeySeed/);
    await expect(renderChart('t', 'outputstraat', ['--set', 'nats.tls.enabled=true'])).rejects.toThrow(
      /nats\.tls\.enabled needs nats\.tls\.existingSecret/,
    );
    await expect(renderChart('t', 'outputstraat', ['--set', 'nats.auth.mode=token'])).rejects.toThrow(
      /nats\/auth\/mode/,
    );
  });

  it('mounts the NKEY seed or the .creds file read-only and points NATS_*_FILE at it; none renders no credentials', async () => {
    for (const [mode, key, variable] of [
      ['nkey', 'nkeySeed', 'NATS_NKEY_SEED_FILE'],
      ['creds', 'creds', 'NATS_CREDS_FILE'],
    ] as const) {
      const manifests = await renderChart('ost', 'outputstraat', [
        '--set',
        'fullnameOverride=ost',
        '--set',
        `nats.auth.mode=${mode}`,
        '--set',
        'nats.auth.operatorExistingSecret=ost-nats-operator',
      ]);
      const all = docs(manifests);
      for (const [name, secret] of [
        ['ost-operator', 'ost-nats-operator'],
        ['ost-runtime', 'outputstraat-nats'],
      ] as const) {
        const d = find(all, 'Deployment', name);
        expect(natsEnvNames(d), `${mode} ${name}`).toEqual([variable, 'NATS_URL'].sort());
        expect(envOf(d).get(variable)?.value).toBe(`${AUTH_DIR}/${key}`);
        expect(containerOf(d).volumeMounts).toContainEqual({
          name: 'nats-auth',
          mountPath: AUTH_DIR,
          readOnly: true,
        });
        expect(podOf(d).volumes).toContainEqual({
          name: 'nats-auth',
          secret: { secretName: secret, defaultMode: 0o444, items: [{ key, path: key }] },
        });
      }
      expect(await dryRun(manifests)).toContain('deployment.apps/ost-runtime created (server dry run)');
    }
    const none = docs(await renderChart('ost', 'outputstraat', ['--set', 'nats.auth.mode=none']));
    for (const d of none.filter((m) => m.kind === 'Deployment')) {
      expect(natsEnvNames(d), d.metadata.name).toEqual(['NATS_URL']);
      expect(
        podOf(d).volumes?.map((v) => v.name),
        d.metadata.name,
      ).toEqual(['tmp']);
    }
    // nats.auth.existingSecret may be empty when nothing reads it.
    await renderChart('ost', 'outputstraat', [
      '--set',
      'nats.auth.mode=none',
      '--set',
      'nats.auth.existingSecret=',
    ]);
  });

  it('mounts the NATS CA (and for mutual TLS the client certificate) and sets NATS_TLS_*', async () => {
    const caOnly = docs(
      await renderChart('ost', 'outputstraat', [
        '--set',
        'nats.tls.enabled=true',
        '--set',
        'nats.tls.existingSecret=nats-ca',
      ]),
    );
    const mutual = docs(
      await renderChart('ost', 'outputstraat', [
        '--set',
        'nats.tls.enabled=true',
        '--set',
        'nats.tls.existingSecret=nats-client-tls',
        '--set',
        'nats.tls.mutual=true',
      ]),
    );
    for (const d of caOnly.filter((m) => m.kind === 'Deployment')) {
      expect(natsEnvNames(d)).toEqual(['NATS_PASSWORD', 'NATS_TLS_CA_FILE', 'NATS_URL', 'NATS_USER']);
      expect(envOf(d).get('NATS_TLS_CA_FILE')?.value).toBe(`${TLS_DIR}/ca.crt`);
      expect(containerOf(d).volumeMounts).toContainEqual({
        name: 'nats-tls',
        mountPath: TLS_DIR,
        readOnly: true,
      });
      expect(podOf(d).volumes).toContainEqual({
        name: 'nats-tls',
        secret: { secretName: 'nats-ca', defaultMode: 0o444, items: [{ key: 'ca.crt', path: 'ca.crt' }] },
      });
    }
    for (const d of mutual.filter((m) => m.kind === 'Deployment')) {
      const env = envOf(d);
      expect(env.get('NATS_TLS_CA_FILE')?.value).toBe(`${TLS_DIR}/ca.crt`);
      expect(env.get('NATS_TLS_CERT_FILE')?.value).toBe(`${TLS_DIR}/tls.crt`);
      expect(env.get('NATS_TLS_KEY_FILE')?.value).toBe(`${TLS_DIR}/tls.key`);
      expect(
        podOf(d)
          .volumes?.find((v) => v.name === 'nats-tls')
          ?.secret?.items?.map((i) => i.key),
      ).toEqual(['ca.crt', 'tls.crt', 'tls.key']);
    }
  });

  it('serves the runtime metrics on their own port and Service, scraped by the ServiceMonitors on port metrics', async () => {
    const all = docs(await renderChart('ost', 'outputstraat', ['-f', allOptionsValues]));
    const runtime = find(all, 'Deployment', 'ost-runtime');
    expect(containerOf(runtime).ports).toEqual([
      { name: 'http', containerPort: 8080 },
      { name: 'metrics', containerPort: 9465 },
    ]);
    expect(envOf(runtime).get('METRICS_PORT')?.value).toBe('9465');
    // Probes stay on the HTTP port; only /metrics and /openapi.json moved.
    expect(JSON.stringify(containerOf(runtime))).not.toMatch(/"port":"metrics"/);
    const httpService = find(all, 'Service', 'ost-runtime');
    expect(httpService.spec?.ports).toEqual([{ name: 'http', port: 80, targetPort: 'http' }]);
    const metricsService = find(all, 'Service', 'ost-runtime-metrics');
    expect(metricsService.spec).toMatchObject({
      type: 'ClusterIP',
      ports: [{ name: 'metrics', port: 9465, targetPort: 'metrics' }],
    });
    const operatorService = find(all, 'Service', 'ost-operator-metrics');
    expect(operatorService.spec?.ports).toEqual([{ name: 'metrics', port: 8081, targetPort: 'metrics' }]);
    for (const [component, service] of [
      ['runtime', metricsService],
      ['operator', operatorService],
    ] as const) {
      const monitor = find(all, 'ServiceMonitor', `ost-${component}`);
      const spec = monitor.spec as {
        selector: { matchLabels: Record<string, string> };
        endpoints: unknown[];
      };
      expect(spec.endpoints).toEqual([{ port: 'metrics', path: '/metrics', interval: '15s' }]);
      expect(service.metadata.labels).toMatchObject(spec.selector.matchLabels);
    }
    // The NetworkPolicy lets metricsFrom (and only it) reach the metrics port.
    const policy = find(all, 'NetworkPolicy', 'ost-runtime').spec as { ingress: NetworkPolicyRule[] };
    const monitoring = [
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } },
    ];
    expect(policy.ingress).toEqual([
      {
        ports: [{ port: 8080 }],
        from: [
          { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } },
          {
            podSelector: {
              matchLabels: {
                'app.kubernetes.io/name': 'outputstraat',
                'app.kubernetes.io/instance': 'ost',
                'app.kubernetes.io/component': 'test',
              },
            },
          },
        ],
      },
      { ports: [{ port: 9465 }], from: monitoring },
    ]);
    const operatorPolicy = find(all, 'NetworkPolicy', 'ost-operator').spec as {
      ingress: NetworkPolicyRule[];
    };
    expect(operatorPolicy.ingress).toEqual([{ ports: [{ port: 8081 }], from: monitoring }]);
  });

  it('puts NetworkPolicies on both Deployments by default: HTTP open, metrics closed, egress to what each needs', async () => {
    const all = docs(await renderChart('outputstraat', 'outputstraat'));
    const runtime = find(all, 'NetworkPolicy', 'outputstraat-runtime').spec as {
      podSelector: unknown;
      policyTypes: string[];
      ingress: NetworkPolicyRule[];
      egress: NetworkPolicyRule[];
    };
    const operator = find(all, 'NetworkPolicy', 'outputstraat-operator').spec as typeof runtime;
    for (const policy of [runtime, operator]) expect(policy.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(runtime.podSelector).toEqual({
      matchLabels: {
        'app.kubernetes.io/name': 'outputstraat',
        'app.kubernetes.io/instance': 'outputstraat',
        'app.kubernetes.io/component': 'runtime',
      },
    });
    // HTTP from anywhere (runtimeFrom empty); the metrics port from nowhere (metricsFrom empty).
    expect(runtime.ingress).toEqual([{ ports: [{ port: 8080 }] }]);
    expect(operator.ingress).toEqual([]);
    const dns = {
      ports: [
        { port: 53, protocol: 'UDP' },
        { port: 53, protocol: 'TCP' },
      ],
    };
    expect(runtime.egress).toEqual([
      dns,
      { ports: [{ port: 4222 }] },
      { ports: [{ port: 5432 }] },
      { ports: [25, 465, 587, 443, 22].map((port) => ({ port })) },
    ]);
    expect(operator.egress).toEqual([
      dns,
      { ports: [{ port: 443 }, { port: 6443 }] },
      { ports: [{ port: 4222 }] },
    ]);
    const off = docs(
      await renderChart('outputstraat', 'outputstraat', ['--set', 'networkPolicy.enabled=false']),
    );
    expect(off.some((d) => d.kind === 'NetworkPolicy')).toBe(false);
  });
});

// docs/operations.md, "The NATS server: users and permissions": its authorization block, as written, on a
// real nats-server, with the operator's and the runtime's own NATS code. Each can do its work; the
// runtime's user cannot write the bundles bucket; without the lines that create and update its streams
// and consumers (the hardening the docs describe) an already set-up runtime still starts.
describe('the NATS users and permissions in docs/operations.md', () => {
  const PASSWORDS = { OST_OPERATOR_PASSWORD: 'operator-secret', OST_RUNTIME_PASSWORD: 'runtime-secret' };
  const documented = /```conf\n(authorization \{[\s\S]*?\n\})\n```/.exec(
    readFileSync(join(repoRoot, 'docs', 'operations.md'), 'utf8'),
  )?.[1];
  const setupLine = /\$JS\.API\.(STREAM|CONSUMER)\.(CREATE|UPDATE)\.OST_/;
  const log = createLogger('chart-test', 'silent');
  const storeDir = mkdtempSync(join(tmpdir(), 'ost-nats-auth-'));
  let server: ChildProcess | undefined;
  let url = '';
  const connections: NatsConnection[] = [];

  /** nats-server with `authorization` on a fresh port; the JetStream store stays across restarts. */
  async function startServer(authorization: string): Promise<void> {
    const port = await freePort();
    const config = join(storeDir, 'nats-server.conf');
    const jetstreamBlock = `jetstream {\n  store_dir: "${join(storeDir, 'jetstream')}"\n  sync_interval: always\n}`;
    writeFileSync(config, `host: "127.0.0.1"\nport: ${port}\n${jetstreamBlock}\n${authorization}\n`);
    const child = spawn(findNatsServer(), ['-c', config], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, ...PASSWORDS },
    });
    let output = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      output = (output + chunk).slice(-4_000);
    });
    server = child;
    process.once('exit', () => child.kill('SIGKILL'));
    url = `nats://127.0.0.1:${port}`;
    await waitFor(
      'nats-server with the documented users',
      async () => {
        if (child.exitCode !== null) throw new Error(`nats-server exited: ${output}`);
        await (await connect({ servers: url, user: 'outputstraat-runtime', pass: 'runtime-secret' })).close();
        return true;
      },
      10_000,
      100,
    );
  }

  async function stopServer(): Promise<void> {
    await Promise.all(connections.splice(0).map((nc) => nc.close().catch(() => {})));
    if (server && server.exitCode === null) {
      const exited = once(server, 'exit');
      server.kill('SIGTERM');
      await exited;
    }
    server = undefined;
  }

  async function login(as: 'operator' | 'runtime'): Promise<NatsConnection> {
    const nc = await connect({
      servers: url,
      user: `outputstraat-${as}`,
      pass: as === 'operator' ? PASSWORDS.OST_OPERATOR_PASSWORD : PASSWORDS.OST_RUNTIME_PASSWORD,
    });
    connections.push(nc);
    return nc;
  }

  const bundle = (revision: string) =>
    ({ corporation: { id: 'woonstad-noord' }, revision }) as unknown as ConfigBundle;

  afterAll(async () => {
    await stopServer();
    rmSync(storeDir, { recursive: true, force: true });
  }, 30_000);

  it('lets the operator publish bundles and the runtime do its work, and refuses the runtime every write to the bundles', async () => {
    expect(documented, 'the authorization block in docs/operations.md').toBeDefined();
    await startServer(documented!);

    // The operator's start (operator/main.ts) and its publisher.
    const op = await login('operator');
    const opJsm = await jetstreamManager(op);
    await ensureBundleBucket(opJsm);
    const opKv = await new Kvm(opJsm.jetstream()).open(BUNDLE_BUCKET);
    const publisher = new BundlePublisher(opKv, log);
    expect(await publisher.publish(bundle('r1'))).toBe('published');
    expect(await publisher.publish(bundle('r1'))).toBe('unchanged');
    expect(await publisher.publishedCorporations()).toEqual(['woonstad-noord']);

    // The runtime's start (runtime/start-runtime.ts) and its bundle store's watch, keys and get.
    const rt = await login('runtime');
    const rtJsm = await jetstreamManager(rt);
    await ensureStreams(rtJsm);
    await ensureRuntimeConsumers(rtJsm);
    const js = jetstream(rt);
    const kv = await new Kvm(js).open(BUNDLE_BUCKET);
    const seen: KvEntry[] = [];
    const watch = await kv.watch({ key: 'corp.>', include: KvWatchInclude.UpdatesOnly });
    void (async () => {
      for await (const entry of watch) seen.push(entry);
    })();
    const keys: string[] = [];
    for await (const key of await kv.keys('corp.>')) keys.push(key);
    expect(keys).toEqual(['corp.woonstad-noord']);
    expect((await kv.get('corp.woonstad-noord'))?.json<{ revision: string }>().revision).toBe('r1');
    await publisher.publish(bundle('r2'));
    await waitFor('the runtime to see revision r2', () =>
      seen.some((e) => e.json<{ revision: string }>().revision === 'r2'),
    );

    // Ingress, scheduler, intake and dispatch workers, metrics sampler.
    await js.publish(intakeSubject('woonstad-noord'), '{}', { msgID: 'WN-1' });
    await js.publish(dispatchSubject('woonstad-noord', 'email'), '{}');
    await js.publish('ost.events.woonstad-noord.message.sent', '{}');
    for (const [stream, consumer] of [
      [INTAKE_STREAM, INTAKE_CONSUMER],
      [DISPATCH_STREAM, dispatchConsumerName('email')],
    ] as const) {
      const message = await (await js.consumers.get(stream, consumer)).next({ expires: 5_000 });
      expect(message, `${stream}/${consumer}`).not.toBeNull();
      message!.working();
      expect(await message!.ackAck()).toBe(true);
      expect((await rtJsm.consumers.info(stream, consumer)).num_ack_pending).toBe(0);
    }

    // Every way to change the bucket, refused to the runtime's user.
    const refused = /Permissions Violation/;
    await expect(kv.put('corp.woonstad-noord', '{"revision":"forged"}')).rejects.toThrow(refused);
    await expect(kv.create('corp.other', '{}')).rejects.toThrow(refused);
    await expect(kv.delete('corp.woonstad-noord')).rejects.toThrow(refused);
    await expect(kv.purge('corp.woonstad-noord')).rejects.toThrow(refused);
    await expect(js.publish('$KV.outputstraat-bundles.corp.woonstad-noord', '{}')).rejects.toThrow(refused);
    await expect(rtJsm.streams.purge(`KV_${BUNDLE_BUCKET}`)).rejects.toThrow(refused);
    await expect(rtJsm.streams.deleteMessage(`KV_${BUNDLE_BUCKET}`, 1)).rejects.toThrow(refused);
    await expect(rtJsm.streams.update(`KV_${BUNDLE_BUCKET}`, { max_msgs_per_subject: 1 })).rejects.toThrow(
      refused,
    );
    await expect(rtJsm.streams.delete(`KV_${BUNDLE_BUCKET}`)).rejects.toThrow(refused);
    await expect(rtJsm.streams.add({ name: 'OTHER', subjects: ['other.>'] })).rejects.toThrow(refused);
    // …and the street's queues to the operator's.
    await expect(jetstream(op).publish(intakeSubject('woonstad-noord'), '{}')).rejects.toThrow(refused);
    expect((await publisher.current('woonstad-noord'))?.revision).toBe('r2');
    watch.stop();
  });

  // Continues on the store the test above set up: streams, consumers and the bucket exist.
  it('starts a set-up runtime without the lines that create and update its streams and consumers', async () => {
    const strict = documented!
      .split('\n')
      .filter((line) => !setupLine.test(line))
      .join('\n');
    expect(documented!.split('\n').length - strict.split('\n').length).toBe(3);
    await stopServer();
    await startServer(strict);
    const rt = await login('runtime');
    const rtJsm = await jetstreamManager(rt);
    await ensureStreams(rtJsm);
    await ensureRuntimeConsumers(rtJsm);
    const kv = await new Kvm(jetstream(rt)).open(BUNDLE_BUCKET);
    expect((await kv.get('corp.woonstad-noord'))?.json<{ revision: string }>().revision).toBe('r2');
    // The republish route into the bucket that the docs call the remaining gap is closed.
    const events = (await rtJsm.streams.info(EVENTS_STREAM)).config;
    await expect(
      rtJsm.streams.update(EVENTS_STREAM, {
        ...events,
        republish: { src: 'ost.events.*', dest: '$KV.outputstraat-bundles.corp.{{wildcard(1)}}' },
      }),
    ).rejects.toThrow(/Permissions Violation/);
    // The operator retires the bundle as before.
    const opKv = await new Kvm(jetstream(await login('operator'))).open(BUNDLE_BUCKET);
    expect(await new BundlePublisher(opKv, log).retire('woonstad-noord')).toBe(true);
  });
});
