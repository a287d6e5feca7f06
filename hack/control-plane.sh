#!/usr/bin/env bash
# A throwaway local control plane for end-to-end tests: etcd + kube-apiserver
# on 127.0.0.1 (free ports), no scheduler, with Crossplane's and the listed
# provider CRDs installed (hack/tools.sh crds).
#
# Usage:
#   hack/control-plane.sh start [--crossplane] DIR   start in DIR (data, logs, certs, kubeconfig)
#   hack/control-plane.sh stop DIR                   stop what `start DIR` started
#   hack/control-plane.sh restart-apiserver DIR      restart only kube-apiserver, same flags and port
#   hack/control-plane.sh run [--crossplane] -- CMD [ARGS...]
#                                  start in a temp dir, run CMD, always stop;
#                                  exits with CMD's exit code
#
# --crossplane also starts, as local processes (no pods, no registry, no Docker):
# kube-controller-manager (garbagecollector and namespace controllers only, so
# deletions cascade), the four composition functions as mTLS gRPC servers (the
# three pinned ones and this project's, from dist/), and
# the real Crossplane core (`crossplane core start --package-runtime=External`)
# with its webhooks on, its `nousages` ValidatingWebhookConfiguration pointed at
# the local webhook port. Only Crossplane's and the ProviderConfig CRDs are
# installed: managed-resource CRDs come from provider packages (see
# test/reconcile/). DIR then also gets xp-pki/ (one CA and one
# localhost/127.0.0.1 certificate for serverAuth and clientAuth), xpkg-cache/
# (Crossplane's package cache, empty) and functions (one line per function:
# NAME ENDPOINT). PP_XP_ARGS adds flags to `crossplane core start`, one per
# word (e.g. PP_XP_ARGS='--circuit-breaker-burst=1000').
#
# DIR gets: kubeconfig (admin, group system:masters), kubeconfig-user (user
# pp-user, no RBAC grants: bind roles to it to test least privilege), env
# (`source DIR/env` exports KUBECONFIG and PP_* variables), pids, logs/.
#
# Environment: PP_CP_TIMEOUT (seconds to wait for readiness, default 90),
# PP_XP_ARGS (see --crossplane),
# PP_CP_SKIP_CRDS=1 (install no CRDs), PP_CP_KEEP=1 (`run` keeps its temp dir),
# PP_MANAGED_CRDS_LIST / PP_CACHE_DIR (passed to hack/tools.sh).
set -euo pipefail

HACK_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TOOLS="${HACK_DIR}/tools.sh"
REPO_DIR="$(dirname "$HACK_DIR")"
TIMEOUT="${PP_CP_TIMEOUT:-90}"
CROSSPLANE=0
# The processes of --crossplane mode, stopped before the API server.
XP_PROCS=(crossplane function-patch-and-transform function-cel-filter function-auto-ready function-payments-readiness kube-controller-manager)

die() { echo "control-plane.sh: $*" >&2; exit 1; }
log() { echo "control-plane.sh: $*" >&2; }

usage() {
  sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}" >&2
  exit 2
}

abs_dir() {
  mkdir -p "$1"
  (cd "$1" && pwd)
}

now_ms() { date +%s%3N; }

