// The namespace of a test file's folder: the nearest namespace.yaml (kind Namespace) above it, the same
// rule operator/sources/read-resource-files.ts applies to resources.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';

function namespaceFileIn(dir: string): string | undefined {
  for (const name of ['namespace.yaml', 'namespace.yml']) {
    let text: string;
    try {
      text = readFileSync(join(dir, name), 'utf8');
    } catch {
      continue;
    }
    const doc = parseAllDocuments(text)[0]?.toJS() as
      | { kind?: unknown; metadata?: { name?: unknown } }
      | undefined;
    if (doc?.kind === 'Namespace' && typeof doc.metadata?.name === 'string') return doc.metadata.name;
  }
  return undefined;
}

export function folderNamespace(
  file: string,
  cache = new Map<string, string | undefined>(),
): string | undefined {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    if (!cache.has(dir)) cache.set(dir, namespaceFileIn(dir));
    const found = cache.get(dir);
    if (found) return found;
    if (dirname(dir) === dir) return undefined;
  }
}
