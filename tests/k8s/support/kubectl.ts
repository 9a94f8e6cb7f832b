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

/** The manifest files below `paths`: what the directory source reads (no flow tests, no kustomization). */
export const manifestFiles = (paths: string[]) => listYamlFiles(paths);

/** The documents of those files (for counting and picking resources in tests). */
export function readManifests(paths: string[]): Record<string, unknown>[] {
  const docs: Record<string, unknown>[] = [];
  for (const file of manifestFiles(paths)) {
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
      const obj = doc.toJS();
      if (obj && typeof obj === 'object' && 'apiVersion' in obj && 'kind' in obj) docs.push(obj);
    }
  }
  return docs;
}

/**
 * `kubectl apply -f <file> ...` over the manifest files below `paths`, as a platform team does it,
 * after creating the namespaces they use.
 */
export async function applyManifests(kubeconfig: string, paths: string[]): Promise<void> {
  const namespaces = new Set<string>();
  for (const d of readManifests(paths)) {
    const meta = d.metadata as { name?: string; namespace?: string } | undefined;
    if (d.kind === 'Namespace' && meta?.name) namespaces.add(meta.name);
    if (meta?.namespace) namespaces.add(meta.namespace);
  }
  const nsList = [...namespaces].map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));
  await kubectl(kubeconfig, ['apply', '-f', '-'], {
    input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: nsList }),
  });
  const files = manifestFiles(paths).flatMap((f) => ['-f', f]);
  // The apiserver's namespace admission may not see a namespace created a moment ago: retry briefly.
  await waitFor(
    'the manifests to apply',
    async () => {
      await kubectl(kubeconfig, ['apply', ...files]);
      return true;
    },
    20_000,
    500,
  );
}
