#!/usr/bin/env bash
# The `packaging` test: builds the DEBs from this build tree with CPack and checks them as a
# machine that never built ClearCut would meet them. Every failed check is named; the exit code
# is the number of failed checks (0: all passed).
#
#   tests/packaging/test_packages.sh BUILD_DIR PHOTO
set -uo pipefail

build=$(cd "$1" && pwd)
photo=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/clearcut-packages.XXXXXX")
trap 'rm -rf "$work"' EXIT

passed=0
failed=0
check() { # check "what" command...
    local what=$1
    shift
    if "$@" >"$work/check.log" 2>&1; then
        passed=$((passed + 1))
        echo "PASS: $what"
    else
        failed=$((failed + 1))
        echo "FAIL: $what"
        sed 's/^/    /' "$work/check.log" | head -n 40
    fi
}

echo "== building the DEBs (cpack)"
start=$(date +%s)
if ! (cd "$build" && cpack --config CPackConfig.cmake -G DEB -B "$work/packages") >"$work/cpack.log" 2>&1; then
    cat "$work/cpack.log"
    echo "FAIL: cpack could not build the packages"
    exit 1
fi
echo "   $(($(date +%s) - start)) s"
app=$(ls "$work"/packages/clearcut_*.deb 2>/dev/null | head -n 1)
model=$(ls "$work"/packages/clearcut-model-isnet_*_all.deb 2>/dev/null | head -n 1)
check "both packages were built (clearcut, clearcut-model-isnet)" test -f "$app" -a -f "$model"
if [ ! -f "$app" ] || [ ! -f "$model" ]; then echo "$passed passed, $failed failed"; exit 1; fi

dpkg-deb -c "$app" | awk '{print $6}' >"$work/app.files"
dpkg-deb -c "$model" | awk '{print $6}' >"$work/model.files"
version=$(dpkg-deb -f "$app" Version)

outside_usr() { ! grep -vE '^\./(usr/.*)?$' "$work/app.files" "$work/model.files"; }
check "every file is under /usr" outside_usr
check "clearcut-cli is in /usr/bin" grep -qx './usr/bin/clearcut-cli' "$work/app.files"
check "clearcut is in /usr/bin" grep -qx './usr/bin/clearcut' "$work/app.files"
check "the inference library is in a private library folder" \
    grep -qE '^\./usr/lib/([^/]+/)?clearcut/libclearcut_inference\.so$' "$work/app.files"
check "the model is in the model package" \
    grep -qx './usr/share/clearcut/models/isnet.pt' "$work/model.files"
check "the model's sidecar is in the model package" \
    grep -qx './usr/share/clearcut/models/isnet.json' "$work/model.files"
check "the model is not in the app package" bash -c "! grep -q 'isnet.pt' '$work/app.files'"
check "each package has its copyright file" bash -c \
    "grep -qx './usr/share/doc/clearcut/copyright' '$work/app.files' &&
     grep -qx './usr/share/doc/clearcut-model-isnet/copyright' '$work/model.files'"
check "the model's copyright names the DIS authors and the AGPL-3.0" bash -c \
    "dpkg-deb --fsys-tarfile '$model' | tar -xO ./usr/share/doc/clearcut-model-isnet/copyright |
     grep -q 'Xuebin Qin' && dpkg-deb --fsys-tarfile '$model' |
     tar -xO ./usr/share/doc/clearcut-model-isnet/copyright | grep -q 'GNU Affero General Public License'"

depends=$(dpkg-deb -f "$app" Depends)
echo "   Depends: $depends"
for lib in libqt6widgets6 libqt6gui6 libtorch libopencv-imgcodecs libopencv-imgproc libtcmalloc-minimal4 libdeflate0 libopenblas0-openmp qt6-qpa-plugins "clearcut-model-isnet (= $version)"; do
    check "Depends names $lib" grep -qF "$lib" <<<"$depends"
done
check "Depends does not name the reference BLAS" bash -c "! grep -qE '(^|[ ,])libblas3' <<<'$depends'"
check "each package has a synopsis of its own" bash -c \
    "dpkg-deb -f '$app' Description | head -n 1 | grep -qx 'remove photo backgrounds on this computer' &&
     dpkg-deb -f '$model' Description | head -n 1 | grep -qx 'ISNet background-removal model for ClearCut'"
