#!/usr/bin/env bash
# Fails with one line saying what to do unless the `node` on PATH satisfies package.json's
# engines.node (a `>=MAJOR.MINOR[.PATCH]` floor); prints that node's version otherwise. Runs on any
# Node.js, old ones included, so that it can say so. Used by .ci/run and before `npm test`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

command -v node >/dev/null || {
  echo "node is not installed: run 'bash scripts/tools/node-lts.sh' and put the directory it prints first on PATH" >&2
  exit 1
}
node - "$root/package.json" <<'EOF'
const range = JSON.parse(require('fs').readFileSync(process.argv[2], 'utf8')).engines.node;
const floor = /^>=\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(range);
if (!floor) throw new Error(`engines.node in package.json is "${range}"; expected ">=MAJOR.MINOR"`);
const want = floor.slice(1).map((n) => Number(n ?? 0));
const have = process.versions.node.split('.').map(Number);
const cmp = have[0] - want[0] || have[1] - want[1] || have[2] - want[2];
if (cmp < 0) {
  console.error(
    `Node.js ${range} is required, found ${process.versions.node} (${process.execPath}): ` +
      "run 'bash scripts/tools/node-lts.sh' and put the directory it prints first on PATH",
  );
  process.exit(1);
}
console.log(process.version);
EOF
