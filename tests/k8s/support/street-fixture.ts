// The resources the Kubernetes suites apply: the real flows/ and examples/ when they compile cleanly.
// While the content of those folders is being reworked they may not; then the last committed version
// (git HEAD) is used, and the suite says so. A street that does not compile in either is an error.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileStreet } from '../../../operator/compiler/index.js';
import { readResourceFiles } from '../../../operator/sources/read-resource-files.js';
import { directorySecretResolver } from '../../../operator/sources/secret-resolver.js';
import { repoRoot } from './kubectl.js';

export interface StreetFixture {
  /** flows/ and examples/ folders to apply. */
  paths: string[];
  /** Where they come from: `working tree` or `git HEAD`. */
  source: string;
  /** Corporations (namespaces) that get a bundle. */
  corporations: string[];
  resourceCount: number;
}

function check(paths: string[]): { ok: boolean; corporations: string[]; count: number; firstError?: string } {
  const read = readResourceFiles(paths, repoRoot);
  const result = compileStreet(read.resources, { secrets: directorySecretResolver(read.secrets, {}) });
  const errors = [...read.errors, ...result.errors];
  return {
    ok: errors.length === 0 && result.bundles.length > 0,
    corporations: result.bundles.map((b) => b.corporation.id).sort(),
    count: read.resources.length,
    firstError: errors[0]?.message,
  };
}

export function streetFixture(): StreetFixture {
  const real = [join(repoRoot, 'flows'), join(repoRoot, 'examples')];
  const fromTree = check(real);
  if (fromTree.ok) {
    return {
      paths: real,
      source: 'working tree',
      corporations: fromTree.corporations,
      resourceCount: fromTree.count,
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'ost-street-'));
  execFileSync('sh', ['-c', `git -C "${repoRoot}" archive HEAD flows examples | tar -x -C "${dir}"`]);
  const paths = [join(dir, 'flows'), join(dir, 'examples')];
  const fromHead = check(paths);
  if (!fromHead.ok) {
    throw new Error(
      `neither flows/ + examples/ nor their git HEAD version compile: ${fromHead.firstError ?? 'no bundle'}`,
    );
  }
  console.warn(
    `k8s suites: flows/ and examples/ in the working tree do not compile (${fromTree.firstError}); ` +
      'using their git HEAD version',
  );
  return { paths, source: 'git HEAD', corporations: fromHead.corporations, resourceCount: fromHead.count };
}
