// kubectl, helm, Argo CD and Flux read YAML 1.1, where an unquoted `on`, `off`, `yes`, `no`, `y` or `n`
// is a boolean; our own tools read YAML 1.2, where they are strings. A manifest must mean the same to
// both: an unquoted `on: bounced` reaches the apiserver as `"true": bounced` and `kubectl apply` fails
// with `unknown field "spec.reactions[0].true"` (which is why a reaction's field is `event`, not `on`).
// Quote such keys and values.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { listYamlFiles } from '../../operator/sources/read-resource-files.js';
import { repoRoot } from './support/kubectl.js';

function differences(a: unknown, b: unknown, path: string, out: string[]): void {
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    for (const k of ka.filter((k) => !kb.includes(k))) {
      out.push(
        `${path}.${k}: the key reads as ${JSON.stringify(kb.find((x) => !ka.includes(x)))} in YAML 1.1`,
      );
    }
    for (const k of ka.filter((k) => kb.includes(k))) {
      differences((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`, out);
    }
  } else if (a !== b) {
    out.push(`${path}: ${JSON.stringify(a)} reads as ${JSON.stringify(b)} in YAML 1.1`);
  }
}

/** `file: path: what differs`, for every document below `dirs`. */
function yaml11Surprises(dirs: string[]): string[] {
  const out: string[] = [];
  for (const file of listYamlFiles(dirs.map((d) => join(repoRoot, d)))) {
    const text = readFileSync(file, 'utf8');
    const v12 = parseAllDocuments(text).map((d) => d.toJS());
    const v11 = parseAllDocuments(text, { version: '1.1' }).map((d) => d.toJS());
    const found: string[] = [];
    for (const [i, doc] of v12.entries()) differences(doc, v11[i], '', found);
    out.push(...found.map((f) => `${file.slice(repoRoot.length + 1)}: ${f}`));
  }
  return out;
}

describe('manifests read the same by kubectl and helm (YAML 1.1) as by our tools (YAML 1.2)', () => {
  it('crds/ and the chart’s copies', () => {
    expect(yaml11Surprises(['crds', 'charts/outputstraat/files/crds'])).toEqual([]);
  });

  it('flows/ and examples/', () => {
    expect(yaml11Surprises(['flows', 'examples'])).toEqual([]);
  });
});
