#!/usr/bin/env bash
# Idempotent set-up for a fresh machine of this kind (Node.js, npm, a C toolchain, root).
# Installs what is missing: npm dependencies (including bun, pinned), clang from Debian's packages,
# then builds the native library. Quiet when everything is already in place.
# Usage: scripts/setup.sh [--with-redis]   (--with-redis also installs what the tests need from Debian's
# packages: redis-server and redis-tools, the reference server; chromium, the browser that loads /dashboard)
set -euo pipefail
cd "$(dirname "$0")/.."

apt_updated=0
apt_install() {
  if [ "$(id -u)" != 0 ]; then SUDO=sudo; else SUDO=; fi
  if [ "$apt_updated" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get update -qq >/dev/null
    apt_updated=1
  fi
  echo "setup: installing $* from Debian's packages" >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}

# npm dependencies: reinstall when package-lock.json is newer than the install marker.
if [ ! -x node_modules/.bin/bun ] || [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
fi

if ! command -v clang >/dev/null 2>&1; then apt_install clang; fi

if [ "${1:-}" = "--with-redis" ]; then
  if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
    apt_install redis-server redis-tools
    # Debian's package starts a service on 6379; Bunker's default port. Stop it: tests start their own.
    (service redis-server stop || systemctl stop redis-server || true) >/dev/null 2>&1
  fi
  if ! command -v chromium >/dev/null 2>&1; then apt_install chromium; fi
fi

make -s -C native >&2