# port_in_use PORT: something accepts connections on 127.0.0.1:PORT.
port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# free_ports N: N distinct ports that nothing listens on now.
free_ports() {
  local -a ports=()
  local p
  while (( ${#ports[@]} < $1 )); do
    p=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
    [[ " ${ports[*]} " == *" $p "* ]] && continue
    port_in_use "$p" && continue
    ports+=("$p")
  done
  echo "${ports[@]}"
}

# alive PID DIR: PID runs and is one of ours (its command line names DIR).
# No pipe: under pipefail, `tr | grep -q` can fail with SIGPIPE although grep matched.
alive() {
  local cmdline
  [[ -n "$1" && -r "/proc/$1/cmdline" ]] || return 1
  cmdline="$(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null)" || return 1
  [[ "$cmdline" == *"$2/"* ]]
}

# wait_exec PID BIN: waits until the child PID has exec'd BIN. Between fork and exec a child still
# shows this script's command line, which `alive` would take for a process that is not ours: a
# start check in that window reported "exited during startup" and the stop then spared it.
wait_exec() {
  local want i
  want="$(readlink -f "$2")"
  for ((i = 0; i < 200; i++)); do
    [[ "$(readlink "/proc/$1/exe" 2>/dev/null)" == "$want" ]] && return 0
    kill -0 "$1" 2>/dev/null || return 0 # it died: wait_ready reports it, with the logs
    sleep 0.05
  done
  die "pid $1 did not start ${2} within 10 s"
}

pid_of() { # pid_of DIR NAME
  [[ -f "$1/pids" ]] || return 0
  awk -v n="$2" '$1 == n { print $2 }' "$1/pids"
}

set_pid() { # set_pid DIR NAME PID
  local tmp="$1/pids.tmp"
  { [[ ! -f "$1/pids" ]] || awk -v n="$2" '$1 != n' "$1/pids"; echo "$2 $3"; } >"$tmp"
  mv -f "$tmp" "$1/pids"
}

# kill_wait PID DIR NAME: TERM, then KILL after 10 s.
kill_wait() {
  local pid="$1" i
  alive "$pid" "$2" || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 100; i++)); do
    alive "$pid" "$2" || return 0
    sleep 0.1
  done
  log "$3 (pid ${pid}) did not stop after TERM; killing it"
  kill -KILL "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    alive "$pid" "$2" || return 0
    sleep 0.1
  done
  die "$3 (pid ${pid}) is still running"
}

log_tails() { # log_tails DIR
  local f
  for f in "$1"/logs/*.log; do
    [[ -f "$f" ]] || continue
    echo "----- last lines of ${f}" >&2
    tail -n 25 "$f" >&2
  done
}

make_pki() { # make_pki DIR
  local pki="$1/pki"
  [[ -f "${pki}/tokens.csv" ]] && return 0
  mkdir -p "$pki"
  chmod 0700 "$pki"
  # Self-signed serving certificate for 127.0.0.1/localhost; it is also the
  # CA that the kubeconfigs trust.
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "${pki}/apiserver.key" -out "${pki}/apiserver.crt" -days 30 \
    -subj "/CN=kube-apiserver" \
    -addext "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,IP:10.0.0.1" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,digitalSignature,keyEncipherment,keyCertSign" \
    -addext "extendedKeyUsage=serverAuth" 2>/dev/null
  # Service-account token signing key pair.
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "${pki}/sa.key" 2>/dev/null
  openssl pkey -in "${pki}/sa.key" -pubout -out "${pki}/sa.pub"
  # Static tokens: an admin in system:masters and an unprivileged user.
  printf '%s,admin,admin,"system:masters"\n%s,pp-user,pp-user,"pp-users"\n' \
    "$(openssl rand -hex 24)" "$(openssl rand -hex 24)" >"${pki}/tokens.csv"
  chmod 0600 "${pki}"/*.key "${pki}/tokens.csv"
}

write_kubeconfig() { # write_kubeconfig FILE SERVER CA_FILE USER TOKEN
  local ca
  ca="$(base64 -w0 <"$3")"
  cat >"$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: payment-platform-test
  cluster:
    server: $2
    certificate-authority-data: ${ca}
users:
- name: $4
  user:
    token: $5
contexts:
- name: $4@payment-platform-test
  context:
    cluster: payment-platform-test
    user: $4
current-context: $4@payment-platform-test
EOF
  chmod 0600 "$1"
}

start_etcd() { # start_etcd DIR CLIENT_PORT PEER_PORT
  local etcd
  etcd="$("$TOOLS" bin etcd)"
  "$etcd" --name pp --data-dir "$1/etcd" \
    --listen-client-urls "http://127.0.0.1:$2" --advertise-client-urls "http://127.0.0.1:$2" \
    --listen-peer-urls "http://127.0.0.1:$3" --initial-advertise-peer-urls "http://127.0.0.1:$3" \
    --initial-cluster "pp=http://127.0.0.1:$3" --initial-cluster-state new \
    --unsafe-no-fsync --log-level warn \
    </dev/null >>"$1/logs/etcd.log" 2>&1 &
  set_pid "$1" etcd "$!"
  wait_exec "$!" "$etcd"
}

start_apiserver() { # start_apiserver DIR (flags from DIR/apiserver.args)
  local apiserver
  local -a args
  apiserver="$("$TOOLS" bin kube-apiserver)"
  mapfile -t args <"$1/apiserver.args"
  "$apiserver" "${args[@]}" </dev/null >>"$1/logs/kube-apiserver.log" 2>&1 &
  set_pid "$1" kube-apiserver "$!"
  wait_exec "$!" "$apiserver"
}

# wait_ready DIR: waits for /readyz while both processes live.
wait_ready() {
  local dir="$1" deadline kubectl name pid
  kubectl="$("$TOOLS" bin kubectl)"
  deadline=$((SECONDS + TIMEOUT))
  while true; do
    for name in etcd kube-apiserver; do
      pid="$(pid_of "$dir" "$name")"
      if ! alive "$pid" "$dir"; then
        log_tails "$dir"
        echo "control-plane.sh: ${name} exited during startup (logs in ${dir}/logs)" >&2
        return 3
      fi
    done
    if [[ "$("$kubectl" --kubeconfig "${dir}/kubeconfig" --request-timeout=5s get --raw /readyz 2>/dev/null)" == ok ]]; then
      return 0
    fi
    if (( SECONDS >= deadline )); then
      log_tails "$dir"
      echo "control-plane.sh: kube-apiserver not ready after ${TIMEOUT} s (logs in ${dir}/logs)" >&2
      return 4
    fi
    sleep 0.25
  done
}

install_crds() { # install_crds DIR
  local dir="$1" kubectl deadline pending tmpl
  local -a names
  [[ "${PP_CP_SKIP_CRDS:-}" != 1 ]] || return 0
  kubectl="$("$TOOLS" bin kubectl)"
  rm -rf "${dir}/crds"
  if (( CROSSPLANE )); then
    # Managed-resource CRDs come from the provider packages (as MRDs) in this mode.
    : >"${dir}/managed-crds.none"
    PP_MANAGED_CRDS_LIST="${dir}/managed-crds.none" "$TOOLS" crds "${dir}/crds"
  else
    "$TOOLS" crds "${dir}/crds"
  fi
  if ! "$kubectl" --kubeconfig "${dir}/kubeconfig" apply --server-side --force-conflicts \
    --field-manager=pp-control-plane -f "${dir}/crds" -o name >"${dir}/crds.applied" 2>"${dir}/logs/crds-apply.log"; then
    tail -n 20 "${dir}/logs/crds-apply.log" >&2
    die "applying the CRDs failed (logs in ${dir}/logs)"
  fi
  mapfile -t names <"${dir}/crds.applied"
  (( ${#names[@]} > 0 )) || die "no CRDs were applied"
  printf '%s\n' "${names[@]##*/}" >"${dir}/crds.applied"
  # One list call per round (`kubectl wait`/`get NAME...` fetch the large CRDs
  # one by one, which costs seconds).
  tmpl='{{range .items}}{{.metadata.name}}{{range .status.conditions}}{{if eq .type "Established"}} {{.status}}{{end}}{{end}}{{"\n"}}{{end}}'
  deadline=$((SECONDS + TIMEOUT))
  while true; do
    pending="$({ "$kubectl" --kubeconfig "${dir}/kubeconfig" get crd -o go-template="${tmpl}" || true; } |
      awk 'NR == FNR { want[$1] = 1; next } $2 == "True" { delete want[$1] } END { for (n in want) print n }' \
        "${dir}/crds.applied" -)"
    [[ -n "$pending" ]] || break
    if (( SECONDS >= deadline )); then
      die "CRDs not Established within ${TIMEOUT} s: $(echo "$pending" | tr '\n' ' ')"
    fi
    sleep 0.2
  done
  log "installed ${#names[@]} CRDs"
}

