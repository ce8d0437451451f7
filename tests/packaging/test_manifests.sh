#!/usr/bin/env bash
# The `manifests` test: packaging/kubernetes/*.yaml against Kubernetes' schema and ClearCut's
# rules, and against packaging/container/Dockerfile, plus `bash -n` of the container scripts
# (tests/packaging/manifest-check/validate-manifests.mjs says what is checked).
#
#   tests/packaging/test_manifests.sh BUILD_DIR
#
# The checker's npm packages (tests/packaging/manifest-check/package-lock.json: kubernetes-models
# and yaml, pinned) are installed with `npm ci --ignore-scripts` into BUILD_DIR/manifest-check the
# first time, and again only when the lock file changes (~10 s, from the npm registry or npm's
# cache). Then the run takes about a second.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=$(mkdir -p "$1" && cd "$1" && pwd)
check_src=$here/manifest-check
modules=$build/manifest-check

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "FAIL: node and npm are needed (tools/setup.sh installs them)"
    exit 1
fi
node -e 'process.exit(parseInt(process.versions.node) >= 18 ? 0 : 1)' \
    || { echo "FAIL: Node.js 18 or later is needed (found $(node --version))"; exit 1; }

stamp=$modules/node_modules/.clearcut-lock.sha256
want=$(sha256sum "$check_src/package-lock.json" | cut -d' ' -f1)
if [[ ! -f $stamp || $(cat "$stamp") != "$want" ]]; then
    echo "== installing the checker's packages (npm ci) into $modules"
    mkdir -p "$modules"
    cp "$check_src/package.json" "$check_src/package-lock.json" "$modules/"
    (cd "$modules" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) \
        || { echo "FAIL: npm ci in $modules (is the npm registry reachable?)"; exit 1; }
    echo "$want" >"$stamp"
fi

exec node "$check_src/validate-manifests.mjs" "$modules" "$repo/packaging/kubernetes" \
    "$repo/packaging/container"
