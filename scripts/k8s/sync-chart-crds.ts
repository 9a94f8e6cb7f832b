// Copies crds/*.yaml into charts/outputstraat/files/crds/ for the Helm chart, with the
// `helm.sh/resource-policy: keep` annotation added, and the base library's resources (flows/, without
// flow tests, test receivables and the Namespace, which the chart makes) into files/base/, so
// `helm install --set baseLibrary.install=true` gives a street with flows, and the chart's README
// (scripts/k8s/chart-readme.ts). The copies are written for
// YAML 1.1 readers (helm, kubectl, Argo CD, Flux): a key such as `on` is quoted, so they read exactly
// what our own YAML 1.2 tools read. `--check` fails when the copies are out of date (CI).
//   npx tsx scripts/k8s/sync-chart-crds.ts [--check]
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Document, parse, parseAllDocuments } from 'yaml';
import { chartReadme } from './chart-readme.js';

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

/**
 * The chart's copy of one base-library file: one resource per file (helm's fromYaml reads one
 * document), named after its kind and name, without `metadata.namespace` (the chart sets it).
 */
export function chartBaseFiles(file: string, text: string): { name: string; text: string }[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as { kind?: string; metadata?: { name?: string; namespace?: string } } | null)
    .filter((r) => r?.kind && r.kind !== 'Namespace' && r.metadata?.name)
    .map((r) => {
      const { namespace: _dropped, ...metadata } = r!.metadata!;
      const body = new Document({ ...r, metadata }, { version: '1.1' }).toString({
        lineWidth: 0,
        indentSeq: true,
      });
      return {
        name: `${r!.kind!.toLowerCase()}-${metadata.name}.yaml`,
        text: `# Generated from flows/${file} by scripts/k8s/sync-chart-crds.ts; edit flows/${file} instead.\n${body}`,
      };
    });
}

function baseLibraryFiles(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'test-receivables') walk(path);
      } else if (entry.name.endsWith('.yaml') && !entry.name.endsWith('.test.yaml')) {
        for (const f of chartBaseFiles(relative(dir, path), readFileSync(path, 'utf8'))) {
          if (files.has(f.name)) throw new Error(`two base-library resources would be ${f.name}`);
          files.set(f.name, f.text);
        }
      }
    }
  };
  walk(dir);
  return files;
}

const check = process.argv.includes('--check');
let stale = 0;
const readOrEmpty = (path: string) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return ''; // missing: written below, or reported in --check
  }
};
for (const file of readdirSync(source)
  .filter((f) => f.endsWith('.yaml'))
  .sort()) {
  const wanted = chartCrd(file, readFileSync(join(source, file), 'utf8'));
  const path = join(target, file);
  if (readOrEmpty(path) === wanted) continue;
  stale++;
  if (check) console.error(`charts/outputstraat/files/crds/${file} is out of date with crds/${file}`);
  else writeFileSync(path, wanted);
}
const baseTarget = join(root, 'charts', 'outputstraat', 'files', 'base');
const base = baseLibraryFiles(join(root, 'flows'));
mkdirSync(baseTarget, { recursive: true });
for (const file of readdirSync(baseTarget)) {
  if (base.has(file)) continue;
  stale++;
  if (check) console.error(`charts/outputstraat/files/base/${file} is no longer in flows/`);
  else rmSync(join(baseTarget, file));
}
for (const [file, wanted] of base) {
  if (readOrEmpty(join(baseTarget, file)) === wanted) continue;
  stale++;
  if (check) console.error(`charts/outputstraat/files/base/${file} is out of date with flows/`);
  else writeFileSync(join(baseTarget, file), wanted);
}
const chartRoot = join(root, 'charts', 'outputstraat');
const readme = chartReadme(
  readFileSync(join(chartRoot, 'values.yaml'), 'utf8'),
  readFileSync(join(chartRoot, 'values.schema.json'), 'utf8'),
  readFileSync(join(chartRoot, 'Chart.yaml'), 'utf8'),
);
if (readOrEmpty(join(chartRoot, 'README.md')) !== readme) {
  stale++;
  if (check)
    console.error('charts/outputstraat/README.md is out of date with values.yaml and values.schema.json');
  else writeFileSync(join(chartRoot, 'README.md'), readme);
}
if (check && stale > 0) {
  console.error('run `npm run chart:crds` and commit the result');
  process.exit(1);
}
console.log(
  check
    ? 'chart CRDs, base library and README are up to date'
    : `chart CRDs, base library and README written (${stale} changed)`,
);
