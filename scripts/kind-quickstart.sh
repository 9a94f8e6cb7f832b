#!/usr/bin/env bash
# The whole street in a local kind cluster, for a first look on a machine with Docker:
# kind cluster -> image built and loaded -> NATS (JetStream) and PostgreSQL -> the Helm chart ->
# flows/ and examples/ applied -> every resource Ready. Prints how to post a receivable at the end.
#
# Needs: docker, kind, kubectl, helm (v3). Run from anywhere: bash scripts/kind-quickstart.sh
# Env:   KIND_CLUSTER (default outputstraat)   IMAGE (default outputstraat:dev)
#        SKIP_BUILD=1 to reuse an image already loaded into the cluster
# Remove everything again: kind delete cluster --name outputstraat
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cluster="${KIND_CLUSTER:-outputstraat}"
image="${IMAGE:-outputstraat:dev}"
ns=outputstraat

say() { printf '\n== %s\n' "$*"; }
die() { printf 'kind-quickstart: %s\n' "$*" >&2; exit 1; }
for tool in docker kind kubectl helm; do
  command -v "$tool" >/dev/null || die "$tool is not installed (needs docker, kind, kubectl and helm)"
done
docker info >/dev/null 2>&1 || die "the Docker daemon is not reachable (is it running? may you use it?)"

say "kind cluster $cluster"
if ! kind get clusters 2>/dev/null | grep -qx "$cluster"; then
  kind create cluster --name "$cluster" --wait 120s
fi
kubectl config use-context "kind-$cluster" >/dev/null

if [[ "${SKIP_BUILD:-}" != 1 ]]; then
  say "image $image"
  docker build -t "$image" "$root"
  kind load docker-image "$image" --name "$cluster"
fi

say "NATS with JetStream (namespace nats)"
helm repo add nats https://nats-io.github.io/k8s/helm/charts/ >/dev/null 2>&1 || true
helm repo update nats >/dev/null
helm upgrade --install nats nats/nats --namespace nats --create-namespace \
  --set config.jetstream.enabled=true \
  --set config.jetstream.fileStore.pvc.size=1Gi \
  --wait --timeout 5m

say "PostgreSQL (namespace $ns, for trying out only: no persistence)"
kubectl create namespace "$ns" --dry-run=client -o yaml | kubectl apply -f -
kubectl apply -n "$ns" -f - <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: postgres
spec:
  replicas: 1
  selector:
    matchLabels: { app: postgres }
  template:
    metadata:
      labels: { app: postgres }
    spec:
      containers:
        - name: postgres
          image: postgres:17-bookworm
          env:
            - { name: POSTGRES_USER, value: outputstraat }
            - { name: POSTGRES_PASSWORD, value: outputstraat }
            - { name: POSTGRES_DB, value: outputstraat }
          ports:
            - containerPort: 5432
          readinessProbe:
            exec:
              command: [pg_isready, -U, outputstraat]
            periodSeconds: 2
---
apiVersion: v1
kind: Service
metadata:
  name: postgres
spec:
  selector: { app: postgres }
  ports:
    - port: 5432
YAML
kubectl -n "$ns" create secret generic outputstraat-database \
  --from-literal=url="postgres://outputstraat:outputstraat@postgres.$ns.svc:5432/outputstraat" \
  --dry-run=client -o yaml | kubectl apply -f -
kubectl -n "$ns" rollout status deployment/postgres --timeout=180s
# The key link tokens are derived from: made once, kept across re-runs (a new one would change new links).
kubectl -n "$ns" get secret outputstraat-link-secret >/dev/null 2>&1 ||
  kubectl -n "$ns" create secret generic outputstraat-link-secret --from-literal=secret="$(openssl rand -base64 32)"

say "Outputstraat (Helm chart)"
repo="${image%:*}"
tag="${image##*:}"
# No --wait: a runtime is ready only once it has a corporation's bundle, which needs flows/ applied.
helm upgrade --install outputstraat "$root/charts/outputstraat" --namespace "$ns" \
  --set image.repository="$repo" --set image.tag="$tag" --set image.pullPolicy=Never \
  --set nats.url="nats://nats.nats.svc:4222" \
  `# a throwaway cluster whose NATS has no users; a real street logs in (docs/operations.md)` \
  --set nats.auth.mode=none \
  --set runtime.publicUrl="http://127.0.0.1:8080" \
  --set runtime.replicas=1 --set operator.replicas=1
kubectl wait --for=condition=Established --timeout=60s \
  crd/corporations.outputstraat.io crd/flows.outputstraat.io crd/templates.outputstraat.io \
  crd/channels.outputstraat.io crd/classificationrules.outputstraat.io
kubectl -n "$ns" rollout status deployment/outputstraat-operator --timeout=180s

say "flows/ and examples/"
# Namespaces first; then every manifest (not the flow tests or the sample receivables).
mapfile -t files < <(find "$root/flows" "$root/examples" -name '*.yaml' ! -name '*.test.yaml' ! -name 'kustomization.yaml' | sort)
namespaces=$(grep -hE '^\s+namespace:\s' "${files[@]}" | awk '{print $2}' | sort -u)
for n in $namespaces; do
  kubectl create namespace "$n" --dry-run=client -o yaml | kubectl apply -f - >/dev/null
done
args=()
for f in "${files[@]}"; do args+=(-f "$f"); done
kubectl apply "${args[@]}"

say "waiting for every resource to be Ready, then for the runtime"
for kind in channels templates classificationrules flows corporations; do
  kubectl wait "$kind.outputstraat.io" --all --all-namespaces --for=condition=Ready --timeout=180s
done
kubectl get corporations -A
kubectl -n "$ns" rollout status deployment/outputstraat-runtime --timeout=300s

cat <<MSG

The street runs. In another terminal:

  kubectl -n $ns port-forward svc/outputstraat-runtime 8080:80

and post the example receivable:

  curl -s -X POST http://127.0.0.1:8080/v1/receivables \\
    -H "Authorization: Bearer demo-woonstad-noord-key" -H "Content-Type: application/json" \\
    --data @examples/01-woonstad-noord/receivables/storno.json

Emails go to the SMTP relay the email Channel names; see docs/channels.md. Edit a Template and apply it:
the operator publishes a new revision within seconds (kubectl get templates -A shows it).
Remove everything: kind delete cluster --name $cluster
MSG
