// Writes docs/crd-reference.md — every field of the five resources, from the CRD schemas in crds/ (the
// same files the apiserver validates with); `--check` fails when the committed page is stale.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';

interface Schema {
  type?: string;
  description?: string;
  enum?: unknown[];
  default?: unknown;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  required?: string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  additionalProperties?: Schema | boolean;
  'x-kubernetes-validations'?: { rule: string; message?: string }[];
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
}

interface Crd {
  spec: {
    group: string;
    names: { kind: string; plural: string; shortNames?: string[] };
    scope: string;
    versions: { name: string; schema: { openAPIV3Schema: Schema } }[];
  };
}

const crdDir = new URL('../crds/', import.meta.url);
const out = new URL('../docs/crd-reference.md', import.meta.url);

const cell = (text: string) => text.replace(/\s+/g, ' ').replace(/\|/g, '\\|').trim();
const code = (value: unknown) => `\`${typeof value === 'string' ? value : JSON.stringify(value)}\``;

function typeOf(s: Schema): string {
  if (s['x-kubernetes-int-or-string']) return 'integer or string';
  if (s.type === 'array') return `array of ${s.items ? typeOf(s.items) : 'any'}`;
  if (s.type === 'object' && s.additionalProperties && typeof s.additionalProperties === 'object') {
    return `map of ${typeOf(s.additionalProperties)}`;
  }
  return s.type ?? 'any';
}

function constraints(s: Schema): string[] {
  const c: string[] = [];
  if (s.enum) c.push(`one of ${s.enum.map(code).join(', ')}`);
  if (s.default !== undefined) c.push(`default ${code(s.default)}`);
  if (s.format) c.push(`format ${s.format}`);
  if (s.pattern) c.push(`pattern ${code(s.pattern)}`);
  if (s.minimum !== undefined) c.push(`≥ ${s.minimum}`);
  if (s.maximum !== undefined) c.push(`≤ ${s.maximum}`);
  if (s.minLength !== undefined) c.push(`at least ${s.minLength} characters`);
  if (s.maxLength !== undefined) c.push(`at most ${s.maxLength} characters`);
  if (s.minItems !== undefined) c.push(`at least ${s.minItems} items`);
  if (s.maxItems !== undefined) c.push(`at most ${s.maxItems} items`);
  for (const v of s['x-kubernetes-validations'] ?? []) c.push(`rule: ${v.message ?? code(v.rule)}`);
  return c;
}

/** One table row per field, depth first, with its path from the resource's root. */
function rows(path: string, s: Schema, required: boolean, acc: string[]): string[] {
  const c = constraints(s);
  const details = [s.description ?? '', c.length > 0 ? `(${c.join('; ')})` : ''].filter(Boolean).join(' ');
  acc.push(`| \`${path}\` | ${typeOf(s)} | ${required ? 'yes' : ''} | ${cell(details)} |`);
  const child = s.type === 'array' ? s.items : s;
  const prefix = s.type === 'array' ? `${path}[]` : path;
  for (const [name, sub] of Object.entries(child?.properties ?? {})) {
    rows(`${prefix}.${name}`, sub, child?.required?.includes(name) ?? false, acc);
  }
  if (child?.additionalProperties && typeof child.additionalProperties === 'object') {
    const sub = child.additionalProperties;
    if (sub.properties)
      for (const [n, f] of Object.entries(sub.properties)) rows(`${prefix}.*.${n}`, f, false, acc);
  }
  return acc;
}

function section(crd: Crd): string {
  const { group, names, scope, versions } = crd.spec;
  const parts: string[] = [];
  for (const version of versions) {
    const root = version.schema.openAPIV3Schema;
    const acc: string[] = [];
    for (const top of ['spec', 'status'] as const) {
      const s = root.properties?.[top];
      if (s) rows(top, s, root.required?.includes(top) ?? false, acc);
    }
    parts.push(
      `## ${names.kind}

\`${group}/${version.name}\`, ${scope.toLowerCase()}; \`kubectl get ${names.plural}\`${
        names.shortNames?.length ? ` (short: ${names.shortNames.map(code).join(', ')})` : ''
      }.

${cell(root.description ?? '')}

| field | type | required | what it is |
| --- | --- | --- | --- |
${acc.join('\n')}
`,
    );
  }
  return parts.join('\n');
}

const crds = readdirSync(crdDir)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((f) => parse(readFileSync(new URL(f, crdDir), 'utf8')) as Crd)
  .sort((a, b) => a.spec.names.kind.localeCompare(b.spec.names.kind));

const text = `# Resource reference

Every field of the five resources a corporation declares, generated from the CustomResourceDefinitions in
\`crds/\` (the schemas the apiserver and \`outputstraat validate\` check) by \`npm run generate\`;
\`npm run check:generated\` fails in CI when a CRD changes without this page. Paths are written from the
resource's root; \`[]\` is an item of a list, \`*\` a key of a map. Rules (\`x-kubernetes-validations\`)
are shown with the message the apiserver gives. How the resources work together: [gitops.md](gitops.md),
[flows/README.md](../flows/README.md).

${crds.map((c) => `- [${c.spec.names.kind}](#${c.spec.names.kind.toLowerCase()})`).join('\n')}

${crds.map(section).join('\n')}`;

if (process.argv.includes('--check')) {
  let committed = '';
  try {
    committed = readFileSync(out, 'utf8');
  } catch {}
  if (committed !== text) {
    console.error('docs/crd-reference.md is out of date with crds/: run `npm run generate` and commit');
    process.exit(1);
  }
  console.log('docs/crd-reference.md is up to date');
} else {
  writeFileSync(out, text);
  console.log('wrote docs/crd-reference.md');
}
