#!/usr/bin/env bash
# Make the default model's int8 variant, isnet-int8.pt and isnet-int8.json beside isnet.pt, with
# tools/quantize_isnet.py, calibrated and validated on scikit-image's sample photos
# (tools/calibration_photos.sh). About 15 minutes on 2 cores; a no-op when the variant is current.
#
#   tools/make_int8_model.sh            # make it unless it is current
#   tools/make_int8_model.sh --force    # make it again
#
# Current: its sidecar was written by this quantiser version from the ONNX the float model was
# converted from. The engine's `auto` precision runs the variant only when the accuracy its
# sidecar records is within the parity bounds; the sidecar says which (within_bounds).
# Needs: the ONNX that tools/fetch_model.sh caches, apt-get's package lists (the photos), and
# /usr/bin/python3 with torch and onnx.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PROG=make_int8_model
# shellcheck source=tools/model_env.sh
source "$SCRIPT_DIR/model_env.sh"
QUANTIZER="$SCRIPT_DIR/quantize_isnet.py"

parse_force_args 13 "$@"

[[ -s "$MODEL_DIR/isnet.json" ]] || die "no $MODEL_DIR/isnet.json: run tools/fetch_model.sh first"
[[ -s "$ONNX" ]] || die "no $ONNX: run tools/fetch_model.sh first"

# Prints why the variant is stale, or nothing when it is current.
staleness() {
    "$PYTHON" - "$MODEL_DIR" "$QUANTIZER" <<'EOF' 2>&1 || echo "cannot read the sidecars"
import json, os, re, sys
folder, quantizer = sys.argv[1], sys.argv[2]
version = int(re.search(r"^QUANTIZER_VERSION = (\d+)$", open(quantizer).read(), re.M).group(1))
variant = os.path.join(folder, "isnet-int8.json")
if not os.path.isfile(variant) or not os.path.isfile(os.path.join(folder, "isnet-int8.pt")):
    print(f"no {variant}")
    sys.exit(0)
have = json.load(open(variant))
base = json.load(open(os.path.join(folder, "isnet.json")))
made_by = have.get("quantization", {}).get("quantizer_version")
if made_by != version:
    print(f"quantizer_version {made_by} != {version}")
elif have.get("source", {}).get("onnx_sha256") != base.get("source", {}).get("onnx_sha256"):
    print("made from another ONNX than the float model")
EOF
}

if [[ $FORCE -eq 0 ]]; then
    reason="$(staleness)"
    if [[ -z "$reason" ]]; then
        echo "int8 model up to date: $MODEL_DIR/isnet-int8.pt"
        exit 0
    fi
    log "making the int8 model ($reason; about 15 minutes)"
fi

photos="$(mktemp -d)"
trap 'rm -rf "$photos"' EXIT
"$SCRIPT_DIR/calibration_photos.sh" "$photos" >&2
"$PYTHON" "$QUANTIZER" --onnx "$ONNX" --calibration "$photos/calibration" \
    --validation "$photos/validation" --out "$MODEL_DIR/isnet-int8" --threads "$(nproc)"
"$PYTHON" - "$MODEL_DIR/isnet-int8.json" <<'EOF'
import json, sys
q = json.load(open(sys.argv[1]))["quantization"]
worst = max(a["mean_abs"] for a in q["accuracy"].values()), min(a["iou"] for a in q["accuracy"].values())
print(f"int8 model made: worst validation photo {worst[0]:.2f}/255, IoU {worst[1]:.4f}; "
      f"{'within the parity bounds: auto runs it' if q['within_bounds'] else 'outside the parity bounds: auto does not run it'}")
EOF