check "the model package is architecture-independent" \
    test "$(dpkg-deb -f "$model" Architecture)" = all

mkdir -p "$work/tree"
dpkg-deb -x "$app" "$work/tree"
dpkg-deb -x "$model" "$work/tree"
tree=$work/tree

no_build_paths() {
    local f bad=0
    for f in "$tree"/usr/bin/* "$tree"/usr/lib/*/clearcut/*.so "$tree"/usr/lib/clearcut/*.so; do
        [ -f "$f" ] || continue
        if readelf -d "$f" | grep -qE 'RPATH|RUNPATH'; then echo "$f has an RPATH"; bad=1; fi
        if grep -qaF "$build" "$f"; then echo "$f names the build folder $build"; bad=1; fi
    done
    return $bad
}
check "no RPATH and no build path in the binaries" no_build_paths
check "desktop-file-validate passes" desktop-file-validate "$tree"/usr/share/applications/*.desktop
check "appstreamcli validate --no-net passes" appstreamcli validate --no-net "$tree"/usr/share/metainfo/*.metainfo.xml
lintian_clean() {
    lintian --no-tag-display-limit "$app" "$model" >"$work/lintian.log" 2>&1
    cat "$work/lintian.log"
    ! grep -qE '^[EW]: ' "$work/lintian.log"
}
check "lintian reports no errors or warnings" lintian_clean

# Run the unpacked tree in place, with an empty home: the model must come from the package.
home="$work/home"
mkdir -p "$home" "$work/out"
run_tree() {
    env -i PATH=/usr/bin:/bin HOME="$home" LANG=en_US.UTF-8 \
        XDG_DATA_DIRS="$tree/usr/share" XDG_CONFIG_HOME="$home/.config" \
        XDG_RUNTIME_DIR="$work/runtime" QT_QPA_PLATFORM=offscreen "$@"
}
mkdir -p -m 700 "$work/runtime"
cli_cuts() {
    run_tree "$tree/usr/bin/clearcut-cli" -s "$photo" -d "$work/out" --timings || return 1
    local name
    name=$(basename "${photo%.*}")
    /usr/bin/python3 - "$work/out/${name}_rgba.png" <<'PY'
import sys
import numpy
from PIL import Image
img = Image.open(sys.argv[1])
assert img.mode == "RGBA", f"not an RGBA PNG: {img.mode}"
alpha = numpy.asarray(img)[:, :, 3]
opaque, clear = (alpha >= 250).mean(), (alpha <= 5).mean()
print(f"{sys.argv[1]}: {img.width}x{img.height}, opaque {opaque:.1%}, transparent {clear:.1%}")
assert opaque > 0.02 and clear > 0.02, "the cut-out is not a cut-out"
PY
}
check "the unpacked clearcut-cli cuts $(basename "$photo") with an empty HOME" cli_cuts
check "nothing was written into the empty HOME but settings" \
    bash -c "! find '$home' -name 'isnet*' | grep -q ."
gui_smoke() {
    local report
    report=$(run_tree "$tree/usr/bin/clearcut" --smoke "$photo" "$work/smoke.png") || return 1
    echo "$report"
    /usr/bin/python3 - "$report" <<'PY'
import json, sys
r = json.loads(sys.argv[1].strip().splitlines()[-1])
assert r["ok"], r
assert r["toolbar_icons"] >= 8, f"toolbar icons: {r['toolbar_icons']}"
assert r["window_icon"], "no window icon"
assert r["translation"].endswith("clearcut_en.qm"), f"translation: {r['translation']!r}"
PY
}
check "the unpacked clearcut --smoke works, with its icons and translation" gui_smoke
check "one version: clearcut-cli --version, clearcut --version and the metainfo's release" bash -c \
    "'$tree/usr/bin/clearcut-cli' --version | grep -qx 'clearcut-cli $version' &&
     QT_QPA_PLATFORM=offscreen '$tree/usr/bin/clearcut' --version | grep -qx 'ClearCut $version' &&
     grep -q '<release version=\"$version\"' '$tree'/usr/share/metainfo/*.metainfo.xml"

echo "$passed passed, $failed failed"
exit "$failed"
