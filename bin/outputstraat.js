#!/usr/bin/env node
// The CLI runs from the compiled dist/ (built by `npm ci` through the prepare script).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/operator/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  console.error('outputstraat: dist/ is missing; run `npm run build` (npm ci does it for you)');
  process.exit(2);
}
await import(entry.href);
