#!/usr/bin/env bash
# `make demo`: the whole product reconciled on this machine, no AWS account needed. Builds (or
# reuses) the pinned tools, starts a throwaway control plane with the REAL Crossplane core, its
# package manager and Usage webhook, the garbage collector and the four functions
# (hack/control-plane.sh --crossplane), installs the chart with helm (Crossplane installs its
# Functions and Providers from a seeded offline cache), applies the example claim, waits for
# SYNCED and READY, shows the outputs, then deletes the platform and shows the deletion order.
# SIMULATED: AWS and provider-upjet-aws (a stand-in provider, test/reconcile/provider.ts, reports
# placeholder ids, ARNs and endpoints, account 123456789012) and the package runtime.
#   DEMO_CLAIM=examples/claims/production.yaml make demo   # another claim
#   DEMO_KEEP=1 make demo                                  # leave everything running
#   DEMO_XP_ARGS='--circuit-breaker-burst=1000' make demo  # flags added to crossplane core start
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
CLAIM="${DEMO_CLAIM:-examples/claims/minimal.yaml}"
[[ -f "$CLAIM" ]] || { echo "demo: no claim file $CLAIM" >&2; exit 2; }
MAIN="$ROOT/dist/test/reconcile/main.js"
[[ -f "$MAIN" ]] || { echo "demo: $MAIN is missing: run make build (make demo does)" >&2; exit 2; }

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
# wait_until DESC SECONDS CMD...: polls CMD every second until it succeeds.
wait_until() {
  local desc="$1" deadline=$((SECONDS + $2))
  shift 2
  until "$@" >/dev/null 2>&1; do
    (( SECONDS < deadline )) || { echo "demo: timed out waiting for ${desc}" >&2; return 1; }
    sleep 1
  done
}

step "Tools (pinned: Go builds and npm packages, cached under ~/.cache/payment-platform)"
hack/tools.sh ensure
KUBECTL="$(hack/tools.sh bin kubectl)"
HELM="$(hack/tools.sh bin helm)"

DIR="$(mktemp -d /tmp/pp-demo.XXXXXX)"
PIDS=()
cleanup() {
  if [[ "${DEMO_KEEP:-}" == 1 ]]; then
    echo
    echo "Everything is still running: export KUBECONFIG=$DIR/kubeconfig"
    echo "Tear it down with: kill ${PIDS[*]:-}; hack/control-plane.sh stop $DIR && rm -rf $DIR"
    return
  fi
  for p in "${PIDS[@]:-}"; do [[ -n "$p" ]] && kill "$p" 2>/dev/null || true; done
  hack/control-plane.sh stop "$DIR" >/dev/null 2>&1 || true
  rm -rf "$DIR"
  echo
  echo "Torn down: Crossplane, the functions, the stand-ins and the control plane are stopped (DEMO_KEEP=1 keeps them)."
}
trap cleanup EXIT INT TERM

step "A local control plane: etcd, kube-apiserver, kube-controller-manager (garbage collector), the functions (mTLS) and the real Crossplane core"
# Crossplane's defaults, circuit breaker included: the claim gets the nested layout, whose 45 XRs
# stay under it (README, "Real reconciliation"). DEMO_XP_ARGS adds flags.
export PP_XP_ARGS="${DEMO_XP_ARGS:-}"
echo "crossplane core start flags added: ${PP_XP_ARGS:-none, the defaults}"
hack/control-plane.sh start --crossplane "$DIR"
# shellcheck disable=SC1091
source "$DIR/env"
K() { "$KUBECTL" --kubeconfig "$DIR/kubeconfig" "$@"; }

step "The stand-ins: Crossplane's External package runtime, and a STAND-IN for provider-upjet-aws (no AWS)"
node "$MAIN" runtime --kubeconfig "$DIR/kubeconfig" --functions "$PP_XP_FUNCTIONS" >"$DIR/logs/runtime.log" 2>&1 &
PIDS+=($!)
node "$MAIN" provider --kubeconfig "$DIR/kubeconfig" --create-ms 300 >"$DIR/logs/provider.log" 2>&1 &
PIDS+=($!)

step "helm install payment-platform charts/payment-platform (packages from an offline cache)"
node "$MAIN" install-chart --kubeconfig "$DIR/kubeconfig" --cache "$PP_XP_CACHE" --pki "$PP_XP_PKI" \
  --helm "$HELM" --kubectl "$KUBECTL" >"$DIR/logs/install.log"
