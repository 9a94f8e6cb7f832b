#!/usr/bin/env bash
# Runs before `npm test` (pretest): installs and starts what the suites need, idempotently, so the test
# command works on a fresh Debian machine. Tests never skip for a missing tool: when something cannot be
# installed or started, this fails with one line saying what. Fast when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '== %s\n' "$*" >&2; }
die() { printf 'test environment: %s\n' "$*" >&2; exit 1; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi; }

# The suites run on the Node.js of package.json's engines (.ci/run fetches it: scripts/tools/node-lts.sh).
bash scripts/tools/require-node.sh >/dev/null || exit 1

missing=()
need() { # need <command> <debian package>
  command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/usr/bin/$1" ] || missing+=("$2")
}
need psql postgresql
need pg_isready postgresql
need chromium chromium
need pdftoppm poppler-utils
need zbarimg zbar-tools
need prometheus prometheus
need promtool prometheus
need openssl openssl
if [ "${#missing[@]}" -gt 0 ]; then
  pkgs=$(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')
  say "installing ${pkgs}"
  as_root apt-get update -qq >/dev/null || die "apt-get update failed (run as root or with sudo): apt-get install ${pkgs}"
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq ${pkgs} >/dev/null ||
    die "could not install ${pkgs}; install them with apt-get and run again"
fi

if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  cluster=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -1)
  [ -n "$cluster" ] || die "PostgreSQL is installed but has no cluster in /etc/postgresql"
  say "starting PostgreSQL ${cluster}"
  as_root pg_ctlcluster --skip-systemctl-redirect "$cluster" main start || die "could not start PostgreSQL $cluster"
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
  pg_isready -h 127.0.0.1 -p 5432 -q || die "PostgreSQL did not come up on 127.0.0.1:5432"
fi
# Tests connect over TCP as postgres with this password (tests/support/postgres.ts), whatever pg_hba.conf says.
url="${TEST_DATABASE_URL:-postgres://postgres:postgres@127.0.0.1:5432/postgres}"
if ! psql "$url" -Atqc 'select 1' >/dev/null 2>&1; then
  as_root su postgres -c "psql -qc \"ALTER USER postgres PASSWORD 'postgres'\"" >/dev/null ||
    die "could not set the postgres password; set TEST_DATABASE_URL to a database you can use"
  psql "$url" -Atqc 'select 1' >/dev/null || die "cannot connect to $url"
fi

# Built from source through the Go module proxy and cached in .cache/tools (first time: ~10 minutes).
bash scripts/tools/build-nats-server.sh >/dev/null
bash scripts/k8s/build-tools.sh >/dev/null
npm run --silent build
