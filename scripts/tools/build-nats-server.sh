#!/usr/bin/env bash
# Builds nats-server from source through the Go module proxy into .cache/tools/bin (ignored by git).
# Debian ships 2.9.10; the durability tests and the bench need a current server (2.12+ with the fixes
# that followed Jepsen's 2025 report). Idempotent: a binary whose stamp matches the version is kept.
# Env: NATS_SERVER_VERSION (default below), OUTPUTSTRAAT_TOOLS_DIR (default <repo>/.cache/tools),
#      BUILD_TOOLS_FORCE=1 to rebuild. Prints the binary's path on its last line.
set -euo pipefail

version="${NATS_SERVER_VERSION:-v2.15.2}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
tools_dir="${OUTPUTSTRAAT_TOOLS_DIR:-$root/.cache/tools}"
bin="$tools_dir/bin"
logs="$tools_dir/logs"
mkdir -p "$bin" "$logs"

fail() { echo "build-nats-server: $*" >&2; exit 1; }

if [[ "${BUILD_TOOLS_FORCE:-}" != 1 && -x "$bin/nats-server" && -f "$bin/.nats-server.stamp" &&
      "$(cat "$bin/.nats-server.stamp")" == "$version" ]]; then
  echo "cached nats-server $version" >&2
  echo "$bin/nats-server"
  exit 0
fi

go_bin="$(command -v go || true)"
[[ -z "$go_bin" && -x /usr/local/go/bin/go ]] && go_bin=/usr/local/go/bin/go
[[ -n "$go_bin" ]] || fail "go not found: install Go (>= 1.24) or put /usr/local/go/bin on PATH, then rerun"

export CGO_ENABLED=0
export GOFLAGS="-trimpath -buildvcs=false"
export GOTOOLCHAIN=local
export GOMAXPROCS="${GOMAXPROCS:-2}"

log="$logs/nats-server.log"
start=$SECONDS
echo "building nats-server $version (log: $log) ..." >&2
rc=0
GOBIN="$bin" "$go_bin" install "github.com/nats-io/nats-server/v2@$version" >"$log" 2>&1 &
wait $! || rc=$?
((rc == 0)) || fail "nats-server $version failed to build (see $log: $(tail -n1 "$log"))"
"$bin/nats-server" --version >/dev/null || fail "built $bin/nats-server does not run"
echo "$version" >"$bin/.nats-server.stamp"
echo "built nats-server $version in $((SECONDS - start))s" >&2
echo "$bin/nats-server"
