#!/usr/bin/env bash
# The photos tools/quantize_isnet.py calibrates and validates on: scikit-image's sample photos,
# from Debian's python3-skimage package (downloaded with apt-get and unpacked, not installed).
# Never the test photos (tests/data/photos): the tests measure the int8 model on those.
#
#   tools/calibration_photos.sh DIR    # writes DIR/calibration/ (8 photos), DIR/validation/ (7)
#
# Needs apt-get's package lists (apt-get update) and dpkg-deb. The two sets share no photo, and
# neither holds one of a pair (motorcycle_left/right are a stereo pair: only the right is used).
set -euo pipefail
[ $# -eq 1 ] || { sed -n '2,7p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }
out=$1
calibration=(astronaut.png coffee.png camera.png hubble_deep_field.jpg ihc.png grass.png brick.png
    moon.png)
# logo.png (an illustration) and horse.png (a silhouette): not photos, but what designers cut out
# too. Without an illustration the set passed an int8 model that a clip-art test photo failed.
validation=(chelsea.png rocket.jpg motorcycle_right.png coins.png retina.jpg logo.png horse.png)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && apt-get download python3-skimage >/dev/null) ||
    { echo "calibration_photos: apt-get download python3-skimage failed" >&2; exit 1; }
dpkg-deb -x "$tmp"/python3-skimage_*.deb "$tmp/x"
data="$tmp/x/usr/lib/python3/dist-packages/skimage/data"
mkdir -p "$out/calibration" "$out/validation"
for photo in "${calibration[@]}"; do cp "$data/$photo" "$out/calibration/"; done
for photo in "${validation[@]}"; do cp "$data/$photo" "$out/validation/"; done
echo "calibration_photos: ${#calibration[@]} calibration and ${#validation[@]} validation photos in $out"
