#!/usr/bin/env bash
# packaging/container/run-in-chroot.sh: clearcut-server in the root file system that
# build-rootfs.sh made, as the container would run it (user 10001:10001, the image's environment),
# without a container runtime: chroot, as root.
#
#   run-in-chroot.sh serve ROOTFS [PORT] [-- SERVER-ARGS...]   # foreground; Ctrl+C or SIGTERM drains
#   run-in-chroot.sh smoke ROOTFS [PORT] [PHOTO]               # start, check, drain, exit code
#
# The server listens on 127.0.0.1:PORT (default 8080) of this machine: chroot changes the root
# folder, not the network. As in the pod, the root is mounted read-only with a writable /tmp
# (64 MiB tmpfs). CLEARCUT_TOKEN, when set, is passed on (bearer-token auth).
#
# smoke checks, in order: /healthz 200; /readyz 503 then 200 (time to ready); the Dockerfile's
# HEALTHCHECK command, run inside the root as the user, exits 0; the server runs as UID 10001;
# with CLEARCUT_TOKEN set, a request without the token gets 401; /metrics is Prometheus text;
# POST /v1/remove with PHOTO (default tests/data/photos/messi5.jpg) answers a PNG of the
# photo's size; then, with a second request in flight, SIGTERM: /readyz answers 503 at once, a
# new request 503, the request in flight completes with 200, and the server exits 0. Prints one
# line per check and "N passed, N failed".
#
# Needs root (chroot; the mounts, all inside the root, are made in a private mount namespace of
# this script, so they vanish with it) and curl on this machine.
set -euo pipefail

self=$(realpath "${BASH_SOURCE[0]}")
here=$(dirname "$self")
repo=$(cd "$here/../.." && pwd)
usage() { sed -n '2,/^set -euo/p' "$self" | sed '$d' | sed 's/^# \{0,1\}//'; }
die() { echo "run-in-chroot: $*" >&2; exit 2; }

case "${1:-}" in
    -h | --help) usage; exit 0 ;;
    serve | smoke) mode=$1 ;;
    *) usage >&2; exit 2 ;;
