#!/usr/bin/env bash
# A loopback-only Kubernetes control plane for tests (etcd + kube-apiserver, like envtest).
# There is no controller-manager or scheduler: no pods run, namespaces stay Terminating,
# owner-reference garbage collection does not happen.
#
# Usage: control-plane.sh start|stop|status|env|restart-apiserver|clean
#   start              start etcd and kube-apiserver (no-op if running); prints the kubeconfig path
#   stop               stop both, keep the state dir (certs, etcd data)
#   restart-apiserver  stop and start kube-apiserver on the same port; etcd keeps running
#   status             print state; exit 0 only if the apiserver answers /readyz
#   env                print `export KUBECONFIG=... PATH=...` for eval
#   clean              stop and delete the state dir
# Env: KUBE_CP_DIR            state dir (default <repo>/.cache/k8s-run)
#      OUTPUTSTRAAT_TOOLS_DIR tools from build-tools.sh (default <repo>/.cache/tools)
#      KUBE_CP_TIMEOUT        seconds to wait for readiness (default 90)
#      KUBE_CP_OWNER_PID      if set on start: stop everything once that process is gone
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
tools_bin="${OUTPUTSTRAAT_TOOLS_DIR:-$root/.cache/tools}/bin"
dir="${KUBE_CP_DIR:-$root/.cache/k8s-run}"
pki="$dir/pki"
kubeconfig="$dir/kubeconfig"
timeout="${KUBE_CP_TIMEOUT:-90}"

log() { echo "control-plane: $*" >&2; }
die() { log "$*"; exit 1; }

need_tools() {
  local t
  for t in etcd kube-apiserver kubectl; do
    [[ -x "$tools_bin/$t" ]] || die "missing $tools_bin/$t: run 'bash scripts/k8s/build-tools.sh' first"
  done
}

# pid_of NAME: pid from NAME.pid if that process is alive and is still the program we started.
pid_of() {
  local f="$dir/$1.pid" pid
  [[ -f "$f" ]] || return 1
  pid="$(cat "$f")"
  [[ -n "$pid" && -r "/proc/$pid/comm" ]] || return 1
  [[ "$(cat "/proc/$pid/comm")" == "${2:-$1}" ]] || return 1
  echo "$pid"
}

