#!/usr/bin/env bash
# Regenerates the Windows and macOS app icons from the app icon PNGs:
#
#   packaging/windows/clearcut.ico   16, 24, 32, 48, 64 and 256 px (ImageMagick)
#   packaging/macos/clearcut.icns    16, 32, 48, 128, 256 and 512 px (png2icns, Debian's icnsutils)
#
# from resources/icons/app/clearcut-<size>.png (tools/render_icons.sh renders those from the SVGs).
# Installs imagemagick / icnsutils with apt-get when the tools are missing. Works from any
# directory; running it again on the same PNGs gives the same icons. Then it lists what each
# icon file holds, so a missing size shows.
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$script_dir/.." && pwd)"
png_dir="$repo_root/resources/icons/app"
ico="$script_dir/windows/clearcut.ico"
icns="$script_dir/macos/clearcut.icns"
ico_sizes=(16 24 32 48 64 256)
icns_sizes=(16 32 48 128 256 512) # the sizes png2icns has icon types for (1024 needs ic10 PNGs)

apt_install() {
    local sudo=()
    [ "$(id -u)" -eq 0 ] || sudo=(sudo)
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "$@"
}

# ImageMagick 7 calls it magick; 6 (Debian 12) convert. /usr/bin first: another convert earlier
# in PATH may be a stand-in.
magick=""
for candidate in magick /usr/bin/convert convert; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -version 2>/dev/null | grep -q ImageMagick; then
        magick="$candidate"
        break
    fi
done
if [ -z "$magick" ]; then
    echo "ImageMagick not found; installing imagemagick" >&2
    apt_install imagemagick
    magick=/usr/bin/convert
fi
if ! command -v png2icns >/dev/null 2>&1; then
    echo "png2icns not found; installing icnsutils" >&2
    apt_install icnsutils
fi

missing=0
for size in "${ico_sizes[@]}" "${icns_sizes[@]}"; do
    if [ ! -f "$png_dir/clearcut-$size.png" ]; then
        echo "missing $png_dir/clearcut-$size.png (tools/render_icons.sh makes it)" >&2
        missing=1
    fi
done
[ "$missing" -eq 0 ] || exit 1

mkdir -p "$(dirname "$ico")" "$(dirname "$icns")"

# --- Windows .ico: one entry per PNG, 32-bit with alpha. -strip keeps dates and other metadata
# out, so the same PNGs give the same bytes.
ico_inputs=()
for size in "${ico_sizes[@]}"; do ico_inputs+=("$png_dir/clearcut-$size.png"); done
"$magick" "${ico_inputs[@]}" -strip -define png:exclude-chunks=date,time "$ico.tmp.ico"
mv -f "$ico.tmp.ico" "$ico"

# --- macOS .icns
icns_inputs=()
for size in "${icns_sizes[@]}"; do icns_inputs+=("$png_dir/clearcut-$size.png"); done
png2icns "$icns.tmp" "${icns_inputs[@]}" >/dev/null
mv -f "$icns.tmp" "$icns"

# --- what they hold
echo "$ico:"
identify_cmd=identify
[ "$magick" = magick ] && identify_cmd="magick identify"
$identify_cmd -format '  %wx%h %[channels]\n' "$ico" | sed 's/^ */  /'
echo "$icns:"
if command -v icns2png >/dev/null 2>&1; then
    icns2png -l "$icns" | grep "^ *'" | sed 's/^ */  /' || true
fi

# Each wanted size must be there.
for size in "${ico_sizes[@]}"; do
    $identify_cmd -format '%w\n' "$ico" | grep -qx "$size" \
        || { echo "error: $ico has no ${size}x$size entry" >&2; exit 1; }
done
for size in "${icns_sizes[@]}"; do
    icns2png -l "$icns" | grep -q "${size}x${size}" \
        || { echo "error: $icns has no ${size}x$size entry" >&2; exit 1; }
done
echo "platform icons written"