esac
(( $# >= 2 )) || die "give the root folder (see --help)"
root=$(realpath "$2")
shift 2
port=8080
if [[ ${1:-} =~ ^[0-9]+$ ]]; then port=$1; shift; fi
(( EUID == 0 )) || die "must run as root (chroot)"
[[ -x $root/usr/bin/clearcut-server ]] || die "$root has no /usr/bin/clearcut-server: build it with build-rootfs.sh"

# Everything below runs in a private mount namespace: the mounts cannot outlive the script.
if [[ -z ${CLEARCUT_CHROOT_MOUNTNS:-} ]]; then
    export CLEARCUT_CHROOT_MOUNTNS=1
    exec unshare --mount --propagation private -- /bin/bash "$self" "$mode" "$root" "$port" "$@"
fi
# As in the pod (deployment.yaml): the root read-only, a small writable /tmp.
mount --bind "$root" "$root"
mount -o remount,bind,ro "$root"
mount -t tmpfs -o mode=1777,size=64m tmpfs "$root/tmp"
mount -t proc proc "$root/proc"            # /proc/cpuinfo (thread count), /proc/self/exe
mount -t sysfs -o ro sysfs "$root/sys"     # OpenMP and oneDNN read the CPU topology
mount --rbind /dev "$root/dev"
mount --make-rslave "$root/dev"

# The image's user and environment (Dockerfile: USER, ENV; HOME from the image's passwd).
as_user=(chroot --userspec=10001:10001 "$root" /usr/bin/env -i
         PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/nonexistent
         CLEARCUT_MODEL_DIR=/usr/share/clearcut/models)
[[ -n ${CLEARCUT_TOKEN:-} ]] && as_user+=(CLEARCUT_TOKEN="$CLEARCUT_TOKEN")
in_root_as_user() { "${as_user[@]}" "$@"; }
# exec: the calling process (this script, or the background subshell) becomes the server, so a
# SIGTERM sent to its PID reaches the server itself, as a container runtime's would.
exec_server() { exec "${as_user[@]}" /usr/bin/clearcut-server --listen "127.0.0.1:$port" "$@"; }

if [[ $mode == serve ]]; then
    [[ ${1:-} == -- ]] && shift
    echo "run-in-chroot: clearcut-server in $root on 127.0.0.1:$port as 10001:10001" >&2
    exec_server "$@"
fi

# ---- smoke --------------------------------------------------------------------------------------
photo=$(realpath "${1:-$repo/tests/data/photos/messi5.jpg}")
[[ -f $photo ]] || die "no photo $photo"
command -v curl >/dev/null || die "curl is needed on this machine (apt-get install curl)"
url="http://127.0.0.1:$port"
if curl -s -o /dev/null --max-time 2 "$url/"; then die "something already listens on $url"; fi
auth=()
[[ -n ${CLEARCUT_TOKEN:-} ]] && auth=(-H "Authorization: Bearer $CLEARCUT_TOKEN")

work=$(mktemp -d "${TMPDIR:-/tmp}/clearcut-chroot-smoke.XXXXXX")
server_pid=""
cleanup() {
    if [[ -n $server_pid ]]; then kill -KILL "$server_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

passed=0 failed=0
check() { # check "what" command...
    local what=$1
    shift
    if "$@" >"$work/check.log" 2>&1; then
        passed=$((passed + 1)); echo "PASS: $what"
    else
        failed=$((failed + 1)); echo "FAIL: $what"; sed 's/^/    /' "$work/check.log" | head -n 20
    fi
}
status_of() { curl -s -o "$work/body" -w '%{http_code}' --max-time "${2:-10}" "${auth[@]}" "$1" || true; }
# wait_for URL STATUS SECONDS: poll until URL answers STATUS.
wait_for() {
    local deadline=$((SECONDS + $3))
    while (( SECONDS < deadline )); do
        [[ $(status_of "$1" 2) == "$2" ]] && return 0
        kill -0 "$server_pid" 2>/dev/null || { echo "the server exited"; return 1; }
        sleep 0.2
    done
    echo "no $2 from $1 within $3 s (last: $(status_of "$1" 2))"
    return 1
}

exec_server >"$work/server.log" 2>&1 &
server_pid=$!
start=$SECONDS
echo "run-in-chroot: server pid $server_pid on $url (log: $work/server.log while it runs)"

check "GET /healthz answers 200" wait_for "$url/healthz" 200 60
first_ready=$(status_of "$url/readyz" 2)
echo "    /readyz first answered $first_ready: $(head -c 200 "$work/body")"
check "GET /readyz answers 200 once the model is loaded" wait_for "$url/readyz" 200 180
echo "    ready $((SECONDS - start)) s after start"

healthcheck=$(sed -n 's/^HEALTHCHECK .* CMD //p' "$here/Dockerfile")
healthcheck=${healthcheck//127.0.0.1\/8080/127.0.0.1\/$port}
check "the Dockerfile's HEALTHCHECK passes inside the root, as the user" \
    in_root_as_user /bin/sh -c "$healthcheck"
check "the server runs as UID 10001" \
    bash -c "awk '/^Uid:/ { exit !(\$2 == 10001) }' /proc/$server_pid/status"
if [[ -n ${CLEARCUT_TOKEN:-} ]]; then
    unauthorised=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$url/metrics" || true)
    check "with CLEARCUT_TOKEN set, a request without the token answers 401 (got $unauthorised)" \
        test "$unauthorised" = 401
fi
curl -s -o "$work/metrics" --max-time 10 "${auth[@]}" "$url/metrics" || true
check "GET /metrics is Prometheus text" grep -q '^# TYPE ' "$work/metrics"

remove() { # remove OUT: POST the photo, write the answer to OUT, print the status
    curl -s -o "$1" -w '%{http_code}' --max-time 120 "${auth[@]}" -H 'Content-Type: image/jpeg' \
        --data-binary "@$photo" "$url/v1/remove" || true
}
png_matches_photo() {
    local want got
    [[ $(head -c 8 "$1" | od -An -tx1 | tr -d ' \n') == 89504e470d0a1a0a ]] || { echo "not a PNG"; return 1; }
    got=$(od -An -tu1 -j16 -N8 "$1" | awk '{ print $1*16777216+$2*65536+$3*256+$4 "x" $5*16777216+$6*65536+$7*256+$8 }')
    if command -v identify >/dev/null; then
        want=$(identify -format '%wx%h' "$photo" 2>/dev/null | head -n 1)
        [[ $got == "$want" ]] || { echo "PNG is $got, photo is $want"; return 1; }
    fi
    echo "PNG $got"
}
t0=$(date +%s.%N)
code=$(remove "$work/cut.png")
echo "    POST /v1/remove: $code in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }') s"
check "POST /v1/remove answers 200 (got $code)" test "$code" = 200
check "the answer is a PNG of the photo's size" png_matches_photo "$work/cut.png"

# Drain: a request in flight, then SIGTERM.
remove "$work/inflight.png" >"$work/inflight.code" &
inflight=$!
sleep 0.3
kill -TERM "$server_pid"
after_term=$(status_of "$url/readyz" 2)
new_request=$(remove "$work/late.png")
check "after SIGTERM /readyz answers 503 (got $after_term)" test "$after_term" = 503
check "after SIGTERM a new request answers 503 (got $new_request)" test "$new_request" = 503
wait "$inflight" || true
check "the request in flight at SIGTERM completes with 200 (got $(cat "$work/inflight.code"))" \
    test "$(cat "$work/inflight.code")" = 200
rc=0
wait "$server_pid" || rc=$?
server_pid=""
check "the server exits 0 after draining (exit code $rc)" test "$rc" = 0
echo "    server log:"
sed 's/^/    | /' "$work/server.log" | tail -n 15
echo "$passed passed, $failed failed"
(( failed == 0 ))
