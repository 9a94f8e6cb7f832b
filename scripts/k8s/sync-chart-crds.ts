// Copies crds/*.yaml into charts/outputstraat/files/crds/ for the Helm chart, with the
// `helm.sh/resource-policy: keep` annotation added. The copies are written for YAML 1.1 readers
// (helm, kubectl, Argo CD, Flux): a key such as `on` is quoted, so they read exactly what our own
// YAML 1.2 tools read from crds/. `--check` fails when the copies are out of date (CI).
//   npx tsx scripts/k8s/sync-chart-crds.ts [--check]
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Document, parse } from 'yaml';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const source = join(root, 'crds');
const target = join(root, 'charts', 'outputstraat', 'files', 'crds');
export const KEEP_ANNOTATION = 'helm.sh/resource-policy';

/** The chart's copy of one CRD file. */
export function chartCrd(file: string, text: string): string {
  const crd = parse(text) as { metadata: { annotations?: Record<string, string> } };
  crd.metadata.annotations = { ...crd.metadata.annotations, [KEEP_ANNOTATION]: 'keep' };
  const doc = new Document(crd, { version: '1.1' });
  const body = doc.toString({ lineWidth: 0, indentSeq: true });
  return `# Generated from crds/${file} by scripts/k8s/sync-chart-crds.ts; edit crds/${file} instead.\n${body}`;
}

const check = process.argv.includes('--check');
let stale = 0;
for (const file of readdirSync(source)
  .filter((f) => f.endsWith('.yaml'))
  .sort()) {
  const wanted = chartCrd(file, readFileSync(join(source, file), 'utf8'));
  const path = join(target, file);
  let current = '';
  try {
    current = readFileSync(path, 'utf8');
  } catch {
    // missing: written below, or reported in --check
  }
  if (current === wanted) continue;
  stale++;
  if (check) console.error(`charts/outputstraat/files/crds/${file} is out of date with crds/${file}`);
  else writeFileSync(path, wanted);
}
if (check && stale > 0) {
  console.error('run `npx tsx scripts/k8s/sync-chart-crds.ts` and commit the result');
  process.exit(1);
}
console.log(check ? 'chart CRDs are up to date' : `chart CRDs written (${stale} changed)`);
