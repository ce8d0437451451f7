#!/usr/bin/python3
"""Writes ClearCut's corpus of awkward and bad photos into OUTDIR, with OUTDIR/manifest.json.

    /usr/bin/python3 tests/corpus/make_corpus.py OUTDIR

Everything is generated (fixed seeds, no binaries in the repository): the same OUTDIR bytes on
every run with the same PIL, OpenCV and libwebp. Good photos are small (1 to 160 pixels a side) so
the real model runs quickly on them. OUTDIR must be empty or missing.

manifest.json: {"version": 1, "entries": [ENTRY, ...]}, each ENTRY:
  path            relative to OUTDIR, '/'-separated (UTF-8)
  kind            "good" (a user expects a result) or "bad" (a clear message is expected)
  type            "file", "dir" or "symlink" (a symlink is never followed when hashing)
  expect          bad only: a fragment of the message ClearCut gives for it (engine/ImageIO.cpp,
                  engine/FileRead.cpp) when the file is read directly; walk_expect: the fragment
                  when a folder search meets it instead (a link loop is reported by the search);
                  http_expect: the fragment of clearcut-server's JSON "error" where it differs;
                  alone_expect (a folder): the fragment when it is the only source given (inside
                  a folder search a folder named like a photo is walked as a folder, silently).
                  Fragments are matched case-insensitively.
  status          bad only: the HTTP status clearcut-server answers for its bytes (400, 413)
  size            good only: [width, height] of the decoded, upright photo
  quadrants       good only, optional: the upright photo's four quadrants' colours, RGB,
                  [top-left, top-right, bottom-left, bottom-right]; tolerance: per channel
  exif_orientation  EXIF orientation stored in the file (1-8)
  skip_when_root  the reason depends on permissions a root process does not have (as root the
                  file is an ordinary good photo: root_kind)
  note            what the entry is
"""

import io
import json
import os
import random
import struct
import sys
import zlib

import cv2
import numpy as np
from PIL import Image

# The upright picture: four flat quadrants, distinct under every rotation and flip.
RED, GREEN, BLUE, YELLOW = (220, 30, 30), (30, 200, 60), (40, 60, 210), (230, 210, 40)
QUADRANTS = [RED, GREEN, BLUE, YELLOW]  # top-left, top-right, bottom-left, bottom-right
GREYS = [30, 90, 160, 230]

ORIENTATION_EXIF_TAG = 0x0112

# What PIL does to show a photo stored with EXIF orientation N (ImageOps.exif_transpose), and the
# inverse, which stores the upright picture so that showing it gives the upright picture back.
SHOW = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
INVERSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}


def quadrant_array(width, height, colours):
    """An HxWx3 uint8 RGB array of four flat quadrants."""
    a = np.zeros((height, width, 3), np.uint8)
    w2, h2 = width // 2, height // 2
    a[:h2, :w2] = colours[0]
    a[:h2, w2:] = colours[1]
    a[h2:, :w2] = colours[2]
    a[h2:, w2:] = colours[3]
    return a


def quadrant_image(width=128, height=96, colours=QUADRANTS):
    return Image.fromarray(quadrant_array(width, height, colours), "RGB")


def grey_image(width=128, height=96):
    a = np.zeros((height, width), np.uint8)
    w2, h2 = width // 2, height // 2
    a[:h2, :w2], a[:h2, w2:], a[h2:, :w2], a[h2:, w2:] = GREYS
    return Image.fromarray(a, "L")


