#!/bin/bash
# packaging/test-clean-install.sh — prove ClearCut's two .deb packages install and work in a clean
# Debian 12 (bookworm) root, offline, with no other step.
#
# Usage (as root):
#   packaging/test-clean-install.sh [clearcut.deb clearcut-model-isnet.deb]
#   packaging/test-clean-install.sh --selftest    # check the harness itself, no packages needed
#
#   Without arguments it takes the newest build/packages/clearcut_*.deb and
#   build/packages/clearcut-model-isnet_*.deb under the repository root.
#
# What it does, each step timed:
#   1. builds (or takes from its cache) a minimal bookworm root with mmdebstrap (variant "apt":
#      Essential packages and apt, nothing else), from the same Debian mirror(s) the host's apt
#      sources name (bookworm, bookworm-updates, bookworm-security: whatever the host has), and
#      unpacks a pristine copy of it into a fresh folder under /var/tmp;
#   2. copies the two .debs in and runs, inside the root, `apt-get update && apt-get install -y
#      ./clearcut_*.deb ./clearcut-model-isnet_*.deb` (the real apt resolving the Depends from the
#      mirror: this is the test of the package metadata), then checks dpkg's status, the installed
#      files, and that every ELF file of the package finds all its libraries (ldd);
#   3. cuts the network off: every run below is `unshare --net` (a new network namespace with only
#      loopback; the script first proves there that only "lo" exists and a connection to the mirror
#      fails) with an empty HOME (/tmp/emptyhome), so the model can only come from the package;
#   4. runs `clearcut-cli -s /tmp/photo.jpg -d /tmp/out` and checks /tmp/out/photo_rgba.png (the
#      default --name is {stem}_{type}): a PNG whose colour type has alpha, the photo's size, alpha
#      neither all opaque nor all transparent (read from the host with ImageMagick's identify when
#      the host has it);
#   5. installs xvfb and xauth (GUI test tools only, a separate step after the packages' own checks),
#      then runs `xvfb-run -a clearcut --smoke /tmp/photo.jpg /tmp/smoke.png` offline: exit 0,
#      JSON on stdout, smoke.png written;
#   6. prints the installed versions, sizes, the time of each step and one final line:
#      `clean-install: PASS (...)` or `clean-install: FAIL in step '...' (...)`, exit code 1.
#
# Needs: root; access to the Debian mirror for steps 1, 2 and 5 (nothing else is contacted);
# mmdebstrap (installed with apt-get when missing), unshare (util-linux); optional on the host:
# identify (imagemagick) for the alpha-range check, python3 for the JSON check.
#
# Time (2 cores, fast mirror): ~1.5 min in all. The base root takes ~15 s to build on the first run
# of a day (then it is cached in /var/cache/clearcut-clean-root/, keyed by the date and the mirror
# list; every run unpacks a pristine copy of it, <1 s); apt-get install of the packages ~35-70 s
# (~415 packages, 271 MB downloaded, 1.3 GB unpacked; ~315 packages with CLEARCUT_NO_RECOMMENDS=1);
# the offline CLI run ~5 s, xvfb ~1 s, the GUI smoke ~10 s. Disk: ~2 GB under /var/tmp while it runs.
#
# Mounts (proc, sys, /dev, all inside the root) are made in a private mount namespace of this script
# and unmounted by its exit trap, on failure too; nothing is ever mounted in the host's namespace.
#
# Environment knobs:
#   CLEARCUT_NO_RECOMMENDS=1   install the packages with --no-install-recommends (stricter: proves
#                              the Depends alone suffice)
#   CLEARCUT_NO_CACHE=1        build the base root afresh instead of using the cached tarball
#   CLEARCUT_KEEP_ROOT=1       keep the root folder afterwards (unmounted) for inspection
#   CLEARCUT_TEST_PHOTO=FILE   the photo to run (default tests/data/photos/messi5.jpg)
#   CLEARCUT_LOG_DIR=DIR       where the logs of the last run are kept
#                              (default /var/tmp/clearcut-clean-install-logs)

set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
SELF="$SCRIPT_DIR/$(basename "${BASH_SOURCE[0]}")"

usage() { sed -n '2,/^$/p' "$SELF" | sed 's/^# \{0,1\}//'; }

SELFTEST=0
ARGS=()
for a in "$@"; do
    case "$a" in
        -h|--help) usage; exit 0 ;;
        --selftest) SELFTEST=1 ;;
        -*) echo "clean-install: unknown option $a (see --help)" >&2; exit 2 ;;
        *) ARGS+=("$a") ;;
    esac
