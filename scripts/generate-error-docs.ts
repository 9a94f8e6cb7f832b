// Writes docs/errors.md from the error registry; `--check` fails when the committed file is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { errorRegistry } from '../core/errors/registry.js';

const out = new URL('../docs/errors.md', import.meta.url);
const rows = Object.entries(errorRegistry).map(([code, spec]) => {
  const hint = 'hint' in spec ? spec.hint : '';
  const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/%s/g, '…');
  return `| \`${code}\` | ${spec.status} | ${esc(spec.message)} | ${esc(hint ?? '')} |`;
});
const text = `# Error codes

Every error the street reports carries one of these stable codes (in API bodies as \`code\`, in CLI
output and in resource status messages). Generated from \`core/errors/registry.ts\` by
\`npm run generate\`; \`…\` stands for the details filled in at the time.

| code | HTTP | message | what to do |
| --- | --- | --- | --- |
${rows.join('\n')}
`;
if (process.argv.includes('--check')) {
  if (readFileSync(out, 'utf8') !== text) {
    console.error(
      'docs/errors.md is out of date with core/errors/registry.ts: run `npm run generate` and commit',
    );
    process.exit(1);
  }
  console.log('docs/errors.md is up to date');
} else {
  writeFileSync(out, text);
  console.log('wrote docs/errors.md');
}
