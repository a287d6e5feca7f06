#!/usr/bin/env bash
# Regenerate go.mod/go.sum of the kubernetes wrapper module.
#
# k8s.io/kubernetes requires its staging modules (k8s.io/api, k8s.io/client-go,
# ...) at v0.0.0 and replaces them with ./staging/src/...; those replaces are
# ignored when it is used as a dependency, so this wrapper replaces every
# staging module with its published tag v0.<minor>.<patch>. The list is read
# from the go.mod of the chosen k8s.io/kubernetes version, because it changes
# between minor releases.
#
# Usage: hack/tools/kubernetes/gen-replaces.sh [vX.Y.Z]
#   default version: the k8s.io/kubernetes version already required in go.mod.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
export GOFLAGS="${GOFLAGS:-} -mod=mod"
export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"

version="${1:-}"
if [[ -z "$version" ]]; then
  version="$(awk '$1 == "k8s.io/kubernetes" && $2 ~ /^v/ { print $2 } $1 == "require" && $2 == "k8s.io/kubernetes" { print $3 }' go.mod)"
fi
if [[ ! "$version" =~ ^v1\.([0-9]+)\.([0-9]+)$ ]]; then
  echo "gen-replaces: expected a k8s.io/kubernetes release like v1.36.3, got '${version}'" >&2
  exit 2
fi
staging_version="v0.${BASH_REMATCH[1]}.${BASH_REMATCH[2]}"

upstream_mod="$(go list -m -f '{{.GoMod}}' "k8s.io/kubernetes@${version}")"
if [[ ! -s "$upstream_mod" ]]; then
  echo "gen-replaces: could not download the go.mod of k8s.io/kubernetes@${version}" >&2
  exit 1
fi

# Staging modules = every local-path replace in the upstream go.mod.
# (Lines `k8s.io/x => ./staging/src/k8s.io/x`, inside a replace block or not.)
mapfile -t staging < <(awk '
  $1 == "replace" { $1 = "" ; $0 = $0 }
  $2 == "=>" && $3 ~ /^\.\/staging\// { print $1 }
' "$upstream_mod" | sort -u)
if (( ${#staging[@]} == 0 )); then
  echo "gen-replaces: no ./staging replaces found in ${upstream_mod}" >&2
  exit 1
fi

# Drop the old replaces, then write the new ones.
mapfile -t old < <(awk '
  $1 == "replace" { $1 = "" ; $0 = $0 }
  $2 == "=>" { print $1 }
' go.mod)
args=()
for m in "${old[@]}"; do args+=("-dropreplace=${m}"); done
for m in "${staging[@]}"; do args+=("-replace=${m}=${m}@${staging_version}"); done
go mod edit "${args[@]}" "-require=k8s.io/kubernetes@${version}"

go mod tidy
echo "gen-replaces: k8s.io/kubernetes ${version}, ${#staging[@]} staging modules at ${staging_version}"
