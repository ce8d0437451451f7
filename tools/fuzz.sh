#!/usr/bin/env bash
# Fuzzes what ClearCut reads from strangers with libFuzzer (clang, ASan + UBSan): photo bytes
# through decoding and the network's preprocessing (fuzz_decode), model sidecars (fuzz_sidecar),
# the server's query parameters and multipart bodies (fuzz_request). See tests/fuzz/.
#
#   tools/fuzz.sh [TARGET|all] [SECONDS]      # default: all three, 600 s each, one after another
#   tools/fuzz.sh all 0                       # configure and build only
#
# Configures and builds the instrumented tree in CLEARCUT_FUZZ_BUILD_DIR (default: build-fuzz
# beside the checkout; CLEARCUT_FUZZ_JOBS compile jobs, default 2), writes the seeds
# (tests/fuzz/make_seeds.py) into it, then runs each target in one process at a time with its
# corpus in BUILD/fuzz/corpus/TARGET, kept between runs. It goes on after a finding (libFuzzer's
# -fork=1 with -ignore_crashes; CLEARCUT_FUZZ_KEEP_GOING=0: stop at the first). Artifacts
# (crash-*, leak-*, timeout-*, oom-*) are copied into tests/fuzz/regressions/TARGET/, where
# ctest's fuzz_regressions replays them: give each a name that says what it is, and list it in
# tests/fuzz/regressions/pending.txt until its fix lands. Prints executions, speed, coverage and
# findings per target; the full logs are in BUILD/fuzz/TARGET.log.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build="${CLEARCUT_FUZZ_BUILD_DIR:-$(dirname "$root")/build-fuzz}"
jobs="${CLEARCUT_FUZZ_JOBS:-2}"
keep_going="${CLEARCUT_FUZZ_KEEP_GOING:-1}"
all=(fuzz_decode fuzz_sidecar fuzz_request)

target="${1:-all}"
seconds="${2:-600}"
case "$target" in
all) targets=("${all[@]}") ;;
fuzz_decode | fuzz_sidecar | fuzz_request) targets=("$target") ;;
decode | sidecar | request) targets=("fuzz_$target") ;;
-h | --help)
    sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'
    exit 0
    ;;
*)
    echo "fuzz: unknown target '$target' (fuzz_decode, fuzz_sidecar, fuzz_request or all)" >&2
    exit 2
    ;;
esac
[[ "$seconds" =~ ^[0-9]+$ ]] || { echo "fuzz: SECONDS must be a whole number" >&2; exit 2; }
command -v clang++ >/dev/null || { echo "fuzz: needs clang (apt-get install clang)" >&2; exit 2; }

# The whole tree instrumented: the engine's findings show only where its code has the sanitizers.
mkdir -p "$build"
sanitizers="-fsanitize=address,undefined,fuzzer-no-link -fno-sanitize-recover=undefined"
CC=clang CXX=clang++ cmake -S "$root" -B "$build" -DCLEARCUT_FUZZ=ON -DCLEARCUT_BUILD_TESTS=ON \
    -DCLEARCUT_TCMALLOC=OFF -DCLEARCUT_HARDENING=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" \
    -DCMAKE_CXX_FLAGS="$sanitizers -fno-omit-frame-pointer" >"$build/configure.log" 2>&1 ||
    { tail -n 30 "$build/configure.log" >&2; exit 1; }
cmake --build "$build" -j "$jobs" --target "${targets[@]}"

fuzz="$build/fuzz"
/usr/bin/python3 "$root/tests/fuzz/make_seeds.py" "$fuzz/seeds" >/dev/null
if [ "$seconds" = 0 ]; then
    echo "fuzz: built ${targets[*]} in $build/bin"
    exit 0
fi

symbolizer=$(command -v llvm-symbolizer || ls /usr/lib/llvm-*/bin/llvm-symbolizer 2>/dev/null |
    tail -n 1 || true)
[ -n "$symbolizer" ] && export ASAN_SYMBOLIZER_PATH="$symbolizer"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:symbolize=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:symbolize=1}"

declare -A max_len=([fuzz_decode]=100000 [fuzz_sidecar]=8192 [fuzz_request]=8192)
summary=()
for t in "${targets[@]}"; do
    corpus="$fuzz/corpus/$t"
    artifacts="$fuzz/artifacts/$t"
    log="$fuzz/$t.log"
    # Only this run's artifacts: earlier ones were copied (and maybe renamed or minimised) already.
    rm -rf "$artifacts"
    mkdir -p "$corpus" "$artifacts"
    flags=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len="${max_len[$t]}"
        -dict="$root/tests/fuzz/dicts/$t.dict" -artifact_prefix="$artifacts/" -print_final_stats=1)
    if [ "$keep_going" = 1 ]; then
        flags+=(-fork=1 -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1)
    else
        flags+=(-jobs=1 -workers=1)
    fi
    echo "fuzz: $t for $seconds s (log: $log)"
    started=$(date +%s)
    set +e
    (cd "$fuzz" && "$build/bin/$t" "${flags[@]}" "$corpus" "$fuzz/seeds/$t") >"$log" 2>&1
    code=$?
    set -e
    elapsed=$(($(date +%s) - started))

    # The last status line: "#N ... cov: C ft: F corp: K ... exec/s: E" (fork mode: "#N: ...").
    last=$(grep -aE '^#[0-9]+:? ' "$log" | tail -n 1 || true)
    runs=$(sed -nE 's/^#([0-9]+).*/\1/p' <<<"$last")
    cov=$(sed -nE 's/.* cov: ([0-9]+).*/\1/p' <<<"$last")
    ft=$(sed -nE 's/.* ft: ([0-9]+).*/\1/p' <<<"$last")
    corp=$(sed -nE 's/.* corp: ([0-9]+).*/\1/p' <<<"$last")
    rate=$(( elapsed > 0 ? ${runs:-0} / elapsed : 0 ))

    found=()
    regressions="$root/tests/fuzz/regressions/$t"
    for artifact in "$artifacts"/crash-* "$artifacts"/leak-* "$artifacts"/timeout-* \
        "$artifacts"/oom-*; do
        [ -f "$artifact" ] || continue
        name=$(basename "$artifact")
        # Already kept (under its own name or renamed): the same bytes are not copied again.
        duplicate=0
        for kept in "$regressions"/*; do
            [ -f "$kept" ] && cmp -s "$artifact" "$kept" && duplicate=1 && break
        done
        [ $duplicate = 1 ] && continue
        found+=("$name")
        # At most 20 a run: with -ignore_crashes one bug can leave many inputs behind.
        [ ${#found[@]} -le 20 ] || continue
        mkdir -p "$regressions"
        cp "$artifact" "$regressions/$name"
    done
    line="$t: ${elapsed} s, ${runs:-?} executions (~$rate/s), cov ${cov:-?}, ft ${ft:-?}, corpus ${corp:-?}, libFuzzer exit $code"
    if [ ${#found[@]} -gt 0 ]; then
        line+=", ${#found[@]} new finding(s), the first 20 copied to tests/fuzz/regressions/$t/:"
        line+=" ${found[*]:0:20}"
    else
        line+=", no new findings"
    fi
    echo "$line"
    summary+=("$line")
done
echo
printf '%s\n' "${summary[@]}"
