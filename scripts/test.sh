#!/usr/bin/env bash
# The full test suite: set-up, type check, native build and C tests, then bun test
# (unit, integration, crash and differential tests against a real redis-server).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --with-redis
export PATH="$PWD/node_modules/.bin:$PATH"
echo "== tsc --noEmit"
tsc --noEmit -p .
echo "== native C tests"
make -s -C native test
echo "== bun test"
bun test --timeout 120000 "$@"
