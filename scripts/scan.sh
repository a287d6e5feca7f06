#!/usr/bin/env bash
# The external judge (issue 6): checkov on the Helm chart's Kubernetes objects and on the
# production example's composed resources expressed as Terraform. See scan/README.md.
#
# Usage:
#   scripts/scan.sh [ARGS...]   run the scan (make scan); ARGS go to dist/src/scan/main.js
#                               (--claim FILE, --exceptions FILE, --keep DIR)
#   scripts/scan.sh checkov     print the pinned checkov's path, installing it if it is missing
#
# checkov comes from PyPI, pinned with its dependencies in scan/requirements.txt, installed into
# a virtualenv outside the repository, so that fresh clones reuse it:
#   ${PP_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/payment-platform}/checkov-<version>/
set -euo pipefail

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REQUIREMENTS="${REPO_DIR}/scan/requirements.txt"
CACHE_DIR="${PP_CACHE_DIR:-${XDG_CACHE_HOME:-${HOME}/.cache}/payment-platform}"
[[ "$CACHE_DIR" == /* ]] || CACHE_DIR="${PWD}/${CACHE_DIR}"

die() { echo "scan.sh: $*" >&2; exit 1; }

checkov_version() {
  local v
  v="$(sed -n 's/^checkov==\([0-9][0-9.]*\)[[:space:]]*$/\1/p' "$REQUIREMENTS")"
  [[ -n "$v" ]] || die "${REQUIREMENTS} must pin checkov==<version>"
  echo "$v"
}

# python_for_venv: the interpreter to build the virtualenv with (3.11 preferred, >= 3.9).
python_for_venv() {
  local p
  for p in "${PP_PYTHON:-}" python3.11 python3; do
    [[ -n "$p" ]] || continue
    if command -v "$p" >/dev/null 2>&1 &&
      "$p" -c 'import sys, venv; sys.exit(0 if sys.version_info >= (3, 9) else 1)' 2>/dev/null; then
      command -v "$p"
      return 0
    fi
  done
  die "no Python >= 3.9 with the venv module (python3.11 preferred) to install checkov into"
}

# ensure_checkov: installs the pinned checkov unless the cache has it; prints its path.
ensure_checkov() {
  local version venv stamp want python lock_fd log
  version="$(checkov_version)"
  venv="${CACHE_DIR}/checkov-${version}"
  stamp="${venv}/.requirements.sha256"
  want="$(sha256sum "$REQUIREMENTS" | cut -d' ' -f1)"
  if [[ -x "${venv}/bin/checkov" && "$(cat "$stamp" 2>/dev/null)" == "$want" ]]; then
    echo "${venv}/bin/checkov"
    return 0
  fi
  mkdir -p "$CACHE_DIR"
  # One installer per version; the others wait, then find it installed.
  exec {lock_fd}>"${CACHE_DIR}/.checkov-${version}.lock"
  if command -v flock >/dev/null; then flock "$lock_fd"; fi
  if [[ -x "${venv}/bin/checkov" && "$(cat "$stamp" 2>/dev/null)" == "$want" ]]; then
    echo "${venv}/bin/checkov"
    return 0
  fi
  python="$(python_for_venv)"
  log="${CACHE_DIR}/.checkov-${version}.log"
  echo "installing checkov ${version} into ${venv} (log: ${log}) ..." >&2
  rm -rf "$venv" # a virtualenv cannot be moved into place, so an unfinished one is removed
  if ! {
    "$python" -m venv "$venv" &&
      "${venv}/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
        --requirement "$REQUIREMENTS" &&
      "${venv}/bin/python" -m pip check --disable-pip-version-check
  } >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    rm -rf "$venv"
    die "installing checkov ${version} failed (full log: ${log})"
  fi
  local got
  got="$("${venv}/bin/checkov" --version 2>/dev/null)" || die "checkov ${version} does not start (log: ${log})"
  [[ "$got" == "$version" ]] || die "installed checkov reports ${got}, pinned ${version}"
  echo "$want" >"$stamp"
  exec {lock_fd}>&-
  echo "installed checkov ${version}" >&2
  echo "${venv}/bin/checkov"
}

main() {
  case "${1:-}" in
    checkov)
      ensure_checkov
      ;;
    -h | --help | help)
      sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}" >&2
      ;;
    *)
      local checkov helm
      checkov="$(ensure_checkov)"
      helm="$("${REPO_DIR}/hack/tools.sh" bin helm)"
      [[ -f "${REPO_DIR}/dist/src/scan/main.js" ]] || die "dist/src/scan/main.js is missing: run make build (make scan does)"
      cd "$REPO_DIR"
      exec node dist/src/scan/main.js --checkov "$checkov" --helm "$helm" "$@"
      ;;
  esac
}

main "$@"