# ---- --crossplane mode ------------------------------------------------------

# make_xp_pki DIR: one CA and one leaf certificate (SAN localhost, 127.0.0.1; serverAuth and
# clientAuth) as DIR/xp-pki/{ca.crt,tls.crt,tls.key}. The same files are each function's
# --tls-certs-dir (server certificate, and the CA that verifies Crossplane's client certificate),
# Crossplane's --tls-client-certs-dir (mTLS to functions) and --tls-server-certs-dir (webhooks),
# and the CA is the webhook configuration's caBundle.
make_xp_pki() {
  local pki="$1/xp-pki"
  [[ -f "${pki}/tls.crt" ]] && return 0
  mkdir -p "$pki"
  chmod 0700 "$pki"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "${pki}/ca.key" -out "${pki}/ca.crt" -days 30 -subj "/CN=payment-platform-test-ca" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "${pki}/tls.key" -out "${pki}/tls.csr" -subj "/CN=localhost" 2>/dev/null
  printf '%s\n' "subjectAltName=DNS:localhost,IP:127.0.0.1" "extendedKeyUsage=serverAuth,clientAuth" \
    "keyUsage=critical,digitalSignature,keyEncipherment" "basicConstraints=CA:FALSE" >"${pki}/leaf.ext"
  openssl x509 -req -in "${pki}/tls.csr" -CA "${pki}/ca.crt" -CAkey "${pki}/ca.key" -CAcreateserial \
    -out "${pki}/tls.crt" -days 30 -extfile "${pki}/leaf.ext" 2>/dev/null
  rm -f "${pki}/tls.csr" "${pki}/leaf.ext" "${pki}/ca.srl"
  chmod 0600 "${pki}"/*.key
}

# wait_port DIR NAME PORT: waits until 127.0.0.1:PORT accepts connections while NAME lives.
wait_port() {
  local deadline=$((SECONDS + TIMEOUT))
  until port_in_use "$3"; do
    if ! alive "$(pid_of "$1" "$2")" "$1"; then
      tail -n 25 "$1/logs/$2.log" >&2
      die "$2 exited during startup (logs in $1/logs)"
    fi
    (( SECONDS < deadline )) || die "$2 does not listen on 127.0.0.1:$3 after ${TIMEOUT} s"
    sleep 0.2
  done
}

start_kcm() { # start_kcm DIR
  local kcm
  kcm="$("$TOOLS" bin kube-controller-manager)"
  "$kcm" --kubeconfig="$1/kubeconfig" --controllers=garbagecollector,namespace \
    --leader-elect=false --use-service-account-credentials=false --secure-port=0 \
    --concurrent-gc-syncs=5 --v=2 </dev/null >>"$1/logs/kube-controller-manager.log" 2>&1 &
  set_pid "$1" kube-controller-manager "$!"
  wait_exec "$!" "$kcm"
}

start_functions() { # start_functions DIR: writes DIR/functions (NAME ENDPOINT per line)
  local fn bin port attempt
  local -a entry
  : >"$1/functions"
  for fn in function-patch-and-transform function-cel-filter function-auto-ready function-payments-readiness; do
    if [[ "$fn" == function-payments-readiness ]]; then
      # This project's own function (src/function), run by Node.js from the build.
      [[ -f "${REPO_DIR}/dist/src/function/main.js" ]] || die "dist/src/function/main.js is missing: run make build"
      bin="$(command -v node)"
      entry=("${REPO_DIR}/dist/src/function/main.js")
    else
      bin="$("$TOOLS" bin "$fn")"
      entry=()
    fi
    # A port free when chosen can be taken before the function binds it (another control plane
    # on a busy machine): a function that exits during startup gets another port, 5 times.
    for attempt in 1 2 3 4 5; do
      read -r port <<<"$(free_ports 1)"
      "$bin" "${entry[@]}" --tls-certs-dir="$1/xp-pki" --address="127.0.0.1:${port}" </dev/null >>"$1/logs/${fn}.log" 2>&1 &
      set_pid "$1" "$fn" "$!"
      wait_exec "$!" "$bin"
      if (( attempt < 5 )) && ! (wait_port "$1" "$fn" "$port") 2>/dev/null; then
        log "${fn} did not start on port ${port} (attempt ${attempt}), trying another port"
        kill_wait "$(pid_of "$1" "$fn")" "$1" "$fn"
        continue
      fi
      wait_port "$1" "$fn" "$port"
      break
    done
    echo "${fn} localhost:${port}" >>"$1/functions"
  done
}

# start_crossplane DIR: the real Crossplane core as a local process; waits for /readyz, then
# registers its nousages webhook.
start_crossplane() {
  local dir="$1" core kubectl wh_port met_port hp_port deadline a attempt exited
  local -a args
  core="$("$TOOLS" bin crossplane-core)"
  kubectl="$("$TOOLS" bin kubectl)"
  mkdir -p "${dir}/xpkg-cache"
  "$kubectl" --kubeconfig "${dir}/kubeconfig" create namespace crossplane-system >/dev/null
  # Ports free when chosen can be taken before Crossplane binds them (another control plane on a
  # busy machine): a Crossplane that exits during startup gets other ports, 5 times.
  for attempt in 1 2 3 4 5; do
    read -r wh_port met_port hp_port <<<"$(free_ports 3)"
    {
      printf '%s\n' core start --namespace=crossplane-system --package-runtime=External \
        "--xpkg-cache-dir=${dir}/xpkg-cache" "--tls-client-certs-dir=${dir}/xp-pki" \
        "--tls-server-certs-dir=${dir}/xp-pki" "--webhook-port=${wh_port}" "--metrics-port=${met_port}" \
        "--health-probe-port=${hp_port}" --enable-usages --enable-webhooks
      for a in ${PP_XP_ARGS:-}; do echo "$a"; done
    } >"${dir}/crossplane.args"
    mapfile -t args <"${dir}/crossplane.args"
    KUBECONFIG="${dir}/kubeconfig" "$core" "${args[@]}" </dev/null >>"${dir}/logs/crossplane.log" 2>&1 &
    set_pid "$dir" crossplane "$!"
    wait_exec "$!" "$core"
    deadline=$((SECONDS + TIMEOUT))
    exited=0
    until curl -fsS "http://127.0.0.1:${hp_port}/readyz" >/dev/null 2>&1; do
      if ! alive "$(pid_of "$dir" crossplane)" "$dir"; then
        exited=1
        break
      fi
      (( SECONDS < deadline )) || die "crossplane not ready after ${TIMEOUT} s (logs in ${dir}/logs)"
      sleep 0.5
    done
    (( exited == 0 )) && break
    tail -n 25 "${dir}/logs/crossplane.log" >&2
    (( attempt < 5 )) || die "crossplane exited during startup (logs in ${dir}/logs)"
    log "crossplane exited during startup (attempt ${attempt}), trying other ports"
  done
  # Crossplane's nousages webhook, by URL (a cluster install points it at a Service). Without it
  # Usages protect nothing: the deletion of a used resource would just go through.
  "$kubectl" --kubeconfig "${dir}/kubeconfig" apply -f - >/dev/null <<EOF
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  name: crossplane-no-usages
webhooks:
  - name: nousages.protection.crossplane.io
    admissionReviewVersions: [v1]
    clientConfig:
      url: https://localhost:${wh_port}/validate-no-usages
      caBundle: $(base64 -w0 <"${dir}/xp-pki/ca.crt")
    failurePolicy: Fail
    sideEffects: None
    objectSelector:
      matchLabels:
        crossplane.io/in-use: "true"
    rules:
      - apiGroups: ["*"]
        apiVersions: ["*"]
        operations: [DELETE]
        resources: ["*"]
EOF
  {
    printf 'export PP_XP_PKI=%q\n' "${dir}/xp-pki"
    printf 'export PP_XP_CACHE=%q\n' "${dir}/xpkg-cache"
    printf 'export PP_XP_FUNCTIONS=%q\n' "${dir}/functions"
    printf 'export PP_XP_METRICS_URL=%q\n' "http://127.0.0.1:${met_port}/metrics"
    printf 'export PP_XP_LOG=%q\n' "${dir}/logs/crossplane.log"
  } >>"${dir}/env"
}

start_crossplane_mode() { # start_crossplane_mode DIR
  local start_ms
  start_ms="$(now_ms)"
  make_xp_pki "$1"
  start_kcm "$1"
  start_functions "$1"
  start_crossplane "$1"
  log "kube-controller-manager, 4 functions (mTLS) and Crossplane core ready in $(( $(now_ms) - start_ms )) ms"
}

running() { # running DIR: both processes of DIR are alive
  alive "$(pid_of "$1" etcd)" "$1" && alive "$(pid_of "$1" kube-apiserver)" "$1"
}

cmd_start() {
  if [[ "${1:-}" == --crossplane ]]; then CROSSPLANE=1; shift; fi
  (( $# == 1 )) || usage
  local dir start_ms attempt rc etcd_port peer_port api_port server f kubectl
  dir="$(abs_dir "$1")"
  start_ms="$(now_ms)"
  # Build (or find) the binaries before starting anything.
  "$TOOLS" ensure kubernetes etcd >&2
  if (( CROSSPLANE )); then
    "$TOOLS" ensure crossplane-core function-patch-and-transform function-cel-filter function-auto-ready >&2
  fi
  kubectl="$("$TOOLS" bin kubectl)"

  if running "$dir"; then
    log "already running in ${dir} (source ${dir}/env)"
    return 0
  fi
  # Whatever a previous start left behind is stopped and started afresh.
  stop_all "$dir"
  rm -rf "${dir}/etcd" "${dir}/logs" "${dir}/crds" "${dir}/pids"
  mkdir -p "${dir}/logs"
  make_pki "$dir"

  for attempt in 1 2 3; do
    read -r etcd_port peer_port api_port <<<"$(free_ports 3)"
    server="https://127.0.0.1:${api_port}"
    cat >"${dir}/apiserver.args" <<EOF
--bind-address=127.0.0.1
--advertise-address=127.0.0.1
--secure-port=${api_port}
--etcd-servers=http://127.0.0.1:${etcd_port}
--tls-cert-file=${dir}/pki/apiserver.crt
--tls-private-key-file=${dir}/pki/apiserver.key
--token-auth-file=${dir}/pki/tokens.csv
--authorization-mode=RBAC
--service-account-issuer=https://kubernetes.default.svc.cluster.local
--service-account-key-file=${dir}/pki/sa.pub
--service-account-signing-key-file=${dir}/pki/sa.key
--service-cluster-ip-range=10.0.0.0/24
--allow-privileged=true
--profiling=false
--v=1
EOF
    write_kubeconfig "${dir}/kubeconfig" "$server" "${dir}/pki/apiserver.crt" admin \
      "$(awk -F, '$2 == "admin" { print $1 }' "${dir}/pki/tokens.csv")"
    write_kubeconfig "${dir}/kubeconfig-user" "$server" "${dir}/pki/apiserver.crt" pp-user \
      "$(awk -F, '$2 == "pp-user" { print $1 }' "${dir}/pki/tokens.csv")"
    {
      printf 'export KUBECONFIG=%q\n' "${dir}/kubeconfig"
      printf 'export PP_CP_DIR=%q\n' "$dir"
      printf 'export PP_KUBECONFIG_USER=%q\n' "${dir}/kubeconfig-user"
      printf 'export PP_APISERVER_URL=%q\n' "$server"
      printf 'export PP_ETCD_URL=%q\n' "http://127.0.0.1:${etcd_port}"
      printf 'export PP_KUBECTL=%q\n' "$kubectl"
      # shellcheck disable=SC2016 # $PATH is for whoever sources env
      printf 'export PATH=%q:"$PATH"\n' "${kubectl%/*}"
    } >"${dir}/env"
    start_etcd "$dir" "$etcd_port" "$peer_port"
    start_apiserver "$dir"
    rc=0
    wait_ready "$dir" || rc=$?
    (( rc != 0 )) || break
    stop_all "$dir"
    # A process that exits during startup (a port taken between the check and the bind, or an
    # etcd that died without a word on a loaded machine) gets two more tries on other ports.
    if (( rc == 3 )) && (( attempt < 3 )); then
      if grep -qs 'address already in use' "${dir}"/logs/*.log; then
        log "port clash, retrying with other ports"
      else
        log "a process exited during startup (attempt ${attempt}), retrying with other ports"
      fi
      rm -rf "${dir}/etcd" "${dir}/pids"
      for f in "${dir}"/logs/*.log; do mv -f "$f" "${f%.log}.attempt${attempt}"; done
      continue
    fi
    die "start failed"
  done
  log "kube-apiserver ready at ${server} in $(( $(now_ms) - start_ms )) ms"
  install_crds "$dir"
  if (( CROSSPLANE )); then start_crossplane_mode "$dir"; fi
  log "control plane ready in ${dir} in $(( $(now_ms) - start_ms )) ms (source ${dir}/env)"
}

stop_all() { # stop_all DIR
  local dir="$1" name
  for name in "${XP_PROCS[@]}"; do kill_wait "$(pid_of "$dir" "$name")" "$dir" "$name"; done
  kill_wait "$(pid_of "$dir" kube-apiserver)" "$dir" kube-apiserver
  kill_wait "$(pid_of "$dir" etcd)" "$dir" etcd
  rm -f "${dir}/pids"
}

cmd_stop() {
  (( $# == 1 )) || usage
  [[ -d "$1" ]] || die "no such directory: $1"
  local dir
  dir="$(abs_dir "$1")"
  stop_all "$dir"
  log "stopped ${dir}"
}

cmd_restart_apiserver() {
  (( $# == 1 )) || usage
  local dir start_ms
  dir="$(abs_dir "$1")"
  [[ -f "${dir}/apiserver.args" ]] || die "${dir} has no control plane (run start first)"
  alive "$(pid_of "$dir" etcd)" "$dir" || die "etcd of ${dir} is not running"
  start_ms="$(now_ms)"
  kill_wait "$(pid_of "$dir" kube-apiserver)" "$dir" kube-apiserver
  start_apiserver "$dir"
  wait_ready "$dir" || die "kube-apiserver did not come back"
  log "kube-apiserver restarted in $(( $(now_ms) - start_ms )) ms"
}

RUN_DIR=""
RUN_CHILD=""
run_cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [[ -n "$RUN_CHILD" ]] && kill -0 "$RUN_CHILD" 2>/dev/null; then
    kill -TERM "$RUN_CHILD" 2>/dev/null || true
    wait "$RUN_CHILD" 2>/dev/null || true
  fi
  if [[ -n "$RUN_DIR" ]]; then
    stop_all "$RUN_DIR" || true
    if [[ "${PP_CP_KEEP:-}" == 1 ]]; then
      log "kept ${RUN_DIR}"
    else
      rm -rf "$RUN_DIR"
    fi
  fi
  exit "$rc"
}

cmd_run() {
  local -a start_flags=()
  if [[ "${1:-}" == --crossplane ]]; then start_flags=(--crossplane); shift; fi
  [[ "${1:-}" == -- ]] && shift
  (( $# >= 1 )) || usage
  trap run_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  RUN_DIR="$(mktemp -d "${TMPDIR:-/tmp}/pp-control-plane.XXXXXX")"
  cmd_start "${start_flags[@]}" "$RUN_DIR"
  # shellcheck disable=SC1091
  source "${RUN_DIR}/env"
  export KUBECONFIG PP_CP_DIR PP_KUBECONFIG_USER PP_APISERVER_URL PP_ETCD_URL PP_KUBECTL PATH
  if (( CROSSPLANE )); then export PP_XP_PKI PP_XP_CACHE PP_XP_FUNCTIONS PP_XP_METRICS_URL PP_XP_LOG; fi
  # In the background, so that a signal reaches the traps at once.
  "$@" 0<&0 &
  RUN_CHILD=$!
  local rc=0
  wait "$RUN_CHILD" || rc=$?
  RUN_CHILD=""
  exit "$rc"
}

main() {
  (( $# >= 1 )) || usage
  local cmd="$1"
  shift
  case "$cmd" in
    start) cmd_start "$@" ;;
    stop) cmd_stop "$@" ;;
    restart-apiserver) cmd_restart_apiserver "$@" ;;
    run) cmd_run "$@" ;;
    *) usage ;;
  esac
}

main "$@"
