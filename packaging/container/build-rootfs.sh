#!/usr/bin/env bash
# packaging/container/build-rootfs.sh: the container image's root file system, built without a
# container registry. Debian 12 (bookworm) made by mmdebstrap as debian:12-slim is made
# (variant minbase, the same dpkg path excludes), plus what packaging/container/Dockerfile adds:
# ClearCut's two packages installed by apt with their dependencies from Debian's mirror, without
# Recommends, and the user clearcut (UID/GID 10001). run-in-chroot.sh serves it.
#
#   tools/package.sh
#   packaging/container/build-rootfs.sh /tmp/clearcut-rootfs            # .debs from build/packages
#   packaging/container/build-rootfs.sh /tmp/clearcut-rootfs APP.deb MODEL.deb
#
# ROOTFS must not exist or be an empty folder. Needs root (mmdebstrap's root mode), mmdebstrap
# (installed with apt-get when missing) and Debian's mirror (CLEARCUT_DEBIAN_MIRROR, default
# mmdebstrap's: deb.debian.org with bookworm, bookworm-updates and bookworm-security, the
# sources debian:12-slim has). Time: 1-3 minutes; ~1.5 GB of disk.
#
# To turn it into an image where a Docker daemon exists but no registry does:
#   tar -C ROOTFS -c . | docker import --change 'USER 10001:10001' \
#       --change 'ENV CLEARCUT_MODEL_DIR=/usr/share/clearcut/models' --change 'EXPOSE 8080' \
#       --change 'ENTRYPOINT ["/usr/bin/clearcut-server","--listen","0.0.0.0:8080"]' - clearcut-server
set -euo pipefail

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }
die() { echo "build-rootfs: $*" >&2; exit 1; }

case "${1:-}" in -h | --help) usage; exit 0 ;; "") usage >&2; exit 2 ;; esac
(( $# == 1 || $# == 3 )) || die "give ROOTFS, or ROOTFS APP.deb MODEL.deb (see --help)"
(( EUID == 0 )) || die "must run as root (mmdebstrap --mode=root)"

root_dir=$1
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
if (( $# == 3 )); then
    app=$2 model=$3
else
    packages="${CLEARCUT_BUILD_DIR:-$repo/build}/packages"
    shopt -s nullglob
    apps=("$packages"/clearcut_*_amd64.deb) models=("$packages"/clearcut-model-isnet_*_all.deb)
    shopt -u nullglob
    (( ${#apps[@]} == 1 && ${#models[@]} == 1 )) \
        || die "want exactly one clearcut_*_amd64.deb and one clearcut-model-isnet_*_all.deb in $packages (found ${#apps[@]} and ${#models[@]}): run tools/package.sh, or name them"
    app=${apps[0]} model=${models[0]}
fi
[[ -f $app && -f $model ]] || die "no such package: $app or $model"
app=$(realpath "$app") model=$(realpath "$model")
[[ $app$model != *[[:space:],]* ]] || die "package paths must not contain spaces or commas: $app $model"
contents=$(dpkg-deb -c "$app") || die "$app is not a .deb"
grep -q '\./usr/bin/clearcut-server$' <<<"$contents" \
    || die "$(basename "$app") has no /usr/bin/clearcut-server: the server is not installed by packaging/CMakeLists.txt yet (install(TARGETS ...)), so the image would have nothing to run"

if [[ -e $root_dir ]]; then
    [[ -d $root_dir && -z $(ls -A "$root_dir") ]] || die "$root_dir exists and is not an empty folder"
fi

if ! command -v mmdebstrap >/dev/null; then
    echo "build-rootfs: installing mmdebstrap (apt-get)" >&2
    apt-get install -y --no-install-recommends mmdebstrap >&2 \
        || die "could not install mmdebstrap: apt-get update && apt-get install mmdebstrap"
fi

# debian:12-slim's dpkg excludes (debuerreotype's --slim): no docs but copyright files, no man
# or info pages, no translations. They are written into the root's dpkg.cfg.d, as in the image.
slim=(
    'path-exclude=/usr/share/doc/*' 'path-include=/usr/share/doc/*/copyright'
    'path-exclude=/usr/share/groff/*' 'path-exclude=/usr/share/info/*'
    'path-exclude=/usr/share/linda/*' 'path-exclude=/usr/share/lintian/overrides/*'
    'path-exclude=/usr/share/locale/*' 'path-exclude=/usr/share/man/*'
)
args=(--mode=root --variant=minbase --format=directory)
for opt in "${slim[@]}"; do args+=(--dpkgopt="$opt"); done
# The two .debs, resolved by apt with the base system (Recommends are off by default in
# mmdebstrap, as --no-install-recommends in the Dockerfile); the hook makes the files visible
# inside the root while dpkg installs them and removes them afterwards.
args+=(--include="$app" --include="$model"
       --hook-dir=/usr/share/mmdebstrap/hooks/file-mirror-automount)
# The Dockerfile's user, and its checks. (mmdebstrap runs each hook with the root as "$1".)
# shellcheck disable=SC2016
args+=(--customize-hook='chroot "$1" groupadd --system --gid 10001 clearcut'
       --customize-hook='chroot "$1" useradd --system --uid 10001 --gid 10001 --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin clearcut'
       --customize-hook='test -x "$1/usr/bin/clearcut-server" && test -f "$1/usr/share/clearcut/models/isnet.pt"')

mirrors=()
[[ -n ${CLEARCUT_DEBIAN_MIRROR:-} ]] && mirrors=("$CLEARCUT_DEBIAN_MIRROR")
echo "build-rootfs: mmdebstrap bookworm -> $root_dir with $(basename "$app") $(basename "$model")" >&2
start=$SECONDS
mmdebstrap "${args[@]}" bookworm "$root_dir" "${mirrors[@]}"
echo "build-rootfs: done in $((SECONDS - start)) s: $(du -sxh "$root_dir" | cut -f1), $(chroot "$root_dir" dpkg-query -W | wc -l) packages" >&2
echo "build-rootfs: serve it with packaging/container/run-in-chroot.sh serve $root_dir" >&2