packages_healthy() {
  local out
  out="$(K get functions.pkg.crossplane.io,providers.pkg.crossplane.io --no-headers 2>/dev/null)"
  [[ -n "$out" ]] && ! awk '$2 != "True" || $3 != "True"' <<<"$out" | grep -q .
}
wait_until "Functions and Providers Installed and Healthy" 300 packages_healthy
K get functions.pkg.crossplane.io,providers.pkg.crossplane.io
echo "$(K get managedresourcedefinitions --no-headers | awk '$NF == "Active" || $0 ~ /Active/' | wc -l) managed-resource kinds activated by the chart's ManagedResourceActivationPolicy, of $(K get managedresourcedefinitions --no-headers | wc -l)"

NS="$(node -e 'const y=require("js-yaml");console.log(y.load(require("fs").readFileSync(process.argv[1],"utf8")).metadata.namespace||"default")' "$CLAIM")"
NAME="$(node -e 'const y=require("js-yaml");console.log(y.load(require("fs").readFileSync(process.argv[1],"utf8")).metadata.name)' "$CLAIM")"
wait_until "the PaymentPlatform API served (Crossplane created its CRD from the XRD)" 120 K get paymentplatforms -A

K create namespace "$NS" >/dev/null 2>&1 || true

step "An invalid claim is rejected at admission, naming the field"
K apply --dry-run=server -f test/fixtures/claims/invalid/min-above-max-capacity.yaml 2>&1 | sed 's/^/  /' || true

step "kubectl apply -f $CLAIM"
K apply -f "$CLAIM"
READY_PATH='{.status.conditions[?(@.type=="Ready")].status}'
ready() { [[ "$(K get paymentplatform -n "$NS" "$NAME" -o "jsonpath=${READY_PATH}")" == True ]]; }
start=$SECONDS
wait_until "the PaymentPlatform Ready" 600 ready
echo "Ready after $((SECONDS - start)) s"

step "kubectl get paymentplatforms -n $NS"
K get paymentplatforms -n "$NS"

step "kubectl payments status $NAME -n $NS"
KUBECONFIG="$DIR/kubeconfig" node bin/kubectl-payments.js status "$NAME" -n "$NS" | sed -n '1,12p'
echo "  ..."

step "The endpoints ConfigMap the application reads"
K get configmap -n "$NS" "${NAME}-endpoints" -o jsonpath='{range .data}{end}' >/dev/null
K get configmap -n "$NS" "${NAME}-endpoints" -o go-template='{{range $k, $v := .data}}  {{$k}}={{$v}}{{"\n"}}{{end}}'

step "kubectl delete paymentplatform $NAME: the garbage collector deletes, Usages hold back what is still used"
mapfile -t used < <(K get usages.protection.crossplane.io -n "$NS" -o go-template='{{range .items}}{{.spec.by.kind}}/{{.spec.by.resourceRef.name}} before {{.spec.of.kind}}/{{.spec.of.resourceRef.name}}{{"\n"}}{{end}}')
K delete paymentplatform -n "$NS" "$NAME" --wait=false
gone() { [[ -z "$(K get managed -n "$NS" --no-headers 2>/dev/null)" ]]; }
wait_until "every managed resource deleted" 600 gone
echo "Deleted. The Usages asked for (user before used):"
printf '  %s\n' "${used[@]}"
echo "Order in which the stand-in provider released them (first 12 of $(grep -c '"event":"\(deleted\|orphaned\)"' "$DIR/logs/provider.log")):"
grep '"event":"\(deleted\|orphaned\)"' "$DIR/logs/provider.log" | node -e '
const lines=require("fs").readFileSync(0,"utf8").trim().split("\n").map(l=>JSON.parse(l));
for (const l of lines.slice(0,12)) console.log(`  ${l.event.padEnd(8)} ${l.kind}/${l.name}`);'
echo
echo "What was real: kube-apiserver, etcd, the garbage collector, Crossplane core (composition, package manager,"
echo "activation, Usages and their webhook), the three functions, helm and the chart. SIMULATED: AWS and the provider"
echo "(the stand-in reports placeholder ids and ARNs) and the package runtime (no pods run here)."
