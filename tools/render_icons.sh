#!/usr/bin/env bash
# Re-renders every PNG under resources/icons/ from its SVG source with rsvg-convert,
# then checks each output's pixel size with ImageMagick's identify.
#
#   tools/render_icons.sh          (works from any directory)
#
# App icon:     resources/icons/app/clearcut-{16,22,24,32,48,64,128,256,512}.png
#               16-32 come from clearcut-small.svg, 48 and up from clearcut.svg.
# Action icons: resources/icons/actions/NAME.png (24x24) and NAME@2x.png (48x48).
#
# Idempotent: rendering the same SVGs again gives the same files.
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$script_dir/.." && pwd)"
icons="$repo_root/resources/icons"

apt_install() {
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        sudo=(sudo)
    fi
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "$@"
}

if ! command -v rsvg-convert >/dev/null 2>&1; then
    echo "rsvg-convert not found; installing librsvg2-bin" >&2
    apt_install librsvg2-bin
fi
if ! command -v identify >/dev/null 2>&1; then
    echo "identify not found; installing imagemagick" >&2
    apt_install imagemagick
fi

failures=0
count=0

# render SRC SIZE OUT
render() {
    local src=$1 size=$2 out=$3
    if [ ! -f "$src" ]; then
        echo "error: missing source $src" >&2
        failures=$((failures + 1))
        return
    fi
    rsvg-convert --width "$size" --height "$size" --format png --output "$out.tmp" "$src"
    mv -f "$out.tmp" "$out"
    local got
    got="$(identify -format '%wx%h' "$out")"
    if [ "$got" != "${size}x${size}" ]; then
        echo "error: $out is $got, expected ${size}x${size}" >&2
        failures=$((failures + 1))
    fi
    count=$((count + 1))
}

app="$icons/app"
for size in 16 22 24 32; do
    render "$app/clearcut-small.svg" "$size" "$app/clearcut-$size.png"
done
for size in 48 64 128 256 512; do
    render "$app/clearcut.svg" "$size" "$app/clearcut-$size.png"
done

actions=(
    document-open
    document-save
    edit-copy
    edit-paste
    batch-export
    view-split
    view-original
    view-result
    zoom-fit
    zoom-actual
    preferences
    help-about
    dialog-error
)
for name in "${actions[@]}"; do
    render "$icons/actions/$name.svg" 24 "$icons/actions/$name.png"
    render "$icons/actions/$name.svg" 48 "$icons/actions/$name@2x.png"
done

if [ "$failures" -ne 0 ]; then
    echo "render_icons: $failures problem(s)" >&2
    exit 1
fi
echo "render_icons: rendered and checked $count PNGs under ${icons#"$repo_root"/}"
