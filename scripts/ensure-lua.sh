#!/usr/bin/env bash
# Installs Debian's Lua 5.1 (the Lua dialect of Argo CD's gopher-lua) when it is missing, so the
# Argo CD health check in examples/argocd is tested by a real interpreter.
set -euo pipefail
if command -v lua5.1 >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "lua5.1 is missing: install Debian's lua5.1 package (apt-get install lua5.1)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -qq lua5.1 >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq lua5.1; }
command -v lua5.1 >/dev/null
