// The Helm chart: lint, render with default and with all options, and have the real apiserver accept
// the result (server-side dry run, with minimal ServiceMonitor/PrometheusRule/ScaledObject CRDs);
// its CRDs are the repository's crds/ as helm and kubectl read them; its pods run restricted.

import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { type ControlPlane, startControlPlane } from '../support/kube-control-plane.js';
import { allOptionsValues, chartDir, helm, renderChart } from './support/helm.js';
import { kubectl, repoRoot } from './support/kubectl.js';

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

interface PodSpec {
  securityContext?: unknown;
  containers: { name: string; securityContext?: unknown; volumeMounts?: unknown[] }[];
  volumes?: unknown[];
  automountServiceAccountToken?: boolean;
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

describe('Helm chart', () => {
  it('passes helm lint with default values and with every option', async () => {
    await helm(['lint', chartDir, '--strict']);
    await helm(['lint', chartDir, '--strict', '-f', allOptionsValues]);
  });

  it('renders with default values into objects the apiserver accepts', async () => {
    const out = await dryRun(await renderChart('outputstraat', 'outputstraat'));
    expect(out).toContain('deployment.apps/outputstraat-operator created (server dry run)');
    expect(out).toContain('deployment.apps/outputstraat-runtime created (server dry run)');
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

  it('ships three Grafana dashboards for the sidecar and the alert rules as a PrometheusRule', async () => {
    const all = docs(await renderChart('ost', 'outputstraat', ['-f', allOptionsValues]));
    const dashboards = all.filter((d) => d.kind === 'ConfigMap');
    expect(dashboards.map((d) => d.metadata.name).sort()).toEqual([
      'ost-dashboard-collections-funnel',
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
});