stop_proc() {
  local name="$1" comm="${2:-$1}" pid i
  if pid="$(pid_of "$name" "$comm")" && [[ "$pid" != "$$" ]]; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
      [[ -d "/proc/$pid" ]] || break
      sleep 0.1
    done
    if [[ -d "/proc/$pid" ]]; then
      log "$name did not exit on SIGTERM within 10s, sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$dir/$name.pid"
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pick_ports() {
  local -a ports=()
  local p tries=0
  while ((${#ports[@]} < 3)); do
    ((tries++ < 200)) || die "no free port on 127.0.0.1 found"
    # Below the kernel's ephemeral range (32768+): a port from it can be taken by any outgoing connection
    # while kube-apiserver restarts on the same port (restart-apiserver), and the restart then hangs.
    p=$((20000 + RANDOM % 12000))
    port_in_use "$p" && continue
    [[ " ${ports[*]} " == *" $p "* ]] && continue
    ports+=("$p")
  done
  cat >"$dir/endpoints.env" <<EOF
ETCD_PORT=${ports[0]}
ETCD_PEER_PORT=${ports[1]}
APISERVER_PORT=${ports[2]}
ETCD_URL=http://127.0.0.1:${ports[0]}
APISERVER_URL=https://127.0.0.1:${ports[2]}
KUBECONFIG=$kubeconfig
EOF
}

load_ports() {
  [[ -f "$dir/endpoints.env" ]] || die "no $dir/endpoints.env: run start first"
  # shellcheck source=/dev/null
  source "$dir/endpoints.env"
}

# sign NAME SUBJECT EXTENSIONS: a key and a certificate signed by the test CA.
sign() {
  openssl req -new -newkey rsa:2048 -nodes -keyout "$pki/$1.key" -subj "$2" -out "$pki/$1.csr" 2>/dev/null
  printf '%b\n' "$3" >"$pki/$1.ext"
  openssl x509 -req -in "$pki/$1.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial \
    -days 3650 -sha256 -extfile "$pki/$1.ext" -out "$pki/$1.crt" 2>/dev/null
  rm -f "$pki/$1.csr" "$pki/$1.ext"
}

gen_pki() {
  [[ -f "$pki/done" ]] && return
  command -v openssl >/dev/null || die "openssl not found: apt-get install openssl"
  rm -rf "$pki" && mkdir -p "$pki"
  printf '[req]\ndistinguished_name=dn\n[dn]\n[ca]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign,digitalSignature\n' >"$pki/ca.cnf"
  openssl req -x509 -new -newkey rsa:2048 -nodes -keyout "$pki/ca.key" -out "$pki/ca.crt" -days 3650 \
    -sha256 -subj "/CN=outputstraat-test-ca" -config "$pki/ca.cnf" -extensions ca 2>/dev/null
  sign apiserver "/CN=kube-apiserver" \
    'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost'
  sign admin "/O=system:masters/CN=admin" \
    'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth'
  openssl genrsa -out "$pki/sa.key" 2048 2>/dev/null
  openssl rsa -in "$pki/sa.key" -pubout -out "$pki/sa.pub" 2>/dev/null
  touch "$pki/done"
}

# A static bearer token (kube-apiserver --token-auth-file) for user `token-admin` in system:masters:
# for tests of credentials that are not client certificates (exec plugins, token files).
gen_token() {
  [[ -s "$pki/tokens.csv" ]] && return
  printf '%s,token-admin,token-admin,"system:masters"\n' "$(openssl rand -hex 24)" >"$pki/tokens.csv.tmp"
  mv -f "$pki/tokens.csv.tmp" "$pki/tokens.csv"
}

write_kubeconfig() {
  cat >"$kubeconfig.tmp" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: outputstraat-test
  cluster:
    server: $APISERVER_URL
    certificate-authority-data: $(base64 -w0 <"$pki/ca.crt")
users:
- name: admin
  user:
    client-certificate-data: $(base64 -w0 <"$pki/admin.crt")
    client-key-data: $(base64 -w0 <"$pki/admin.key")
contexts:
- name: outputstraat-test
  context:
    cluster: outputstraat-test
    user: admin
    namespace: default
current-context: outputstraat-test
EOF
  mv -f "$kubeconfig.tmp" "$kubeconfig"
}

# wait_for NAME CHECK...: poll CHECK until it succeeds, the process dies or time runs out.
wait_for() {
  local name="$1" deadline=$((SECONDS + timeout))
  shift
  until "$@" >/dev/null 2>&1; do
    [[ -d "/proc/$(cat "$dir/$name.pid")" ]] || die "$name exited during startup; last log lines:$(printf '\n'; tail -n 15 "$dir/$name.log")"
    ((SECONDS < deadline)) || die "$name not ready after ${timeout}s (raise KUBE_CP_TIMEOUT?); see $dir/$name.log"
    sleep 0.2
  done
}

# Children get their own session (they outlive this script) and must not inherit the lock fd.
launch() {
  local name="$1"
  shift
  setsid "$@" </dev/null >>"$dir/$name.log" 2>&1 9>&- &
  echo $! >"$dir/$name.pid"
}

start_etcd() {
  launch etcd "$tools_bin/etcd" --name=test --data-dir="$dir/etcd" \
    --listen-client-urls="$ETCD_URL" --advertise-client-urls="$ETCD_URL" \
    --listen-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-advertise-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster="test=http://127.0.0.1:$ETCD_PEER_PORT" \
    --unsafe-no-fsync --log-level=warn
  wait_for etcd port_in_use "$ETCD_PORT"
}

start_apiserver() {
  # ServiceAccount admission is off: without a controller-manager no default SA is ever created.
  # The two shutdown flags end open watches on SIGTERM; otherwise a watch holds shutdown up to 60s.
  # The endpoint reconciler refuses a loopback advertise address, so the `kubernetes` Service has none.
  gen_token
  launch kube-apiserver "$tools_bin/kube-apiserver" \
    --etcd-servers="$ETCD_URL" \
    --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$APISERVER_PORT" \
    --cert-dir="$dir/apiserver" \
    --tls-cert-file="$pki/apiserver.crt" --tls-private-key-file="$pki/apiserver.key" \
    --client-ca-file="$pki/ca.crt" --token-auth-file="$pki/tokens.csv" \
    --authorization-mode=RBAC \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$pki/sa.pub" --service-account-signing-key-file="$pki/sa.key" \
    --service-cluster-ip-range=10.0.0.0/24 --endpoint-reconciler-type=none \
    --disable-admission-plugins=ServiceAccount \
    --allow-privileged=true --profiling=false \
    --shutdown-send-retry-after=true --shutdown-watch-termination-grace-period=2s
  local kc=("$tools_bin/kubectl" --kubeconfig="$kubeconfig" --request-timeout=5s)
  wait_for kube-apiserver "${kc[@]}" get --raw=/readyz
  wait_for kube-apiserver "${kc[@]}" get namespace default
}

start_watchdog() {
  [[ -n "${KUBE_CP_OWNER_PID:-}" ]] || return 0
  stop_proc watchdog bash
  # shellcheck disable=SC2016 # expanded by the inner bash
  launch watchdog bash -c 'while kill -0 "$1" 2>/dev/null && [[ -d "$2" ]]; do sleep 1; done
    [[ -d "$2" ]] && KUBE_CP_DIR="$2" exec bash "$3" stop' \
    watchdog "$KUBE_CP_OWNER_PID" "$dir" "$here/control-plane.sh"
}

lock() {
  mkdir -p "$dir"
  exec 9>"$dir/.lock"
  flock 9
}

cmd_start() {
  need_tools
  lock
  if ! pid_of etcd >/dev/null; then
    stop_proc kube-apiserver
    gen_pki
    # Same ports as last time if they are free, so an old kubeconfig and etcd's peer URL stay valid.
    if ! { [[ -f "$dir/endpoints.env" ]] && load_ports && ! port_in_use "$ETCD_PORT" &&
      ! port_in_use "$ETCD_PEER_PORT" && ! port_in_use "$APISERVER_PORT"; }; then
      pick_ports
      load_ports
    fi
    write_kubeconfig
    log "starting etcd on $ETCD_URL"
    start_etcd
  else
    load_ports
  fi
  if ! pid_of kube-apiserver >/dev/null; then
    log "starting kube-apiserver on $APISERVER_URL"
    start_apiserver
  fi
  start_watchdog
  log "ready: $APISERVER_URL"
  echo "$kubeconfig"
}

cmd_restart_apiserver() {
  need_tools
  lock
  pid_of etcd >/dev/null || die "etcd is not running in $dir: run start first"
  load_ports
  stop_proc kube-apiserver
  log "restarting kube-apiserver on $APISERVER_URL"
  start_apiserver
  log "ready: $APISERVER_URL"
}

cmd_stop() {
  [[ -d "$dir" ]] || return 0
  lock
  stop_proc watchdog bash
  stop_proc kube-apiserver
  stop_proc etcd
}

cmd_status() {
  local name pid ok=1
  for name in etcd kube-apiserver; do
    if pid="$(pid_of "$name")"; then echo "$name: running (pid $pid)"; else echo "$name: stopped"; ok=0; fi
  done
  if ((ok)) && [[ -f "$dir/endpoints.env" ]]; then
    load_ports
    if "$tools_bin/kubectl" --kubeconfig="$kubeconfig" --request-timeout=5s get --raw=/readyz >/dev/null 2>&1; then
      echo "readyz: ok ($APISERVER_URL)"
      echo "kubeconfig: $kubeconfig"
      return 0
    fi
    echo "readyz: failing ($APISERVER_URL)"
  fi
  return 1
}

cmd_env() {
  [[ -f "$kubeconfig" ]] || die "no kubeconfig in $dir: run start first"
  # shellcheck disable=SC2016 # $PATH is for the caller's shell
  printf 'export KUBECONFIG=%q\nexport PATH=%q:"$PATH"\n' "$kubeconfig" "$tools_bin"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  restart-apiserver) cmd_restart_apiserver ;;
  status) cmd_status ;;
  env) cmd_env ;;
  clean) cmd_stop && rm -rf "$dir" ;;
  *) echo "usage: $0 start|stop|status|env|restart-apiserver|clean" >&2; exit 2 ;;
esac
