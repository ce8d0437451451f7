#!/usr/bin/env bash
# Fetch the ISNet (DIS) background-removal model and convert it for ClearCut.
#
#   tools/fetch_model.sh            # install into the model directory (no-op if up to date)
#   tools/fetch_model.sh --force    # reconvert even if up to date
#
# Model directory: ${CLEARCUT_MODEL_DIR:-$HOME/.local/share/ClearCut/models}
#   isnet.pt    TorchScript model (fp32)
#   isnet.json  sidecar (preprocessing, provenance, converter_version)
#   isnet.LICENSE.md  the npm package's licence (AGPL-3.0), for the model package's copyright
# Cache directory: ${XDG_CACHE_HOME:-$HOME/.cache}/ClearCut
#   imgly-background-removal-data-1.4.5.tgz  npm tarball (sha256 checked)
#   isnet_medium.onnx                         reassembled ONNX (sha256 checked; used by parity tests)
#
# Needs: npm (first run only, unless the tarball or the ONNX is already cached),
# tar, sha256sum, /usr/bin/python3 with torch and onnx (Debian python3-torch, python3-onnx).
set -euo pipefail

PKG_NAME="@imgly/background-removal-data"
PKG_VERSION="1.4.5"
PKG="${PKG_NAME}@${PKG_VERSION}"
TGZ_NAME="imgly-background-removal-data-${PKG_VERSION}.tgz"
TGZ_SHA256="ca7789abb39370727c9a098310b53bce41518d200000423c7107f8c01bbce946"
RESOURCE="/models/medium"
ONNX_SHA256="b6e8497ba978a6f5fbb647e419d2696cd80df5a23cb6a8ea532021911bd76acb"

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PROG=fetch_model
# shellcheck source=tools/model_env.sh
source "$SCRIPT_DIR/model_env.sh"
CONVERTER="${SCRIPT_DIR}/convert_isnet.py"
TGZ="${CACHE_DIR}/${TGZ_NAME}"

parse_force_args 15 "$@"

[[ -f "$CONVERTER" ]] || die "converter not found: $CONVERTER"
[[ -x "$PYTHON" ]] || die "$PYTHON not found (install python3, python3-torch, python3-onnx)"

# converter_version is defined once, in the converter.
CONVERTER_VERSION="$(sed -n 's/^CONVERTER_VERSION = \([0-9][0-9]*\)$/\1/p' "$CONVERTER")"
[[ -n "$CONVERTER_VERSION" ]] || die "cannot read CONVERTER_VERSION from $CONVERTER"

# Prints the reason the installed model is stale, or nothing if it is current.
model_staleness() {
  local pt="$MODEL_DIR/isnet.pt" js="$MODEL_DIR/isnet.json"
  [[ -s "$pt" ]] || { echo "no $pt"; return; }
  [[ -s "$js" ]] || { echo "no $js"; return; }
  "$PYTHON" - "$js" "$CONVERTER_VERSION" "$ONNX_SHA256" <<'EOF' 2>&1 || echo "unreadable $js"
import json, sys
path, version, sha = sys.argv[1], int(sys.argv[2]), sys.argv[3]
try:
    j = json.load(open(path))
    have_v, have_sha = j.get("converter_version"), j.get("source", {}).get("onnx_sha256")
except Exception as e:
    print(f"unreadable {path}: {e}"); sys.exit(0)
if have_v != version:
    print(f"converter_version {have_v} != {version}")
elif have_sha != sha:
    print(f"onnx_sha256 {have_sha} != {sha}")
EOF
}

# The npm package's licence travels with the model (packages carry it). Taken from the cached
# tarball; an install made before this was kept gets it on the next run.
LICENCE="$MODEL_DIR/isnet.LICENSE.md"
ensure_licence() {
  [[ -s "$LICENCE" ]] && return 0
  if [[ ! -f "$TGZ" ]]; then
    log "warning: no $TGZ to take the model's licence from; run with --force to fetch it again"
    return 0
  fi
  local tmp
  tmp="$(mktemp -d)"
  tar -xzf "$TGZ" -C "$tmp" --no-same-owner package/LICENSE.md \
    || { rm -rf "$tmp"; die "$TGZ_NAME has no package/LICENSE.md"; }
  mv -f "$tmp/package/LICENSE.md" "$LICENCE"
  rm -rf "$tmp"
  log "kept the model's licence: $LICENCE"
}

if [[ $FORCE -eq 0 ]]; then
  reason="$(model_staleness)"
  if [[ -z "$reason" ]]; then
    ensure_licence
    echo "model up to date: $MODEL_DIR/isnet.pt"
    exit 0
  fi
  log "installing model ($reason)"
fi

mkdir -p "$CACHE_DIR" "$MODEL_DIR" || die "cannot create $CACHE_DIR or $MODEL_DIR"

