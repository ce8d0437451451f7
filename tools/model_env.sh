# Sourced by tools/fetch_model.sh and tools/make_int8_model.sh (set PROG first): where the
# default model and its download cache live, the Python that converts it, and their messages.
#   Model directory: ${CLEARCUT_MODEL_DIR:-$HOME/.local/share/ClearCut/models}
#   Cache directory: ${XDG_CACHE_HOME:-$HOME/.cache}/ClearCut (the ONNX the model comes from)
#   Python: ${CLEARCUT_PYTHON:-/usr/bin/python3} (Debian's, with torch and onnx)
PYTHON="${CLEARCUT_PYTHON:-/usr/bin/python3}"
MODEL_DIR="${CLEARCUT_MODEL_DIR:-$HOME/.local/share/ClearCut/models}"
CACHE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/ClearCut"
ONNX="${CACHE_DIR}/isnet_medium.onnx"

log() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }

# The scripts' arguments: FORCE=1 for --force; --help prints the script's header comment (its
# lines 2 to $1); anything else is an error.
parse_force_args() {
    local last=$1 arg
    shift
    FORCE=0
    for arg in "$@"; do
        case "$arg" in
            --force) FORCE=1 ;;
            -h | --help) sed -n "2,${last}p" "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
            *) die "unknown argument '$arg' (try --help)" ;;
        esac
    done
}
