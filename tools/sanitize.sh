#!/usr/bin/env bash
# Builds ClearCut with sanitizers (cmake/Sanitizers.cmake) in a build folder of its own and runs
# the tests under them, with the run-time options and suppressions of tests/sanitizers/.
#
#   tools/sanitize.sh address [ctest args...]  # ASan + UBSan + LSan, the whole suite
#   tools/sanitize.sh thread  [ctest args...]  # TSan, the engine's threading tests
#
# e.g. `tools/sanitize.sh address -R test_cli -V`. Needs what tools/setup.sh --tests installs
# (and the model it converts, for the end-to-end tests). Never touches build/.
#
# Build folder: CLEARCUT_SANITIZE_BUILD_DIR (default: build-asan or build-tsan beside the
# checkout, as tools/fuzz.sh's build-fuzz), configured RelWithDebInfo (-O2 -g) unless
# CLEARCUT_SANITIZE_BUILD_TYPE says otherwise, built with CLEARCUT_SANITIZE_JOBS compile jobs
# (default 2). Configuring and building again is incremental.
#
# Left out always: the packaging and manifests tests (they check the .debs and the Kubernetes
# YAML; no code of ours runs under a sanitizer there).
#
# thread runs, unless ctest arguments choose tests (-R, -L, -I, ...), the tests that run our
# threads, and builds only them:
#   test_engine          the engine thread, its queued requests and its model loads
#   test_photoscheduler  the window's scheduler: engine thread + a decode pool + the UI thread
#   test_batchexporter   batch export: decode/encode pool threads around the engine thread,
#                        cancelling and re-running
#   test_warmmemory      WarmMemory's toucher thread and three threads allocating at once
#   test_photofinder     folder scans on a thread of their own or a pool's
# Not chosen: test_strokes (one thread; "another thread may read it" is about the API), and the
# tests whose only parallelism is OpenCV's loops (test_pngwriter, test_compositor,
# test_maskrefiner, ...), which this run makes serial (below): they would run one thread.
# LibTorch, OpenCV, Qt and libgomp are Debian's builds, not instrumented: TSan sees their pthread
# calls but not their own atomics and futexes, so what Qt hands between threads (queued calls,
# QThreadPool's queue) is unchecked; tests/sanitizers/tsan.supp says which reports that drops.
#
# Timeouts: under the sanitizers the programs run 2-10x slower, so ctest's per-test limit is
# raised to CLEARCUT_SANITIZE_TIMEOUT seconds (default 3600) and Qt Test's per-function limit
# (QTEST_FUNCTION_TIMEOUT, 5 minutes by default) to the same; the tests themselves are unchanged.
set -euo pipefail

usage() {
    sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
    exit 2
}
[ $# -ge 1 ] || usage
kind=$1
shift
case "$kind" in
address) suffix=asan ;;
thread) suffix=tsan ;;
-h | --help) usage ;;
*)
    echo "sanitize: unknown sanitizer '$kind' (address or thread)" >&2
    exit 2
    ;;
esac

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build="${CLEARCUT_SANITIZE_BUILD_DIR:-$(dirname "$root")/build-$suffix}"
build_type="${CLEARCUT_SANITIZE_BUILD_TYPE:-RelWithDebInfo}"
jobs="${CLEARCUT_SANITIZE_JOBS:-2}"
timeout="${CLEARCUT_SANITIZE_TIMEOUT:-3600}"
supp="$root/tests/sanitizers"

# The run-time options, for the tests and for the build too: it runs the programs for their man
# pages (help2man), and a leak report there would fail it.
if [ "$kind" = address ]; then
    # halt_on_error: the first finding ends the process (ASan's default, said for UBSan's sake).
    # detect_leaks: LeakSanitizer at exit, with lsan.supp for the libraries' own.
    # check_initialization_order / strict_init_order: static initialisers reading another
    # file's globals before they are made. detect_stack_use_after_return is left off: GCC 12
    # cannot switch it on at run time.
    export ASAN_OPTIONS="halt_on_error=1:abort_on_error=0:detect_leaks=1:check_initialization_order=1:strict_init_order=1:detect_odr_violation=2:suppressions=$supp/asan.supp"
    export LSAN_OPTIONS="suppressions=$supp/lsan.supp:print_suppressions=0"
    export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:suppressions=$supp/ubsan.supp"
else
    # Every report is printed, and any report makes the process exit 66 at the end, so a test
    # with a race fails even when its own checks pass. ignore_noninstrumented_modules: memory
    # accesses that uninstrumented libraries (Qt, OpenCV, TBB, LibTorch, GLib, GDAL) make through
    # intercepted calls (memcpy, malloc, free) are not checked, and reports raised inside such a
    # call are dropped: TSan cannot see those libraries' own synchronisation, so what it would
    # report there is noise (what our code does with the same memory is still checked).
    # die_after_fork=0: test_batchexporter forks its full-disk child before it starts any pool,
    # but QtTest's watchdog thread already runs, and TSan would kill a child of a threaded
    # process as soon as it starts a thread.
    export TSAN_OPTIONS="halt_on_error=0:exitcode=66:ignore_noninstrumented_modules=1:die_after_fork=0:second_deadlock_stack=1:history_size=7:suppressions=$supp/tsan.supp"
fi
export QTEST_FUNCTION_TIMEOUT=$((timeout * 1000))

thread_tests=(test_engine test_photoscheduler test_batchexporter test_warmmemory test_photofinder)
chooses_tests=false
for arg in "$@"; do
    case "$arg" in
    -R | -R* | --tests-regex | -L | -L* | --label-regex | -I | -I* | --tests-information)
        chooses_tests=true
        ;;
    esac
done
selection=()
targets=()
if [ "$kind" = thread ] && ! $chooses_tests; then
    selection=(-R "^($(
        IFS='|'
        echo "${thread_tests[*]}"
    ))\$")
    targets=(--target "${thread_tests[@]}")
fi

cmake -S "$root" -B "$build" -DCLEARCUT_SANITIZE="$kind" -DCMAKE_BUILD_TYPE="$build_type" \
    -DCLEARCUT_BUILD_TESTS=ON >/dev/null
cmake --build "$build" -j "$jobs" "${targets[@]}"

if [ "$kind" = thread ]; then
    # OpenCV's cv::parallel_for_ (Resampler, MaskRefiner, Compositor, ForegroundEstimate,
    # PngWriter) runs on oneTBB, which is not instrumented: TSan cannot see it hand the ranges to
    # its workers and join them, reports every loop body against the code before and after the
    # loop, and spends minutes a test on those reports (test_batchexporter's batches then miss
    # their 60 s limit). No setting of OpenCV's or TBB's makes them serial, so a constructor
    # preloaded into the tests calls cv::setNumThreads(0): the same loop bodies run on the
    # calling thread, where TSan checks them against every other thread of ours.
    serial="$build/opencv-serial.so"
    if [ ! -f "$serial" ] || [ "${BASH_SOURCE[0]}" -nt "$serial" ]; then
        # shellcheck disable=SC2046 # pkg-config's flags are meant to split
        c++ -shared -fPIC -O1 -o "$serial" -x c++ - $(pkg-config --cflags --libs opencv4) <<'EOF'
#include <opencv2/core/utility.hpp>
__attribute__((constructor)) static void serialOpenCv() { cv::setNumThreads(0); }
EOF
    fi
    export LD_PRELOAD="$serial${LD_PRELOAD:+:$LD_PRELOAD}"
fi
ctest --test-dir "$build" --output-on-failure --timeout "$timeout" -LE '^(packaging|manifests)$' \
    "${selection[@]}" "$@"