# One run at a time per cache directory.
exec 9>"$CACHE_DIR/.fetch_model.lock"
if command -v flock >/dev/null 2>&1; then
  flock 9 || die "cannot lock $CACHE_DIR/.fetch_model.lock"
  # another run may have finished the job while we waited
  if [[ $FORCE -eq 0 && -z "$(model_staleness)" ]]; then
    ensure_licence
    echo "model up to date: $MODEL_DIR/isnet.pt"
    exit 0
  fi
fi

TMP="$(mktemp -d "${CACHE_DIR}/.fetch_model.XXXXXX")"
MODEL_TMP=""
cleanup() {
  rm -rf "$TMP"
  if [[ -n "$MODEL_TMP" ]]; then rm -f "$MODEL_TMP.pt" "$MODEL_TMP.json"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

# --- 1. ONNX (reassembled from the npm package) --------------------------------
if [[ -f "$ONNX" && "$(sha256_of "$ONNX")" == "$ONNX_SHA256" ]]; then
  log "using cached $ONNX"
else
  [[ -e "$ONNX" ]] && { log "cached $ONNX has the wrong sha256; rebuilding it"; rm -f "$ONNX"; }

  if [[ -f "$TGZ" ]]; then
    log "using cached $TGZ"
  else
    command -v npm >/dev/null 2>&1 || die "npm not found; it is needed once to download $PKG"
    log "downloading $PKG with npm pack (about 136 MB)"
    mkdir "$TMP/pack"
    ( cd "$TMP/pack" && npm pack "$PKG" --silent >/dev/null ) \
      || die "npm pack $PKG failed (is the npm registry reachable?)"
    [[ -f "$TMP/pack/$TGZ_NAME" ]] || die "npm pack did not produce $TGZ_NAME"
    mv -f "$TMP/pack/$TGZ_NAME" "$TGZ"
  fi
  got="$(sha256_of "$TGZ")"
  if [[ "$got" != "$TGZ_SHA256" ]]; then
    rm -f "$TGZ"
    die "$TGZ_NAME sha256 mismatch: got $got, expected $TGZ_SHA256 (deleted; rerun to download again)"
  fi

  log "extracting $RESOURCE chunks"
  mkdir "$TMP/x"
  tar -xzf "$TGZ" -C "$TMP/x" --no-same-owner package/dist/resources.json \
    || die "$TGZ_NAME has no package/dist/resources.json"
  # chunk list in order; checks offsets are contiguous and end at the stated size
  chunks="$("$PYTHON" - "$TMP/x/package/dist/resources.json" "$RESOURCE" <<'EOF'
import json, re, sys
res = json.load(open(sys.argv[1])).get(sys.argv[2])
if not res:
    sys.exit(f"resources.json has no entry {sys.argv[2]}")
pos = 0
for c in res["chunks"]:
    a, b = c["offsets"]
    if a != pos or b <= a or not re.fullmatch(r"[0-9a-f]{64}", c["hash"]):
        sys.exit(f"bad chunk entry {c}")
    print(c["hash"], b - a)
    pos = b
if pos != res["size"]:
    sys.exit(f"chunks cover {pos} bytes, size is {res['size']}")
EOF
)" || die "cannot read the chunk list of $RESOURCE from resources.json"
  members=()
  while read -r hash _; do members+=("package/dist/$hash"); done <<<"$chunks"
  tar -xzf "$TGZ" -C "$TMP/x" --no-same-owner "${members[@]}" \
    || die "$TGZ_NAME is missing chunks of $RESOURCE"

  log "reassembling isnet_medium.onnx (${#members[@]} chunks)"
  : >"$TMP/isnet_medium.onnx"
  while read -r hash len; do
    f="$TMP/x/package/dist/$hash"
    [[ "$(stat -c %s "$f")" == "$len" ]] || die "chunk $hash has the wrong size"
    [[ "$(sha256_of "$f")" == "$hash" ]] || die "chunk $hash has the wrong sha256"
    cat "$f" >>"$TMP/isnet_medium.onnx"
  done <<<"$chunks"
  got="$(sha256_of "$TMP/isnet_medium.onnx")"
  [[ "$got" == "$ONNX_SHA256" ]] \
    || die "reassembled ONNX sha256 mismatch: got $got, expected $ONNX_SHA256"
  mv -f "$TMP/isnet_medium.onnx" "$ONNX"
  log "wrote $ONNX"
fi

# --- 2. Convert to TorchScript, then rename into place ----------------------------
MODEL_TMP="$MODEL_DIR/.isnet.tmp.$$"
log "converting to TorchScript (a few seconds)"
"$PYTHON" "$CONVERTER" --onnx "$ONNX" --out "$MODEL_TMP" \
  || die "conversion failed (see the messages above)"
[[ -s "$MODEL_TMP.pt" && -s "$MODEL_TMP.json" ]] || die "converter did not write $MODEL_TMP.pt/.json"
# .json last: it is what marks the model as installed and current
mv -f "$MODEL_TMP.pt" "$MODEL_DIR/isnet.pt"
mv -f "$MODEL_TMP.json" "$MODEL_DIR/isnet.json"
MODEL_TMP=""
rm -f "$LICENCE"
ensure_licence
echo "model installed: $MODEL_DIR/isnet.pt"