done
if (( ${#ARGS[@]} != 0 && ${#ARGS[@]} != 2 )); then
    echo "clean-install: give both packages or none (see --help)" >&2; exit 2
fi

if (( EUID != 0 )); then
    echo "clean-install: FAIL in step 'prerequisites' (must run as root: chroot, mounts, unshare)" >&2
    exit 1
fi

# Everything below runs in a private mount namespace: the mounts this script makes are invisible to
# the host and cannot outlive the script, even if it is killed with SIGKILL. The trap unmounts them
# anyway.
if [[ -z ${CLEARCUT_CLEAN_INSTALL_MOUNTNS:-} ]]; then
    export CLEARCUT_CLEAN_INSTALL_MOUNTNS=1
    exec unshare --mount --propagation private -- /bin/bash "$SELF" "$@"
fi

SUITE=bookworm
VARIANT=${CLEARCUT_ROOT_VARIANT:-apt}
CACHE_DIR=${CLEARCUT_ROOT_CACHE:-/var/cache/clearcut-clean-root}
PHOTO=${CLEARCUT_TEST_PHOTO:-$REPO_ROOT/tests/data/photos/messi5.jpg}
LOG_KEEP_DIR=${CLEARCUT_LOG_DIR:-/var/tmp/clearcut-clean-install-logs}
INROOT_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
SELFTEST_PACKAGES="libtorch1.13 libqt6widgets6 qt6-qpa-plugins libopencv-imgcodecs406
    libopencv-imgproc406 libtcmalloc-minimal4 libdeflate0 libopenblas0-openmp"

WORK=""
ROOT=""
LOGS=""
STEP="setup"
STEP_T0=0
T_START=$(date +%s.%N)
declare -a TIMINGS=()
declare -a NOTES=()

log()  { printf '%s\n' "$*"; }
note() { NOTES+=("$*"); log "    note: $*"; }
now()  { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

step() {
    STEP=$1
    STEP_T0=$(now)
    log ""
    log "==> [$STEP]"
}
step_done() {
    local dt
    dt=$(secs "$STEP_T0" "$(now)")
    TIMINGS+=("$(printf '%-34s %7ss' "$STEP" "$dt")")
    log "    [$STEP] ok, ${dt}s"
    STEP=""
}
# fail MESSAGE [LOGFILE]: name the step, show the end of its log, exit 1 (the trap cleans up).
fail() {
    local msg=$1 logfile=${2:-}
    if [[ -n $logfile && -s $logfile ]]; then
        log "---- last lines of $(basename "$logfile") ----" >&2
        tail -n 40 "$logfile" >&2
        log "----" >&2
    fi
    FAIL_MSG=$msg
    exit 1
}
FAIL_MSG=""

# bg CMD...: run CMD as a child we can end from the trap (bash runs a trap only once the foreground
# child is done, but at once while it waits on a background one).
CHILD=""
bg() {
    local rc=0
    "$@" &
    CHILD=$!
    wait "$CHILD" || rc=$?
    CHILD=""
    return "$rc"
}

# run_logged LOGFILE CMD...: run CMD with its output in LOGFILE.
run_logged() {
    local logfile=$1; shift
    bg "$@" >"$logfile" 2>&1
}

# ---------------------------------------------------------------------------------------------
# Mounts, processes and cleanup

mounts_under() {  # every mount point at or below $1, deepest first
    findmnt -rn -o TARGET | awk -v r="$1" '$0 == r || index($0, r "/") == 1' | sort -r
}

kill_root_processes() {  # processes of ours still running with their root inside $ROOT
    [[ -n $ROOT && -d $ROOT ]] || return 0
    local p link pids=()
    for p in /proc/[0-9]*; do
        link=$(readlink "$p/root" 2>/dev/null) || continue
        [[ $link == "$ROOT" || $link == "$ROOT"/* ]] && pids+=("${p#/proc/}")
    done
    (( ${#pids[@]} )) || return 0
    log "    cleanup: ending leftover processes in the root: ${pids[*]}"
    kill -TERM "${pids[@]}" 2>/dev/null || true
    sleep 1
    kill -KILL "${pids[@]}" 2>/dev/null || true
}

unmount_root() {
    [[ -n $ROOT ]] || return 0
    local m left
    for m in $(mounts_under "$ROOT"); do
        umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || log "    cleanup: cannot unmount $m"
    done
    left=$(mounts_under "$ROOT")
    if [[ -n $left ]]; then
        log "    cleanup: still mounted: $left"
        return 1
    fi
}

cleanup() {
    local rc=$?
    set +e
    trap - EXIT INT TERM
    exec 1>&7 2>&8  # a signal may land while a step's output goes to its log
    if [[ -n $CHILD ]] && kill -0 "$CHILD" 2>/dev/null; then
        log "    cleanup: ending child process $CHILD"
        kill -TERM "$CHILD" 2>/dev/null; wait "$CHILD" 2>/dev/null
    fi
    kill_root_processes
    local unmounted=1
    unmount_root || unmounted=0
    if [[ -n $LOGS && -d $LOGS ]]; then
        rm -rf "$LOG_KEEP_DIR" && mkdir -p "$(dirname "$LOG_KEEP_DIR")" && cp -r "$LOGS" "$LOG_KEEP_DIR"
    fi
    if [[ -n $WORK && -d $WORK ]]; then
        if (( ! unmounted )); then
            log "    cleanup: NOT removing $WORK (something is still mounted below it)"
        elif [[ ${CLEARCUT_KEEP_ROOT:-0} == 1 ]]; then
            log "    cleanup: kept the root at $ROOT (CLEARCUT_KEEP_ROOT=1)"
        else
            rm -rf --one-file-system "$WORK"
        fi
    fi
    local total
    total=$(secs "$T_START" "$(now)")
    if (( rc != 0 )); then
        log ""
        if (( ${#TIMINGS[@]} )); then
            log "Steps completed:"
            printf '  %s\n' "${TIMINGS[@]}"
        fi
        [[ -d $LOG_KEEP_DIR ]] && log "Logs: $LOG_KEEP_DIR"
        log "clean-install: FAIL in step '${STEP:-?}' (${FAIL_MSG:-command failed, exit code $rc}; ${total}s)"
        exit 1
    fi
    exit 0
}
exec 7>&1 8>&2
trap cleanup EXIT
trap 'FAIL_MSG="interrupted"; exit 130' INT
trap 'FAIL_MSG="terminated"; exit 143' TERM

# in_root CMD...: run CMD in the root with a clean environment (network as the host's).
in_root() {
    chroot "$ROOT" /usr/bin/env -i PATH="$INROOT_PATH" HOME=/root LANG=C.UTF-8 \
        DEBIAN_FRONTEND=noninteractive "$@"
}

# offline CMD...: run CMD in the root, in a new network namespace (loopback only, brought up) with
# a new empty HOME.
offline() {
    rm -rf --one-file-system "$ROOT/tmp/emptyhome"
    mkdir -m 700 "$ROOT/tmp/emptyhome"
    unshare --net -- /bin/sh -c 'ip link set lo up 2>/dev/null || true; exec "$@"' sh \
        chroot "$ROOT" /usr/bin/env -i PATH="$INROOT_PATH" HOME=/tmp/emptyhome LANG=en_US.UTF-8 \
        USER=root LOGNAME=root "$@"
}

# ---------------------------------------------------------------------------------------------
# The host's Debian mirror(s)

# Print "deb URI SUITE COMPONENTS" for every enabled source of the host whose suite is bookworm or
# bookworm-*, in the order apt reads them (sources.list, then sources.list.d/*.list and *.sources).
host_mirror_lines() {
    local f files=()
    [[ -f /etc/apt/sources.list ]] && files+=(/etc/apt/sources.list)
    for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
        [[ -f $f ]] && files+=("$f")
    done
    (( ${#files[@]} )) || return 0
    for f in "${files[@]}"; do
        case "$f" in
            *.sources)
                awk -v suite="$SUITE" '
                    function flush(   i, j, nu, ns, u, s, t, ok) {
                        if (types != "" && tolower(enabled) != "no") {
                            ok = 0; t = split(types, tt, /[ \t]+/)
                            for (i = 1; i <= t; i++) if (tt[i] == "deb") ok = 1
                            if (ok) {
                                nu = split(uris, u, /[ \t]+/); ns = split(suites, s, /[ \t]+/)
                                for (i = 1; i <= nu; i++) for (j = 1; j <= ns; j++)
                                    if (u[i] != "" && (s[j] == suite || index(s[j], suite "-") == 1))
                                        print "deb " u[i] " " s[j] " " comps
                            }
                        }
                        types = uris = suites = comps = enabled = ""; key = ""
                    }
                    /^[ \t]*#/ { next }
                    /^[ \t]*$/ { flush(); next }
                    /^[ \t]/ { val = $0; sub(/^[ \t]+/, "", val)
                               if (key == "uris") uris = uris " " val
                               else if (key == "suites") suites = suites " " val
                               else if (key == "components") comps = comps " " val
                               next }
                    { k = tolower($0); sub(/:.*/, "", k); v = $0; sub(/^[^:]*:[ \t]*/, "", v)
                      key = k
                      if (k == "types") types = v; else if (k == "uris") uris = v
                      else if (k == "suites") suites = v; else if (k == "components") comps = v
                      else if (k == "enabled") enabled = v }
                    END { flush() }' "$f"
                ;;
            *)
                awk -v suite="$SUITE" '
                    { sub(/#.*/, "") }
                    $1 == "deb" {
                        i = 2
                        if ($2 ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
                        uri = $i; s = $(i + 1); comps = ""
                        for (j = i + 2; j <= NF; j++) comps = comps " " $j
                        if (s == suite || index(s, suite "-") == 1) print "deb " uri " " s comps
                    }' "$f"
                ;;
        esac
    done | sed 's/[ \t]\+/ /g; s/ $//' | awk '!seen[$0]++'
}

# ---------------------------------------------------------------------------------------------
# 0. Inputs and host prerequisites

step "prerequisites"
WORK=$(mktemp -d "${TMPDIR:-/var/tmp}/clearcut-clean-root.XXXXXX")
ROOT="$WORK/root"
LOGS="$WORK/logs"
mkdir -p "$ROOT" "$LOGS"

pick_newest() {  # pick_newest GLOB: newest version among the files matching GLOB, or nothing
    local f best="" bestv="" v
    for f in $1; do
        [[ -f $f ]] || continue
        v=$(dpkg-deb -f "$f" Version 2>/dev/null) || continue
        if [[ -z $best ]] || dpkg --compare-versions "$v" gt "$bestv"; then best=$f; bestv=$v; fi
    done
    printf '%s' "$best"
}

if (( SELFTEST )); then
    log "    selftest: no packages; installs their dependencies instead:"
    log "    $(echo $SELFTEST_PACKAGES)"
else
    if (( ${#ARGS[@]} == 2 )); then
        DEB_APP=${ARGS[0]}
        DEB_MODEL=${ARGS[1]}
    else
        DEB_APP=$(pick_newest "$REPO_ROOT/build/packages/clearcut_*.deb")
        DEB_MODEL=$(pick_newest "$REPO_ROOT/build/packages/clearcut-model-isnet_*.deb")
        [[ -n $DEB_APP ]] || fail "no $REPO_ROOT/build/packages/clearcut_*.deb (build the packages or give their paths)"
        [[ -n $DEB_MODEL ]] || fail "no $REPO_ROOT/build/packages/clearcut-model-isnet_*.deb (build the packages or give their paths)"
    fi
    for d in "$DEB_APP" "$DEB_MODEL"; do
        [[ -f $d ]] || fail "no such file: $d"
        dpkg-deb -f "$d" Package >/dev/null 2>&1 || fail "not a .deb package: $d"
    done
    [[ $(dpkg-deb -f "$DEB_APP" Package) == clearcut ]] \
        || fail "$DEB_APP is package '$(dpkg-deb -f "$DEB_APP" Package)', expected 'clearcut'"
    [[ $(dpkg-deb -f "$DEB_MODEL" Package) == clearcut-model-isnet ]] \
        || fail "$DEB_MODEL is package '$(dpkg-deb -f "$DEB_MODEL" Package)', expected 'clearcut-model-isnet'"
    DEB_APP=$(readlink -f "$DEB_APP")
    DEB_MODEL=$(readlink -f "$DEB_MODEL")
    for d in "$DEB_APP" "$DEB_MODEL"; do
        log "    $(basename "$d")  ($(du -h "$d" | cut -f1))"
        log "      Version: $(dpkg-deb -f "$d" Version)  Architecture: $(dpkg-deb -f "$d" Architecture)"
        log "      Depends: $(dpkg-deb -f "$d" Depends)"
        rec=$(dpkg-deb -f "$d" Recommends)
        [[ -z $rec ]] || log "      Recommends: $rec"
    done
fi
[[ -f $PHOTO ]] || fail "no test photo $PHOTO"

for tool in unshare chroot findmnt tar; do
    command -v "$tool" >/dev/null || fail "the host lacks '$tool'"
done
if ! command -v mmdebstrap >/dev/null; then
    log "    installing mmdebstrap on the host (apt-get)"
    run_logged "$LOGS/host-mmdebstrap.log" apt-get -o DPkg::Lock::Timeout=600 install -y \
        --no-install-recommends mmdebstrap \
        || fail "could not install mmdebstrap on the host" "$LOGS/host-mmdebstrap.log"
fi
HAVE_IDENTIFY=0; command -v identify >/dev/null && HAVE_IDENTIFY=1
HAVE_PY=0; command -v python3 >/dev/null && HAVE_PY=1
(( HAVE_IDENTIFY )) || note "the host has no 'identify' (imagemagick): the alpha range of the PNG is not checked"

mapfile -t MIRRORS < <(host_mirror_lines)
if (( ${#MIRRORS[@]} == 0 )); then
    MIRRORS=("deb http://deb.debian.org/debian $SUITE main")
    note "no $SUITE source in the host's apt sources; using ${MIRRORS[0]}"
fi
log "    mirror(s), from the host's apt sources:"
printf '      %s\n' "${MIRRORS[@]}"

# The host's apt settings that decide whether it can reach and trust that mirror at all (a snapshot
# mirror needs Check-Valid-Until off; a proxy must be used inside the root too).
APTOPTS=()
for opt in Acquire::Check-Valid-Until Acquire::Check-Date Acquire::http::Proxy Acquire::https::Proxy; do
    val=$(apt-config dump "$opt" 2>/dev/null | awk -v o="$opt" 'tolower($1) == tolower(o) { sub(/^[^ ]+ /, ""); sub(/;$/, ""); print; exit }')
    if [[ -n $val && $val != '""' ]]; then APTOPTS+=("$opt $val;"); fi
done
(( ${#APTOPTS[@]} == 0 )) || { log "    apt options taken from the host:"; printf '      %s\n' "${APTOPTS[@]}"; }

# For the offline proof: the mirror's address, resolved here.
MIRROR_HOST=$(awk '{ print $2 }' <<<"${MIRRORS[0]}" | sed -E 's#^[a-z+]+://##; s#[/:].*##')
MIRROR_IP=$(getent ahostsv4 "$MIRROR_HOST" 2>/dev/null | awk 'NR == 1 { print $1 }') || true
step_done

# ---------------------------------------------------------------------------------------------
# 1. The clean root

step "base root ($SUITE, variant $VARIANT)"
KEY=$( { mmdebstrap --version; echo "$VARIANT $SUITE"; printf '%s\n' "${MIRRORS[@]}" "${APTOPTS[@]}"; } \
       | sha256sum | cut -c1-12)
TARBALL="$CACHE_DIR/$SUITE-$VARIANT-$(date -u +%Y%m%d)-$KEY.tar"
mkdir -p "$CACHE_DIR"
if [[ ${CLEARCUT_NO_CACHE:-0} == 1 || ! -s $TARBALL ]]; then
    log "    mmdebstrap --variant=$VARIANT $SUITE -> $TARBALL"
    mm_args=(--variant="$VARIANT" --mode=root --format=tar)
    for o in "${APTOPTS[@]}"; do mm_args+=(--aptopt="$o"); done
    t0=$(now)
    run_logged "$LOGS/mmdebstrap.log" mmdebstrap "${mm_args[@]}" "$SUITE" "$TARBALL.tmp.$$" "${MIRRORS[@]}" \
        || { rm -f "$TARBALL.tmp.$$"; fail "mmdebstrap could not build the $SUITE root" "$LOGS/mmdebstrap.log"; }
    mv -f "$TARBALL.tmp.$$" "$TARBALL"
    # Keep only today's tarball for this configuration family.
    find "$CACHE_DIR" -maxdepth 1 -name "$SUITE-*.tar" ! -name "$(basename "$TARBALL")" -mmin +60 -delete
    log "    built in $(secs "$t0" "$(now)")s ($(du -h "$TARBALL" | cut -f1))"
else
    log "    cached: $TARBALL ($(du -h "$TARBALL" | cut -f1))"
fi
tar -C "$ROOT" --numeric-owner -xpf "$TARBALL" || fail "cannot unpack $TARBALL"
log "    pristine copy unpacked in $ROOT ($(du -sxh "$ROOT" | cut -f1), $(chroot "$ROOT" dpkg-query -W -f='.\n' | wc -l) packages)"

PKGS_BASE=$(chroot "$ROOT" dpkg-query -W -f='.\n' | wc -l)
SIZE_BASE=$(du -sxm "$ROOT" | cut -f1)
mount -t proc proc "$ROOT/proc"
mount -t sysfs sysfs "$ROOT/sys"
mount --rbind /dev "$ROOT/dev"
mount --make-rslave "$ROOT/dev"
# The install steps need a resolver; the runs are offline anyway.
rm -f "$ROOT/etc/resolv.conf"
cp -L /etc/resolv.conf "$ROOT/etc/resolv.conf"
mkdir -p "$ROOT/tmp/debs"
chmod 1777 "$ROOT/tmp"
cp "$PHOTO" "$ROOT/tmp/photo.jpg"
chmod 644 "$ROOT/tmp/photo.jpg"
if (( ! SELFTEST )); then
    cp "$DEB_APP" "$DEB_MODEL" "$ROOT/tmp/debs/"
    chmod 755 "$ROOT/tmp/debs"; chmod 644 "$ROOT/tmp/debs/"*.deb
fi
step_done

# ---------------------------------------------------------------------------------------------
# 2. Install the packages with the real apt

step "apt-get update"
run_logged "$LOGS/apt-update.log" in_root apt-get update \
    || fail "apt-get update failed inside the root" "$LOGS/apt-update.log"
grep -E '^(Get|Hit|Err|W:|E:)' "$LOGS/apt-update.log" | sed 's/^/    /' | head -20
step_done

if (( SELFTEST )); then
    step "install dependencies (selftest)"
    # shellcheck disable=SC2086
    run_logged "$LOGS/apt-install.log" in_root apt-get install -y --no-install-recommends $SELFTEST_PACKAGES \
        || fail "apt-get install of the dependency list failed" "$LOGS/apt-install.log"
else
    step "install clearcut packages"
    rec_opt=()
    [[ ${CLEARCUT_NO_RECOMMENDS:-0} == 1 ]] && rec_opt=(--no-install-recommends)
    APP_BN=$(basename "$DEB_APP"); MODEL_BN=$(basename "$DEB_MODEL")
    log "    (cd /tmp/debs && apt-get install -y ${rec_opt[*]:+${rec_opt[*]} }./$APP_BN ./$MODEL_BN)"
    run_logged "$LOGS/apt-install.log" in_root /bin/sh -c \
        'cd /tmp/debs && exec apt-get install -y "$@"' sh "${rec_opt[@]}" "./$APP_BN" "./$MODEL_BN" \
        || fail "apt-get install of the clearcut packages failed (package metadata? see the log)" "$LOGS/apt-install.log"
fi
grep -E '^(Need to get|After this operation|[0-9]+ upgraded)' "$LOGS/apt-install.log" | sed 's/^/    /'
grep -E '^(W|E): ' "$LOGS/apt-install.log" | grep -v 'unsandboxed' | sed 's/^/    apt: /' || true
PKGS_APP=$(in_root dpkg-query -W -f='.\n' | wc -l)
SIZE_APP=$(du -sxm "$ROOT" | cut -f1)
log "    packages: $PKGS_BASE -> $PKGS_APP (+$((PKGS_APP - PKGS_BASE))), root ${SIZE_BASE} MB -> ${SIZE_APP} MB (with apt's lists and the copied .debs)"
step_done

step "check installation"
audit=$(in_root dpkg --audit 2>&1) || true
[[ -z $audit ]] || { log "$audit"; fail "dpkg --audit reports half-installed packages"; }
if (( SELFTEST )); then
    for p in $SELFTEST_PACKAGES; do
        st=$(in_root dpkg-query -W -f='${Status}' "$p" 2>/dev/null) || st="not installed"
        [[ $st == "install ok installed" ]] || fail "$p: $st"
    done
    log "    all $(wc -w <<<"$SELFTEST_PACKAGES") dependency packages installed"
    mapfile -t elf_files < <(in_root dpkg -L libtorch1.13 libqt6widgets6 libopencv-imgcodecs406 \
                             | grep -E '\.so(\.[0-9]+)*$' | sort -u)
else
    for p in clearcut clearcut-model-isnet; do
        st=$(in_root dpkg-query -W -f='${Status}' "$p" 2>/dev/null) || st="not installed"
        [[ $st == "install ok installed" ]] || fail "package $p: status '$st'"
    done
    in_root dpkg -l clearcut clearcut-model-isnet | grep -E '^(ii|rc|[a-z][A-Z ])' | sed 's/^/    /' || true
    for f in /usr/bin/clearcut /usr/bin/clearcut-cli /usr/share/clearcut/models/isnet.pt \
             /usr/share/clearcut/models/isnet.json; do
        [[ -f $ROOT$f ]] || fail "package problem: $f is not installed"
        log "    $f ($(du -h "$ROOT$f" | cut -f1))"
    done
    inf=$(in_root dpkg -L clearcut | grep -E '/libclearcut_inference\.so$' | head -1) || true
    [[ -n $inf && -f $ROOT$inf ]] || fail "package problem: libclearcut_inference.so is not in package clearcut"
    log "    $inf"
    desk=$(in_root dpkg -L clearcut | grep -E '^/usr/share/applications/.*\.desktop$' | head -1) || true
    [[ -n $desk ]] && log "    $desk" || note "package clearcut ships no /usr/share/applications/*.desktop"
    mapfile -t elf_files < <(in_root dpkg -L clearcut | while read -r f; do
        [[ -f $ROOT$f && ! -L $ROOT$f ]] || continue
        [[ $(head -c 4 "$ROOT$f" | tr -d '\0' | cut -c2-4) == ELF ]] && echo "$f"
    done)
    # The Qt platform plugin is dlopened, not linked: check it too (before xvfb adds X libraries).
    qxcb=$(in_root sh -c 'ls /usr/lib/*/qt6/plugins/platforms/libqxcb.so /usr/lib/qt6/plugins/platforms/libqxcb.so 2>/dev/null | head -1') || true
    [[ -n $qxcb ]] && elf_files+=("$qxcb") || fail "package problem: Qt's xcb platform plugin (libqxcb.so) is not installed, the GUI cannot start"
fi
(( ${#elf_files[@]} )) || fail "no ELF files found to check"
missing=""
for f in "${elf_files[@]}"; do
    # Resolve like at run time: the package's own library folder is found through RUNPATH/dlopen.
    out=$(in_root ldd "$f" 2>&1) || true
    nf=$(grep 'not found' <<<"$out" || true)
    [[ -z $nf ]] || missing+="$f:"$'\n'"$nf"$'\n'
done
if [[ -n $missing ]]; then
    log "$missing"
    fail "package problem: libraries not found (ldd), missing from Depends?"
fi
log "    ldd: all libraries of ${#elf_files[@]} ELF files found"
step_done

# ---------------------------------------------------------------------------------------------
# 3. Offline from here on

step "offline namespace check"
cat >"$ROOT/tmp/netcheck.sh" <<'EOF'
#!/bin/bash
ifaces=$(awk -F: 'NR > 2 { gsub(/ /, "", $1); print $1 }' /proc/net/dev | sort | tr '\n' ' ')
echo "interfaces: $ifaces"
[ "$ifaces" = "lo " ] || { echo "more than loopback in the namespace"; exit 1; }
if [ -n "$1" ]; then
    if timeout 5 bash -c "exec 3<>/dev/tcp/$1/80" 2>/dev/null; then
        echo "connection to the mirror $1:80 SUCCEEDED: not offline"; exit 1
    fi
    echo "connection to the mirror $1:80 fails (as it must)"
fi
if getent hosts deb.debian.org >/dev/null 2>&1; then echo "name lookup works: not offline"; exit 1; fi
echo "name lookup fails (as it must)"
[ -d "$HOME" ] && [ -z "$(ls -A "$HOME")" ] && echo "HOME=$HOME is empty"
EOF
chmod 755 "$ROOT/tmp/netcheck.sh"
if [[ -n $MIRROR_IP ]] && ! timeout 10 bash -c "exec 3<>/dev/tcp/$MIRROR_IP/80" 2>/dev/null; then
    note "the mirror $MIRROR_IP:80 is not reachable even from the host; the connection test proves less"
fi
run_logged "$LOGS/netcheck.log" offline /tmp/netcheck.sh "$MIRROR_IP" \
    || fail "the network namespace is not offline" "$LOGS/netcheck.log"
sed 's/^/    /' "$LOGS/netcheck.log"
step_done

check_png() {  # check_png HOSTPATH LABEL: a PNG with alpha, the photo's size, alpha not constant
    local f=$1 label=$2 hdr ct w h
    [[ -s $f ]] || fail "$label: no output file"
    hdr=$(od -An -tu1 -N26 "$f" | tr -s ' \n' ' ')
    read -r -a b <<<"$hdr"
    [[ "${b[*]:0:8}" == "137 80 78 71 13 10 26 10" ]] || fail "$label: not a PNG (header: ${b[*]:0:8})"
    w=$(( (b[16] << 24) | (b[17] << 16) | (b[18] << 8) | b[19] ))
    h=$(( (b[20] << 24) | (b[21] << 16) | (b[22] << 8) | b[23] ))
    ct=${b[25]}
    case "$ct" in
        6) log "    $label: PNG ${w}x${h}, ${b[24]}-bit RGBA ($(du -h "$f" | cut -f1))" ;;
        4) log "    $label: PNG ${w}x${h}, ${b[24]}-bit grey+alpha ($(du -h "$f" | cut -f1))" ;;
        *) fail "$label: PNG colour type $ct has no alpha channel (want 6 = RGBA)" ;;
    esac
    if (( HAVE_IDENTIFY )); then
        local pw ph stats
        read -r pw ph < <(identify -format '%w %h\n' "$PHOTO" 2>/dev/null | head -1)
        [[ "$w $h" == "$pw $ph" ]] || fail "$label: ${w}x${h}, but the photo is ${pw}x${ph}"
        stats=$(identify -format '%[channels] %[fx:minima.a] %[fx:maxima.a] %[fx:mean.a]' "$f" 2>&1) \
            || fail "$label: identify cannot read it: $stats"
        read -r chans amin amax amean <<<"$stats"
        log "    $label: identify: channels $chans, alpha min $amin max $amax mean $amean"
        awk -v a="$amin" -v b="$amax" 'BEGIN { exit !(a < 0.02 && b > 0.98) }' \
            || fail "$label: alpha is not a cut-out (min $amin, max $amax: all opaque or all transparent?)"
    fi
}

if (( SELFTEST )); then
    step "offline run (selftest: tools)"
    run_logged "$LOGS/offline-selftest.log" \
        offline /bin/sh -c 'echo "HOME=$HOME"; ls -A "$HOME" | wc -l; ls /usr/lib/x86_64-linux-gnu/libtorch.so*' \
        || fail "offline run failed" "$LOGS/offline-selftest.log"
    sed 's/^/    /' "$LOGS/offline-selftest.log"
    step_done
else
    step "offline clearcut-cli"
    log "    clearcut-cli -s /tmp/photo.jpg -d /tmp/out   (unshare --net, HOME=/tmp/emptyhome)"
    rm -rf "$ROOT/tmp/out"
    rc=0
    run_logged "$LOGS/cli.log" offline clearcut-cli -s /tmp/photo.jpg -d /tmp/out --timings || rc=$?
    (( rc == 0 )) || fail "clearcut-cli exited with $rc (offline, empty HOME)" "$LOGS/cli.log"
    sed 's/^/    | /' "$LOGS/cli.log" | tail -n 15
    # clearcut-cli's default --name is {stem}_{type}, transparent-background's: photo_rgba.png.
    out_png=/tmp/out/photo_rgba.png
    [[ -f $ROOT$out_png ]] \
        || fail "clearcut-cli wrote no $out_png; /tmp/out holds: $(cd "$ROOT/tmp/out" 2>/dev/null && ls -A | tr '\n' ' ')"
    check_png "$ROOT$out_png" "$out_png"
    leftovers=$(find "$ROOT/tmp/emptyhome" -name '*.pt' 2>/dev/null | head -3)
    [[ -z $leftovers ]] || fail "a model appeared in the empty HOME: $leftovers"
    step_done
fi

# ---------------------------------------------------------------------------------------------
# 4. GUI smoke (test tools only: not part of the package test)

step "install GUI test tools: xvfb xauth"
log "    (test tools only, installed after the packages' own checks)"
run_logged "$LOGS/apt-xvfb.log" in_root apt-get install -y --no-install-recommends xvfb xauth \
    || fail "apt-get install xvfb xauth failed" "$LOGS/apt-xvfb.log"
grep -E '^(Need to get|After this operation)' "$LOGS/apt-xvfb.log" | sed 's/^/    /'
step_done

if (( SELFTEST )); then
    step "offline xvfb-run (selftest)"
    run_logged "$LOGS/xvfb-selftest.log" offline xvfb-run -a /bin/sh -c 'echo "DISPLAY=$DISPLAY"; ls /tmp/.X11-unix' \
        || fail "xvfb-run failed offline" "$LOGS/xvfb-selftest.log"
    sed 's/^/    /' "$LOGS/xvfb-selftest.log"
    step_done
else
    step "offline clearcut --smoke (xvfb)"
    log "    xvfb-run -a clearcut --smoke /tmp/photo.jpg /tmp/smoke.png   (unshare --net, HOME=/tmp/emptyhome)"
    rm -f "$ROOT/tmp/smoke.png"
    bg offline xvfb-run -a -s "-screen 0 1280x1024x24" clearcut --smoke /tmp/photo.jpg /tmp/smoke.png \
        >"$LOGS/smoke.out" 2>"$LOGS/smoke.err" || {
        rc=$?; cat "$LOGS/smoke.out" >>"$LOGS/smoke.err"
        fail "clearcut --smoke exited with $rc" "$LOGS/smoke.err"; }
    [[ -s $LOGS/smoke.err ]] && { log "    stderr:"; sed 's/^/    | /' "$LOGS/smoke.err" | tail -n 10; }
    if (( HAVE_PY )); then
        json=$(python3 -c '
import json, sys
text = sys.stdin.read()
i = text.find("{")
if i < 0: sys.exit("no JSON object on stdout")
obj, _ = json.JSONDecoder().raw_decode(text[i:])
print(json.dumps(obj, separators=(", ", ": ")))
if isinstance(obj, dict) and obj.get("ok", True) is not True:
    sys.exit("the JSON says ok=false: " + str(obj.get("error", "")))
# What the installed app shows: its own icons and, in an English locale, its translation.
if obj.get("toolbar_icons", 0) < 8 or not obj.get("window_icon"):
    sys.exit("icons missing: toolbar_icons=%s window_icon=%s" % (obj.get("toolbar_icons"), obj.get("window_icon")))
if not str(obj.get("translation", "")).endswith("clearcut_en.qm"):
    sys.exit("no English translation loaded under LANG=en_US.UTF-8: %r" % obj.get("translation"))' <"$LOGS/smoke.out" 2>&1) \
            || { cp "$LOGS/smoke.out" "$LOGS/smoke.badjson"; fail "--smoke: $(tail -n 1 <<<"$json")" "$LOGS/smoke.badjson"; }
        log "    JSON: $json"
    else
        grep -q '{' "$LOGS/smoke.out" || fail "--smoke printed no JSON" "$LOGS/smoke.out"
        log "    stdout: $(tr '\n' ' ' <"$LOGS/smoke.out")"
    fi
    check_png "$ROOT/tmp/smoke.png" "/tmp/smoke.png"
    step_done
fi

# ---------------------------------------------------------------------------------------------
# Summary

log ""
log "Installed:"
if (( SELFTEST )); then
    in_root dpkg-query -W -f='  ${Package} ${Version}\n' $SELFTEST_PACKAGES
else
    in_root dpkg -l clearcut clearcut-model-isnet | sed 's/^/  /'
fi
log "Root: ${SIZE_BASE} MB base, ${SIZE_APP} MB with the packages, $(du -sxm "$ROOT" | cut -f1) MB with xvfb; $((PKGS_APP - PKGS_BASE)) packages pulled in"
log "Steps:"
printf '  %s\n' "${TIMINGS[@]}"
(( ${#NOTES[@]} == 0 )) || { log "Notes:"; printf '  %s\n' "${NOTES[@]}"; }
TOTAL=$(secs "$T_START" "$(now)")
if (( SELFTEST )); then
    log "clean-install: PASS (selftest: root, dependency install, offline namespace, xvfb; ${TOTAL}s)"
else
    log "clean-install: PASS (clearcut $(dpkg-deb -f "$DEB_APP" Version) + clearcut-model-isnet $(dpkg-deb -f "$DEB_MODEL" Version) installed by apt in a clean $SUITE root; clearcut-cli and clearcut --smoke ran offline with an empty HOME; ${TOTAL}s)"
fi