def encoded(image, fmt, **params):
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def png_chunk(kind, data):
    return (struct.pack(">I", len(data)) + kind + data +
            struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


class Corpus:
    def __init__(self, root):
        self.root = root
        self.entries = []

    def _path(self, rel):
        path = os.path.join(self.root, *rel.split("/"))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        return path

    def write(self, rel, data):
        with open(self._path(rel), "wb") as f:
            f.write(data)
        return rel

    def good(self, rel, data, size, note, quadrants=None, tolerance=0, **extra):
        self.write(rel, data)
        entry = {"path": rel, "kind": "good", "type": "file", "size": list(size), "note": note}
        if quadrants is not None:
            entry["quadrants"] = [list(c) for c in quadrants]
            entry["tolerance"] = tolerance
        entry.update(extra)
        self.entries.append(entry)

    def bad(self, rel, data, expect, note, status=400, type_="file", **extra):
        if data is not None:
            self.write(rel, data)
        entry = {"path": rel, "kind": "bad", "type": type_, "expect": expect,
                 "status": status, "note": note}
        entry.update(extra)
        self.entries.append(entry)


def make(root):
    c = Corpus(root)
    rng = random.Random(20240614)

    # ---------------------------------------------------------------- good: formats and modes
    q = quadrant_image()
    jpeg = encoded(q, "JPEG", quality=95)
    png = encoded(q, "PNG")
    webp = encoded(q, "WEBP", quality=90)
    size = (128, 96)
    c.good("good/baseline.jpg", jpeg, size, "baseline JPEG", QUADRANTS, 24)
    c.good("good/progressive.jpg", encoded(q, "JPEG", quality=95, progressive=True), size,
           "progressive JPEG", QUADRANTS, 24)
    c.good("good/rgb.png", png, size, "8-bit RGB PNG", QUADRANTS, 0)
    c.good("good/rgba.png", encoded(q.convert("RGBA"), "PNG"), size,
           "RGBA PNG, opaque (alpha is dropped)", QUADRANTS, 0)
    c.good("good/lossy_webp.webp", webp, size, "lossy WebP", QUADRANTS, 24)
    c.good("good/lossless_webp.webp", encoded(q, "WEBP", lossless=True), size, "lossless WebP",
           QUADRANTS, 0)
    c.good("good/plain_tiff.tif", encoded(q, "TIFF"), size, "uncompressed TIFF", QUADRANTS, 0)
    c.good("good/lzw.tiff", encoded(q, "TIFF", compression="tiff_lzw"), size, "LZW TIFF",
           QUADRANTS, 0)
    c.good("good/plain_bmp.bmp", encoded(q, "BMP"), size, "24-bit BMP", QUADRANTS, 0)
    c.good("good/one_pixel.png", encoded(Image.new("RGB", (1, 1), RED), "PNG"), (1, 1),
           "1x1 PNG", [RED] * 4, 0)
    c.good("good/one_pixel_jpeg.jpg", encoded(Image.new("RGB", (1, 1), GREEN), "JPEG", quality=95),
           (1, 1), "1x1 JPEG", [GREEN] * 4, 24)
    c.good("good/thin_line.png", encoded(quadrant_image(160, 2), "PNG"), (160, 2),
           "160x2 PNG: an extreme aspect ratio")

    # 16-bit: samples scaled by 257, ImageIO scales them back to 8 bits exactly.
    q16_bgr = (quadrant_array(128, 96, QUADRANTS)[:, :, ::-1].astype(np.uint16) * 257)
    ok, rgb16 = cv2.imencode(".png", q16_bgr)
    assert ok
    c.good("good/rgb16.png", rgb16.tobytes(), size, "16-bit RGB PNG", QUADRANTS, 1)
    ok, tif16 = cv2.imencode(".tif", q16_bgr)
    assert ok
    c.good("good/rgb16_tiff.tif", tif16.tobytes(), size, "16-bit RGB TIFF", QUADRANTS, 1)
    grey16 = (np.asarray(grey_image(), np.uint16) * 257)
    c.good("good/grey16.png", encoded(Image.fromarray(grey16, "I;16"), "PNG"), size,
           "16-bit grey PNG", [(g, g, g) for g in GREYS], 1)

    c.good("good/cmyk.jpg", encoded(q.convert("CMYK"), "JPEG", quality=95), size,
           "CMYK JPEG (Adobe, inverted)", QUADRANTS, 32)
    c.good("good/grey_jpeg.jpg", encoded(grey_image(), "JPEG", quality=95), size, "greyscale JPEG",
           [(g, g, g) for g in GREYS], 24)
    c.good("good/palette.png", encoded(q.quantize(colors=4, dither=Image.Dither.NONE), "PNG"),
           size, "palette PNG (4 colours)", QUADRANTS, 0)
    palette_t = q.quantize(colors=4, dither=Image.Dither.NONE)
    c.good("good/palette_transparent.png", encoded(palette_t, "PNG", transparency=0), size,
           "palette PNG with a tRNS transparent index (alpha is dropped)", QUADRANTS, 0)
    grey = grey_image()
    alpha = Image.fromarray(np.tile(np.linspace(0, 255, 128, dtype=np.uint8), (96, 1)), "L")
    c.good("good/grey_alpha.png", encoded(Image.merge("LA", (grey, alpha)), "PNG"), size,
           "grey + alpha PNG, alpha 0 to 255 left to right (alpha is dropped)",
           [(g, g, g) for g in GREYS], 0)
    c.good("good/grey.png", encoded(grey, "PNG"), size, "8-bit grey PNG",
           [(g, g, g) for g in GREYS], 0)

    # Wrong extensions that still decode: ClearCut reads the bytes, not the name.
    c.good("good/png_named.jpg", encoded(quadrant_image(96, 128), "PNG"), (96, 128),
           "a PNG named .jpg", QUADRANTS, 0)
    c.good("good/jpeg_named.png", encoded(quadrant_image(64, 64), "JPEG", quality=95), (64, 64),
           "a JPEG named .png", QUADRANTS, 24)
    c.good("good/webp_named.tif", encoded(quadrant_image(80, 64), "WEBP", lossless=True),
           (80, 64), "a WebP named .tif", QUADRANTS, 0)

    # Animated: a user expects the first frame (ImageIO reads it through giflib and libwebpdemux).
    frames = [quadrant_image(96, 64, QUADRANTS[i:] + QUADRANTS[:i]) for i in range(3)]
    c.good("good/animated_gif.gif",
           encoded(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100,
                   loop=0), (96, 64), "animated GIF, 3 frames: the first is expected",
           QUADRANTS, 0)
    c.good("good/animated_webp.webp",
           encoded(frames[0], "WEBP", save_all=True, append_images=frames[1:], duration=100,
                   lossless=True), (96, 64),
           "animated WebP, 3 frames: the first is expected", QUADRANTS, 0)
    c.good("good/still.gif", encoded(frames[0], "GIF"), (96, 64),
           "a still GIF", QUADRANTS, 0)

    # ---------------------------------------------------------------- good: names
    c.good("names/fotoğraf_çiçek.jpg", encoded(quadrant_image(112, 80), "JPEG", quality=95),
           (112, 80), "non-ASCII name (Turkish)", QUADRANTS, 24)
    c.good("names/写真.png", encoded(quadrant_image(80, 112), "PNG"), (80, 112),
           "non-ASCII name (Japanese)", QUADRANTS, 0)
    c.good("names/ünïcødé dir ✓/space name.png", encoded(quadrant_image(64, 48), "PNG"),
           (64, 48), "spaces and non-ASCII in a folder name", QUADRANTS, 0)
    head = "長い名前_ç_"  # multi-byte characters first, then ASCII to exactly 250 bytes
    pad = 250 - len((head + ".jpg").encode("utf-8"))
    long_name = head + "x" * pad + ".jpg"
    assert len(long_name.encode("utf-8")) == 250
    c.good("names/" + long_name, encoded(quadrant_image(72, 56), "JPEG", quality=95),
           (72, 56), "a 250-byte UTF-8 file name (the longest a name can be is 255)",
           QUADRANTS, 24)

    # ---------------------------------------------------------------- good: EXIF orientation
    upright = quadrant_image(120, 80)  # wider than tall: a sideways result has the wrong size
    for o in range(1, 9):
        stored = upright if o == 1 else upright.transpose(INVERSE[o])
        exif = Image.Exif()
        exif[ORIENTATION_EXIF_TAG] = o
        data = encoded(stored, "JPEG", quality=95, exif=exif.tobytes())
        # Self-check: shown as EXIF says, the stored picture is the upright one.
        back = Image.open(io.BytesIO(data))
        assert back.getexif().get(ORIENTATION_EXIF_TAG) == o
        shown = back if o == 1 else back.transpose(SHOW[o])
        assert shown.size == upright.size
        diff = np.abs(np.asarray(shown, np.int16) - np.asarray(upright, np.int16))
        assert np.median(diff) < 8, (o, np.median(diff))
        c.good(f"exif/orientation_{o}.jpg", data, upright.size,
               f"JPEG, EXIF orientation {o}: upright is 120x80", QUADRANTS, 24,
               exif_orientation=o)
    # The same in the other formats that carry EXIF (PNG eXIf, WebP EXIF, TIFF's own tag).
    stored6 = upright.transpose(INVERSE[6])
    exif6 = Image.Exif()
    exif6[ORIENTATION_EXIF_TAG] = 6
    c.good("exif/orientation_6_png.png", encoded(stored6, "PNG", exif=exif6.tobytes()),
           upright.size, "PNG with an eXIf chunk, orientation 6: upright is 120x80", QUADRANTS,
           0, exif_orientation=6)
    c.good("exif/orientation_6_webp.webp",
           encoded(stored6, "WEBP", lossless=True, exif=exif6.tobytes()), upright.size,
           "WebP with an EXIF chunk, orientation 6: upright is 120x80", QUADRANTS, 0,
           exif_orientation=6)
    c.good("exif/orientation_6_tiff.tif", encoded(stored6, "TIFF", tiffinfo={0x0112: 6}),
           upright.size, "TIFF with Orientation 6: upright is 120x80", QUADRANTS, 0,
           exif_orientation=6)

    # ---------------------------------------------------------------- bad: empty, cut short
    c.bad("bad/empty.jpg", b"", "empty file", "zero bytes, .jpg", http_expect="no photo")
    c.bad("bad/empty.png", b"", "empty file", "zero bytes, .png", http_expect="no photo")

    big = quadrant_image(160, 120)
    noise = np.random.default_rng(7).integers(0, 40, (120, 160, 3), dtype=np.uint8)
    big = Image.fromarray(np.asarray(big) - noise, "RGB")  # texture: data worth cutting
    sources = {
        "jpg": encoded(big, "JPEG", quality=90),
        "png": encoded(big, "PNG"),
        "webp": encoded(big, "WEBP", quality=80),
        "tif": encoded(big, "TIFF"),
    }
    names = {"jpg": "JPEG", "png": "PNG", "webp": "WebP", "tif": "TIFF"}
    for ext, data in sources.items():
        n = len(data)
        cuts = {
            "head": 24,  # inside the header
            "early": n // 5,
            "half": n // 2,
            "tail": n - 2 if ext != "png" else n - 12,  # JPEG: no EOI; PNG: no IEND
        }
        for label, at in cuts.items():
            c.bad(f"bad/truncated_{label}.{ext}", data[:at], "truncated",
                  f"{names[ext]} of {n} bytes cut to {at}")

    # ---------------------------------------------------------------- bad: not photos
    c.bad("bad/random.jpg", bytes(rng.getrandbits(8) for _ in range(4096)),
          "not a supported image", "4 KiB of random bytes named .jpg")
    c.bad("bad/random.webp", bytes(rng.getrandbits(8) for _ in range(300)),
          "not a supported image", "300 random bytes named .webp")
    c.bad("bad/text.png", b"Hello, this is a text file and not a photo.\n" * 4,
          "not a supported image", "text named .png")
    c.bad("bad/html.jpg", b"<!DOCTYPE html><html><body>404 Not Found</body></html>\n",
          "not a supported image", "an HTML error page saved as .jpg")

    # ---------------------------------------------------------------- bad: pixel bombs
    ihdr = struct.pack(">IIBBBBB", 100000, 100000, 8, 2, 0, 0, 0)
    row = zlib.compress(b"\x00" + b"\x80" * 300 * 3)
    c.bad("bad/huge.png", b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) +
          png_chunk(b"IDAT", row) + png_chunk(b"IEND", b""), "image too large",
          "PNG whose header says 100000x100000", status=413)

    small = bytearray(encoded(quadrant_image(16, 16), "JPEG", quality=90))
    sof = small.find(b"\xff\xc0")
    assert sof > 0
    struct.pack_into(">HH", small, sof + 5, 65000, 65000)  # height, width
    c.bad("bad/huge.jpg", bytes(small), "image too large",
          "JPEG whose SOF says 65000x65000", status=413)

    lossless = encoded(quadrant_image(16, 16), "WEBP", lossless=True)
    assert lossless[12:16] == b"VP8L"
    vp8x = b"VP8X" + struct.pack("<I", 10) + bytes(4) + \
        (16384 - 1).to_bytes(3, "little") + (16384 - 1).to_bytes(3, "little")
    body = b"WEBP" + vp8x + lossless[12:]
    c.bad("bad/huge.webp", b"RIFF" + struct.pack("<I", len(body)) + body, "image too large",
          "WebP whose VP8X canvas says 16384x16384", status=413)

    # A hand-made TIFF whose first IFD says 100000x100000 (LONG values), one short strip.
    entries = [(256, 4, 1, 100000), (257, 4, 1, 100000), (258, 3, 1, 8), (259, 3, 1, 1),
               (262, 3, 1, 1), (273, 4, 1, 8 + 2 + 12 * 9 + 4), (277, 3, 1, 1),
               (278, 4, 1, 1), (279, 4, 1, 64)]
    ifd = struct.pack("<H", len(entries))
    for tag, typ, count, value in entries:
        ifd += struct.pack("<HHI", tag, typ, count) + \
            (struct.pack("<HH", value, 0) if typ == 3 else struct.pack("<I", value))
    ifd += struct.pack("<I", 0)
    c.bad("bad/huge.tif", b"II*\x00" + struct.pack("<I", 8) + ifd + b"\x80" * 64,
          "image too large", "TIFF whose IFD says 100000x100000", status=413)

    # ---------------------------------------------------------------- bad: not files
    os.makedirs(os.path.join(root, "x.jpg"))
    c.bad("x.jpg", None, "not a regular file (a folder)",
          "a folder named x.jpg: a folder search walks it as the folder it is (it is empty); "
          "given alone, no photos are found in it", type_="dir", alone_expect="no photos found")
    os.symlink("loop-b.jpg", os.path.join(root, "loop-a.jpg"))
    os.symlink("loop-a.jpg", os.path.join(root, "loop-b.jpg"))
    for name, other in (("loop-a.jpg", "loop-b.jpg"), ("loop-b.jpg", "loop-a.jpg")):
        c.bad(name, None, "a symbolic link loop", f"a link to {other}, which links back",
              type_="symlink", walk_expect="a symbolic link loop")
    os.symlink("missing.jpg", os.path.join(root, "broken.jpg"))
    c.bad("broken.jpg", None, "no such file", "a link to missing.jpg, which is not there",
          type_="symlink", walk_expect="a broken link")

    unreadable = c.write("unreadable.jpg", encoded(quadrant_image(64, 48), "JPEG", quality=95))
    os.chmod(os.path.join(root, unreadable), 0)
    c.bad(unreadable, None, "permission denied", "a good JPEG with mode 000",
          skip_when_root=True, root_kind="good", size=[64, 48],
          quadrants=[list(x) for x in QUADRANTS], tolerance=24)

    manifest = {"version": 1, "entries": c.entries}
    with open(os.path.join(root, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, ensure_ascii=False, indent=1)
        f.write("\n")
    return c.entries


def main():
    if len(sys.argv) != 2:
        sys.exit(f"usage: {sys.argv[0]} OUTDIR")
    root = sys.argv[1]
    if os.path.exists(root) and os.listdir(root):
        sys.exit(f"{root} is not empty")
    os.makedirs(root, exist_ok=True)
    entries = make(root)
    good = sum(e["kind"] == "good" for e in entries)
    print(f"{len(entries)} entries ({good} good, {len(entries) - good} bad) in {root}")


if __name__ == "__main__":
    main()
