// Reads YAML manifests from files and folders: our five kinds, plus Namespace (a folder's namespace.yaml
// names the namespace of the files beside it) and Secret (credentials for the local street). Every
// resource keeps its file and line so errors can point at them.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { LineCounter, parseAllDocuments } from 'yaml';
import { createError, formatLocation, type OutputstraatError } from '../../core/errors/index.js';
import { API_GROUP, isKind, keyPathOf, type Resource } from '../../core/resources/kinds.js';

export interface SecretManifest {
  namespace: string;
  name: string;
  data: Record<string, string>;
}

export interface ReadResult {
  resources: Resource[];
  secrets: SecretManifest[];
  errors: OutputstraatError[];
  files: string[];
}

const IGNORED_FILES = new Set(['kustomization.yaml', 'kustomization.yml']);

export function listYamlFiles(paths: string[]): string[] {
  const files: string[] = [];
  const visit = (p: string) => {
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const entry of readdirSync(p).sort()) {
        if (entry.startsWith('.') || entry === 'node_modules') continue;
        visit(join(p, entry));
      }
    } else if (/\.ya?ml$/.test(p) && !IGNORED_FILES.has(basename(p)) && !p.endsWith('.test.yaml')) {
      files.push(p);
    }
  };
  for (const p of paths) visit(p);
  return files;
}

function folderNamespace(file: string, cache: Map<string, string | null>): string | undefined {
  let dir = dirname(file);
  for (;;) {
    if (!cache.has(dir)) {
      let ns: string | null = null;
      for (const name of ['namespace.yaml', 'namespace.yml']) {
        try {
          const doc = parseAllDocuments(readFileSync(join(dir, name), 'utf8'))[0]?.toJS();
          if (doc?.kind === 'Namespace' && typeof doc.metadata?.name === 'string') ns = doc.metadata.name;
        } catch {
          // no namespace file here
        }
      }
      cache.set(dir, ns);
    }
    const found = cache.get(dir);
    if (found) return found;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export function readResourceFiles(paths: string[], cwd = process.cwd()): ReadResult {
  const result: ReadResult = { resources: [], secrets: [], errors: [], files: [] };
  const nsCache = new Map<string, string | null>();
  for (const path of listYamlFiles(paths)) {
    const file = relative(cwd, path) || path;
    result.files.push(file);
    const lineCounter = new LineCounter();
    const docs = parseAllDocuments(readFileSync(path, 'utf8'), { lineCounter });
    for (const doc of docs) {
      const docLine = lineCounter.linePos(doc.range[0]).line;
      if (doc.errors.length > 0) {
        const e = doc.errors[0]!;
        const line = e.linePos?.[0]?.line ?? docLine;
        result.errors.push(
          createError('OST_ERR_RESOURCE_PARSE', [`${file}:${line}`, e.message.split('\n')[0]], {
            location: { file, line },
          }),
        );
        continue;
      }
      const obj = doc.toJS();
      if (obj === null || obj === undefined) continue;
      if (typeof obj !== 'object' || Array.isArray(obj)) {
        result.errors.push(
          createError('OST_ERR_RESOURCE_PARSE', [`${file}:${docLine}`, 'a document must be a mapping'], {
            location: { file, line: docLine },
          }),
        );
        continue;
      }
      const lineOf = (fieldPath: string) => {
        const keys = keyPathOf(fieldPath);
        while (keys.length > 0) {
          const node = doc.getIn(keys, true) as { range?: [number, number, number] } | undefined;
          if (node?.range) return lineCounter.linePos(node.range[0]).line;
          keys.pop();
        }
        return undefined;
      };
      const namespace: string | undefined = obj.metadata?.namespace ?? folderNamespace(path, nsCache);
      const apiVersion = String(obj.apiVersion ?? '');
      if (obj.kind === 'Namespace') continue;
      if (obj.kind === 'Secret' && apiVersion === 'v1') {
        if (namespace) {
          const data: Record<string, string> = {};
          for (const [k, v] of Object.entries(obj.data ?? {}))
            data[k] = Buffer.from(String(v), 'base64').toString();
          for (const [k, v] of Object.entries(obj.stringData ?? {})) data[k] = String(v);
          result.secrets.push({ namespace, name: String(obj.metadata?.name), data });
        }
        continue;
      }
      if (!apiVersion.startsWith(`${API_GROUP}/`)) continue; // other manifests (Deployments, ...) are not ours
      if (!isKind(obj.kind)) {
        const location = {
          file,
          line: lineOf('kind') ?? docLine,
          resource: `${String(obj.kind)} ${obj.metadata?.name ?? '<no name>'}`,
          field: 'kind',
        };
        result.errors.push(
          createError('OST_ERR_RESOURCE_KIND', [formatLocation(location), JSON.stringify(obj.kind)], {
            location,
          }),
        );
        continue;
      }
      const name = obj.metadata?.name;
      const resourceLabel = `${obj.kind} ${name ?? '<no name>'}`;
      if (typeof name !== 'string' || name === '') {
        result.errors.push(
          createError(
            'OST_ERR_RESOURCE_SCHEMA',
            [`${file}:${docLine} ${resourceLabel} metadata.name`, 'is required'],
            {
              location: { file, line: docLine, resource: resourceLabel, field: 'metadata.name' },
            },
          ),
        );
        continue;
      }
      if (!namespace) {
        result.errors.push(
          createError('OST_ERR_RESOURCE_NAMESPACE', [`${file}:${docLine}`, resourceLabel], {
            location: { file, line: docLine, resource: resourceLabel, field: 'metadata.namespace' },
          }),
        );
        continue;
      }
      result.resources.push({
        apiVersion,
        kind: obj.kind,
        metadata: { ...obj.metadata, name, namespace },
        spec: obj.spec,
        origin: { file, line: docLine, lineOf },
      } as Resource);
    }
  }
  return result;
}
