#!/usr/bin/env bash
# Replays the saved inputs of the fuzz targets (ctest's fuzz_regressions): for each NAME=BINARY,
# every file in tests/fuzz/regressions/NAME/ and tests/fuzz/seeds/NAME/ goes through BINARY once
# (a ReplayMain.cpp build or a libFuzzer build: both run the files they are given). Fails on the
# first crash or failed check.
#
# A finding whose fix has not landed yet is listed in tests/fuzz/regressions/pending.txt
# ("NAME/FILE  reason"): it is replayed in a process of its own and its outcome only reported,
# so the run stays green until the fix lands; then delete its line and it guards like the rest.
#
#   tests/fuzz/replay.sh SOURCE_DIR NAME=BINARY...
set -euo pipefail

src=$1
shift
pending_list="$src/regressions/pending.txt"
pending() {
    [ -f "$pending_list" ] && grep -qE "^$1([[:space:]]|\$)" "$pending_list"
}

status=0
for pair in "$@"; do
    name=${pair%%=*}
    binary=${pair#*=}
    files=()
    held=()
    for dir in "$src/regressions/$name" "$src/seeds/$name"; do
        [ -d "$dir" ] || continue
        for file in "$dir"/*; do
            [ -f "$file" ] || continue
            if pending "$name/$(basename "$file")"; then
                held+=("$file")
            else
                files+=("$file")
            fi
        done
    done
    if [ ${#files[@]} -gt 0 ]; then
        if "$binary" "${files[@]}" >"${TMPDIR:-/tmp}/fuzz-replay-$name.$$.log" 2>&1; then
            echo "$name: ${#files[@]} inputs replayed, no crash"
        else
            echo "$name: FAILED (exit $?); the log's end:" >&2
            tail -n 40 "${TMPDIR:-/tmp}/fuzz-replay-$name.$$.log" >&2
            status=1
        fi
        rm -f "${TMPDIR:-/tmp}/fuzz-replay-$name.$$.log"
    fi
    for file in ${held[@]+"${held[@]}"}; do
        # In a subshell: the shell's own "Aborted" notice goes to /dev/null with the rest.
        if ("$binary" "$file" >/dev/null 2>&1) 2>/dev/null; then
            echo "$name: pending $(basename "$file") passes in this build"
        else
            echo "$name: pending $(basename "$file") still fails (listed in regressions/pending.txt)"
        fi
    done
done
exit $status
