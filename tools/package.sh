#!/usr/bin/env bash
# Builds ClearCut's packages into build/packages/ from the build tree tools/setup.sh made:
# on Linux the DEBs clearcut_<version>_<arch>.deb and clearcut-model-isnet_<version>_all.deb
# and one archive, clearcut-<version>-linux-<arch>.tar.gz, to unpack and run anywhere.
# Idempotent: it rebuilds only what changed and replaces the packages.
#
#   tools/setup.sh && tools/package.sh
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build="${CLEARCUT_BUILD_DIR:-$root/build}"

[ -f "$build/CMakeCache.txt" ] || { echo "package: no build in $build: run tools/setup.sh first" >&2; exit 2; }
# The model package needs the converted model and its licence beside it.
"$root/tools/fetch_model.sh" >/dev/null
# Packages install under /usr (a build configured before setup said so is brought in line), and
# a model that appeared since the build was configured is picked up.
cmake "$build" -DCMAKE_INSTALL_PREFIX=/usr >/dev/null
cmake --build "$build" -j "$(nproc)"
rm -f "$build"/packages/*.deb "$build"/packages/*.tar.gz
(cd "$build" && cpack --config CPackConfig.cmake)
echo "packages in $build/packages:"
ls -1 "$build"/packages/*.deb "$build"/packages/*.tar.gz
