#!/usr/bin/env bash
# `make demo`: the whole product on this machine, no AWS account needed. Builds (or reuses) the
# pinned tools, starts a throwaway kube-apiserver + etcd, installs the chart, applies the example
# claim, shows what a user sees, renders what the claim composes with the real Crossplane renderer
# and functions, and stops everything it started on exit.
#   DEMO_CLAIM=examples/claims/production.yaml make demo   # another claim
#   DEMO_KEEP=1 make demo                                  # leave the control plane running
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
CLAIM="${DEMO_CLAIM:-examples/claims/minimal.yaml}"
[[ -f "$CLAIM" ]] || { echo "demo: no claim file $CLAIM" >&2; exit 2; }

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "Tools (pinned: Go builds and npm packages, cached under ~/.cache/payment-platform)"
hack/tools.sh ensure
KUBECTL="$(hack/tools.sh bin kubectl)"
HELM="$(hack/tools.sh bin helm)"
CROSSPLANE="$(hack/tools.sh bin crossplane)"
CORE="$(hack/tools.sh bin crossplane-core)"

DIR="$(mktemp -d /tmp/pp-demo.XXXXXX)"
PIDS=()
cleanup() {
  for p in "${PIDS[@]:-}"; do [[ -n "$p" ]] && kill "$p" 2>/dev/null || true; done
  if [[ "${DEMO_KEEP:-}" == 1 ]]; then
    echo
    echo "The control plane is still running: export KUBECONFIG=$DIR/kubeconfig"
    echo "Tear it down with: hack/control-plane.sh stop $DIR && rm -rf $DIR"
  else
    hack/control-plane.sh stop "$DIR" >/dev/null 2>&1 || true
    rm -rf "$DIR"
    echo
    echo "Torn down: the control plane and the functions are stopped (DEMO_KEEP=1 keeps them)."
  fi
}
trap cleanup EXIT INT TERM

step "A local control plane (etcd + kube-apiserver with Crossplane's and the provider's CRDs)"
hack/control-plane.sh start "$DIR"
export KUBECONFIG="$DIR/kubeconfig"

step "helm install payment-platform charts/payment-platform"
"$KUBECTL" create namespace crossplane-system >/dev/null
"$HELM" install payment-platform charts/payment-platform --namespace crossplane-system | sed -n '1,/^NOTES/p'

step "Crossplane would turn the XRD into this CRD (crossplane xrd convert); applying it"
"$CROSSPLANE" xrd convert crds/paymentplatforms.platform.payments.io.yaml |
  node -e 'const y=require("js-yaml");const d=y.load(require("fs").readFileSync(0,"utf8"));delete d.metadata.ownerReferences;process.stdout.write(y.dump(d))' |
  "$KUBECTL" apply --server-side -f -
"$KUBECTL" wait --for=condition=Established --timeout=60s crd/paymentplatforms.platform.payments.io >/dev/null

NS="$(node -e 'const y=require("js-yaml");console.log(y.load(require("fs").readFileSync(process.argv[1],"utf8")).metadata.namespace||"default")' "$CLAIM")"
step "kubectl apply -f $CLAIM"
"$KUBECTL" create namespace "$NS" >/dev/null 2>&1 || true
"$KUBECTL" apply -f "$CLAIM"
echo
"$KUBECTL" get paymentplatforms -n "$NS"
echo "(no Crossplane controllers run here, so SYNCED/READY stay empty; on a real cluster they fill in)"

step "An invalid claim is rejected at admission, naming the field"
"$KUBECTL" apply --dry-run=server -f test/fixtures/claims/invalid/min-above-max-capacity.yaml 2>&1 | sed 's/^/  /' || true

step "What the claim composes: crossplane render with the real functions"
FNS="$DIR/functions.yaml"
: >"$FNS"
port=19443
for fn in function-patch-and-transform function-cel-filter function-auto-ready; do
  "$(hack/tools.sh bin "$fn")" --insecure --address="127.0.0.1:${port}" >"$DIR/$fn.log" 2>&1 &
  PIDS+=($!)
  cat >>"$FNS" <<YAML
---
apiVersion: pkg.crossplane.io/v1
kind: Function
metadata:
  name: $fn
  annotations:
    render.crossplane.io/runtime: Development
    render.crossplane.io/runtime-development-target: 127.0.0.1:${port}
YAML
  port=$((port + 1))
done
sleep 1
"$KUBECTL" get paymentplatforms -n "$NS" -o yaml | node -e 'const y=require("js-yaml");const l=y.load(require("fs").readFileSync(0,"utf8"));process.stdout.write(y.dump(l.items[0]))' >"$DIR/xr.yaml"
"$CROSSPLANE" render "$DIR/xr.yaml" compositions/paymentplatforms-aws.platform.payments.io.yaml "$FNS" \
  --xrd crds/paymentplatforms.platform.payments.io.yaml --crossplane-binary "$CORE" >"$DIR/rendered.yaml"
node -e '
const y=require("js-yaml");
const docs=y.loadAll(require("fs").readFileSync(process.argv[1],"utf8")).filter(Boolean);
const composed=docs.filter(d=>d.metadata&&d.metadata.annotations&&d.metadata.annotations["crossplane.io/composition-resource-name"]);
const counts={};for(const d of composed){const k=d.apiVersion.split("/")[0]+" "+d.kind;counts[k]=(counts[k]||0)+1;}
console.log(`${composed.length} resources on the first reconcile (more appear once AWS reports ids, ARNs and the account):`);
for(const [k,n] of Object.entries(counts).sort()) console.log(`  ${String(n).padStart(3)}  ${k}`);
' "$DIR/rendered.yaml"
echo "Full output: crossplane render ... (kept in $DIR/rendered.yaml while the demo runs)"
