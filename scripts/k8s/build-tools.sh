#!/usr/bin/env bash
# Builds kube-apiserver, kubectl, etcd and helm from source (Go module proxy only) into
# .cache/tools/bin. Versions come from versions.env; a tool whose stamp matches is not rebuilt.
# Env: OUTPUTSTRAAT_TOOLS_DIR (default <repo>/.cache/tools), BUILD_TOOLS_FORCE=1 to rebuild all.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# shellcheck source-path=SCRIPTDIR source=versions.env
source "$here/versions.env"

tools_dir="${OUTPUTSTRAAT_TOOLS_DIR:-$root/.cache/tools}"
bin="$tools_dir/bin"
logs="$tools_dir/logs"
mkdir -p "$bin" "$logs" "$tools_dir/src"

fail() { echo "build-tools: $*" >&2; exit 1; }

go_bin="$(command -v go || true)"
[[ -z "$go_bin" && -x /usr/local/go/bin/go ]] && go_bin=/usr/local/go/bin/go
[[ -n "$go_bin" ]] || fail "go not found: install Go >= 1.26 (or put /usr/local/go/bin on PATH) and rerun"

export CGO_ENABLED=0
export GOFLAGS="-trimpath -buildvcs=false"
# Never let a dependency's toolchain line trigger a toolchain download.
export GOTOOLCHAIN=local
export GOMAXPROCS="${GOMAXPROCS:-2}"
par=(-p "$GOMAXPROCS")

k8s_major="${KUBERNETES_VERSION#v}"; k8s_major="${k8s_major%%.*}"
k8s_minor="${KUBERNETES_VERSION#v*.}"; k8s_minor="${k8s_minor%%.*}"

# stamp_ok TOOL KEY: the binary exists and was built from KEY.
stamp_ok() {
  [[ "${BUILD_TOOLS_FORCE:-}" != 1 && -x "$bin/$1" && -f "$bin/.$1.stamp" ]] &&
    [[ "$(cat "$bin/.$1.stamp")" == "$2" ]]
}

# run_build TOOL KEY HINT CMD...: run CMD (logged), stamp and time it, or fail with one line.
run_build() {
  local tool="$1" key="$2" hint="$3"; shift 3
  if stamp_ok "$tool" "$key"; then
    echo "cached $tool $key $bin/$tool"
    return
  fi
  local log="$logs/$tool.log" start=$SECONDS
  echo "building $tool $key (log: $log) ..." >&2
  # Run in the background and wait: inside `if`/`||` bash would ignore set -e in "$@".
  local rc=0
  "$@" >"$log" 2>&1 &
  wait $! || rc=$?
  ((rc == 0)) || fail "$tool $key failed to build (see $log: $(tail -n1 "$log")); $hint"
  echo "$key" >"$bin/.$tool.stamp"
  echo "built $tool $key $bin/$tool ($((SECONDS - start))s)"
}

# A wrapper module that requires k8s.io/kubernetes and points every staging module
# (v0.0.0 + replace => ./staging/... in its go.mod) at the published v0.X.Y release.
k8s_src="$tools_dir/src/kubernetes-$KUBERNETES_VERSION"
prepare_k8s_module() {
  [[ -f "$k8s_src/go.mod" && -f "$k8s_src/go.sum" ]] && return
  local kmod staging_version="v0.${KUBERNETES_VERSION#v1.}"
  kmod="$("$go_bin" mod download -json "k8s.io/kubernetes@$KUBERNETES_VERSION" |
    sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",*$/\1/p')"
  [[ -f "$kmod" ]] || return 1
  mkdir -p "$k8s_src"
  {
    echo "module outputstraat.local/k8s-tools"
    echo
    echo "go 1.26"
    echo
    echo "require k8s.io/kubernetes $KUBERNETES_VERSION"
    echo
    echo "replace ("
    awk -v v="$staging_version" '$2 == "=>" && $3 ~ /^\.\/staging\// { printf "\t%s => %s %s\n", $1, $1, v }' "$kmod"
    echo ")"
  } >"$k8s_src/go.mod"
  grep -q 'k8s.io/apimachinery =>' "$k8s_src/go.mod" || { echo "no staging replaces found in $kmod"; return 1; }
  # -mod=mod fills go.sum with exactly what the two commands need.
  (cd "$k8s_src" && "$go_bin" list -mod=mod k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kubectl >/dev/null)
}

k8s_ldflags() {
  local x=""
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    x+=" -X $pkg.gitVersion=$KUBERNETES_VERSION -X $pkg.gitMajor=$k8s_major -X $pkg.gitMinor=$k8s_minor"
    x+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
  done
  echo "-s -w$x"
}

build_k8s_cmd() {
  local name="$1"
  prepare_k8s_module
  (cd "$k8s_src" && "$go_bin" build "${par[@]}" -mod=mod -ldflags "$(k8s_ldflags)" \
    -o "$bin/$name.tmp" "k8s.io/kubernetes/cmd/$name")
  mv -f "$bin/$name.tmp" "$bin/$name"
  "$bin/$name" --version 2>/dev/null || "$bin/$name" version --client
}

# etcd's server module carries local replace directives, so `go install ...@v` is refused;
# build its main package through a one-line wrapper module instead.
build_etcd() {
  local src="$tools_dir/src/etcd-$ETCD_VERSION"
  mkdir -p "$src"
  if [[ ! -f "$src/go.sum" ]]; then
    printf 'module outputstraat.local/etcd-tools\n\ngo 1.26\n\nrequire go.etcd.io/etcd/server/v3 %s\n' \
      "$ETCD_VERSION" >"$src/go.mod"
    (cd "$src" && "$go_bin" list -mod=mod go.etcd.io/etcd/server/v3 >/dev/null)
  fi
  (cd "$src" && "$go_bin" build "${par[@]}" -mod=mod -ldflags "-s -w" -o "$bin/etcd.tmp" go.etcd.io/etcd/server/v3)
  mv -f "$bin/etcd.tmp" "$bin/etcd"
  "$bin/etcd" --version
}

build_helm() {
  local m=helm.sh/helm/v3
  GOBIN="$bin" "$go_bin" install "${par[@]}" -ldflags "-s -w \
    -X $m/internal/version.version=$HELM_VERSION -X $m/internal/version.gitTreeState=clean \
    -X $m/pkg/chartutil.k8sVersionMajor=$k8s_major -X $m/pkg/chartutil.k8sVersionMinor=$k8s_minor \
    -X $m/pkg/lint/rules.k8sVersionMajor=$k8s_major -X $m/pkg/lint/rules.k8sVersionMinor=$k8s_minor" \
    "$m/cmd/helm@$HELM_VERSION"
  "$bin/helm" version --short
}

net_hint="check that the Go module proxy is reachable (go env GOPROXY) and Go >= 1.26 ($("$go_bin" env GOVERSION))"
run_build kube-apiserver "$KUBERNETES_VERSION" "$net_hint" build_k8s_cmd kube-apiserver
run_build kubectl "$KUBERNETES_VERSION" "$net_hint" build_k8s_cmd kubectl
run_build etcd "$ETCD_VERSION" "$net_hint" build_etcd
run_build helm "$HELM_VERSION+k8s$k8s_major.$k8s_minor" "$net_hint" build_helm
