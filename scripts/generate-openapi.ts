// Writes the ERP API's documents from the runtime's own routes (runtime/route-catalog.ts):
//   docs/openapi.json            the OpenAPI 3.1 document (the same the runtime serves at /openapi.json)
//   docs/api-reference.md        a readable reference generated from it (scripts/openapi-reference.ts)
//   clients/typescript/schema.ts the typed client's types, by openapi-typescript from docs/openapi.json
// Refuses while a /v1 route lacks its docs block or its config.auth. `--check` writes nothing and fails
// when a committed file differs from what the routes give: run `npm run generate` and commit.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { apiRouteProblems, buildOpenApi } from '../runtime/api/index.js';
import { routeCatalog } from '../runtime/route-catalog.js';
import { apiReference } from './openapi-reference.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const files = {
  json: join(root, 'docs/openapi.json'),
  reference: join(root, 'docs/api-reference.md'),
  schema: join(root, 'clients/typescript/schema.ts'),
};

const { app, routes } = await routeCatalog();
await app.close();
const problems = apiRouteProblems(routes);
if (problems.length > 0) {
  console.error(
    `API routes that cannot be documented (runtime/api/openapi.ts says what a docs block holds):`,
  );
  for (const p of problems) console.error(`  ${p}`);
  process.exit(1);
}
const doc = buildOpenApi(routes);
const json = `${JSON.stringify(doc, null, 2)}\n`;
const reference = apiReference(doc as never);

/** openapi-typescript (the client workspace's dev dependency) over a document file. */
function schemaTypes(jsonFile: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'ost-openapi-'));
  try {
    const out = join(dir, 'schema.ts');
    execFileSync(
      'npm',
      ['exec', '--workspace', 'clients/typescript', '--', 'openapi-typescript', jsonFile, '-o', out],
      {
        cwd: root,
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    return readFileSync(out, 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv.includes('--check')) {
  const dir = mkdtempSync(join(tmpdir(), 'ost-openapi-check-'));
  const fresh = join(dir, 'openapi.json');
  writeFileSync(fresh, json);
  const expected = { json, reference, schema: schemaTypes(fresh) };
  rmSync(dir, { recursive: true, force: true });
  const stale = (Object.keys(files) as (keyof typeof files)[]).filter((k) => {
    try {
      return readFileSync(files[k], 'utf8') !== expected[k];
    } catch {
      return true;
    }
  });
  if (stale.length > 0) {
    console.error(
      `${stale.map((k) => files[k].slice(root.length)).join(', ')} out of date with the routes: run \`npm run generate\` and commit`,
    );
    process.exit(1);
  }
  console.log('docs/openapi.json, docs/api-reference.md and the typed client are up to date');
} else {
  writeFileSync(files.json, json);
  writeFileSync(files.reference, reference);
  writeFileSync(files.schema, schemaTypes(files.json));
  console.log('wrote docs/openapi.json, docs/api-reference.md, clients/typescript/schema.ts');
}
