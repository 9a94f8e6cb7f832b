// kubectl (built by scripts/k8s/build-tools.sh) against a test control plane, and the manifest helpers
// the suites share: CRDs from crds/, namespaces first, then resources.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { listYamlFiles } from '../../../operator/sources/read-resource-files.js';
import { kubeToolPath } from '../../support/kube-control-plane.js';
import { waitFor } from './wait.js';

export const repoRoot = resolve(import.meta.dirname, '..', '..', '..');

export interface KubectlOptions {
  input?: string;
  /** Act as this user (impersonation through the admin's system:masters rights). */
  as?: string;
  asGroups?: string[];
}

export function kubectl(kubeconfig: string, args: string[], options: KubectlOptions = {}): Promise<string> {
  const full = [`--kubeconfig=${kubeconfig}`, '--request-timeout=20s', ...args];
  if (options.as) full.push(`--as=${options.as}`);
  for (const g of options.asGroups ?? []) full.push(`--as-group=${g}`);
  return new Promise((resolvePromise, reject) => {
    const child = execFile(
      kubeToolPath('kubectl'),
      full,
      { maxBuffer: 64 * 1024 * 1024, cwd: repoRoot },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`kubectl ${args.join(' ')} failed: ${stderr.trim() || error.message}`));
        else resolvePromise(stdout);
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** `kubectl apply -f crds/` and wait until every CRD is Established. */
export async function installCrds(kubeconfig: string, dir = join(repoRoot, 'crds')): Promise<string> {
  const out = await kubectl(kubeconfig, ['apply', '-f', dir]);
  await kubectl(kubeconfig, ['wait', '--for=condition=Established', '--timeout=60s', '-f', dir]);
  return out;
}

/**
 * The manifests below `paths` (the same files the directory source reads: YAML, no kustomization or
 * flow tests), parsed as the project parses them.
 */
export function readManifests(paths: string[]): Record<string, unknown>[] {
  const docs: Record<string, unknown>[] = [];
  for (const file of listYamlFiles(paths)) {
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
      const obj = doc.toJS();
      if (obj && typeof obj === 'object' && 'apiVersion' in obj && 'kind' in obj) docs.push(obj);
    }
  }
  return docs;
}

/**
 * Applies manifests the way a platform team does (`kubectl apply`), namespaces first. The documents
 * are handed to kubectl as JSON, parsed by the project's YAML 1.2 parser: kubectl's own YAML 1.1 reads
 * an unquoted `on:` key as the boolean true (see manifests-yaml.test.ts).
 */
export async function applyManifests(kubeconfig: string, docs: Record<string, unknown>[]): Promise<void> {
  const namespaces = new Set<string>();
  for (const d of docs) {
    const meta = d.metadata as { name?: string; namespace?: string } | undefined;
    if (d.kind === 'Namespace' && meta?.name) namespaces.add(meta.name);
    if (meta?.namespace) namespaces.add(meta.namespace);
  }
  const nsList = [...namespaces].map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));
  await kubectl(kubeconfig, ['apply', '-f', '-'], { input: list(nsList) });
  const rest = docs.filter((d) => d.kind !== 'Namespace');
  // The apiserver's namespace admission may not see a namespace created a moment ago: retry briefly.
  await waitFor(
    'the manifests to apply',
    async () => {
      await kubectl(kubeconfig, ['apply', '-f', '-'], { input: list(rest) });
      return true;
    },
    20_000,
    500,
  );
}

const list = (items: unknown[]) => JSON.stringify({ apiVersion: 'v1', kind: 'List', items });
