#!/usr/bin/python3
"""Writes the fuzz targets' seed inputs into tests/fuzz/seeds/<target>/ (or the folder given).

Tiny valid photos in every format ImageIO reads or names (JPEG, PNG, WebP, TIFF, BMP, GIF, the
formats OpenCV reads unchecked), model sidecars shaped like ISNet's, and /v1/remove requests.
Deterministic: the same OpenCV writes the same bytes, so running it again changes nothing.
Debian's python3 has what it needs (python3-opencv, python3-numpy):

    /usr/bin/python3 tests/fuzz/make_seeds.py [SEEDS_DIR]
"""

import json
import os
import struct
import sys
import zlib

import cv2
import numpy as np


def gradient(width, height, channels=3, dtype=np.uint8):
    top = np.iinfo(dtype).max if dtype != np.float32 else 1.0
    y, x = np.mgrid[0:height, 0:width]
    planes = [x / max(1, width - 1), y / max(1, height - 1), (x + y) / max(1, width + height - 2),
              np.full((height, width), 0.75)]
    image = np.dstack(planes[:channels]) * top
    return image.astype(dtype) if channels > 1 else image[:, :, 0].astype(dtype)


def encode(ext, image, params=()):
    ok, data = cv2.imencode(ext, image, list(params))
    assert ok, ext
    return data.tobytes()


def png_chunk(kind, payload):
    body = kind + payload
    return struct.pack(">I", len(payload)) + body + struct.pack(">I", zlib.crc32(body))


def png(width, height, colour_type, rows, palette=None):
    """A PNG OpenCV cannot write: palette or grey+alpha, 8 bits, filter 0 on each row."""
    out = b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8,
                                                                colour_type, 0, 0, 0))
    if palette:
        out += png_chunk(b"PLTE", bytes(palette))
    raw = b"".join(b"\x00" + bytes(row) for row in rows)
    return out + png_chunk(b"IDAT", zlib.compress(raw, 9)) + png_chunk(b"IEND", b"")


def jpeg_with_orientation(jpeg, orientation):
    """An EXIF APP1 segment with one Orientation entry, right after SOI."""
    tiff = b"MM\x00\x2a\x00\x00\x00\x08" + struct.pack(">HHHIHH", 1, 0x0112, 3, 1, orientation, 0)
    tiff += b"\x00\x00\x00\x00"
    app1 = b"Exif\x00\x00" + tiff
    return jpeg[:2] + b"\xff\xe1" + struct.pack(">H", len(app1) + 2) + app1 + jpeg[2:]


def gif():
    """A 2x2 GIF89a."""
    return (b"GIF89a\x02\x00\x02\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff"
            b",\x00\x00\x00\x00\x02\x00\x02\x00\x00\x02\x02\x44\x01\x00;")


def gif_two_frames():
    """A 2x2 GIF89a of two frames, each after a graphic control extension (ImageIO reads the
    first)."""
    frame = (b"!\xf9\x04\x04\x0a\x00\x00\x00"
             b",\x00\x00\x00\x00\x02\x00\x02\x00\x00\x02\x02\x44\x01\x00")
    return (b"GIF89a\x02\x00\x02\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff"
            + frame + frame + b";")


def decode_seeds():
    colour = gradient(16, 12)
    seeds = {
        "colour.jpg": encode(".jpg", colour, [cv2.IMWRITE_JPEG_QUALITY, 80]),
        "grey.jpg": encode(".jpg", gradient(8, 8, 1)),
        "progressive.jpg": encode(".jpg", colour, [cv2.IMWRITE_JPEG_PROGRESSIVE, 1]),
        "restarts-optimised.jpg": encode(".jpg", gradient(17, 9),
                                         [cv2.IMWRITE_JPEG_RST_INTERVAL, 1,
                                          cv2.IMWRITE_JPEG_OPTIMIZE, 1]),
        "colour.png": encode(".png", colour),
        "rgba.png": encode(".png", gradient(9, 7, 4)),
        "grey16.png": encode(".png", gradient(8, 5, 1, np.uint16)),
        "rgb16.png": encode(".png", gradient(5, 8, 3, np.uint16)),
        "palette.png": png(4, 3, 3, [[0, 1, 2, 1], [2, 1, 0, 0], [1, 1, 1, 2]],
                           palette=[255, 0, 0, 0, 255, 0, 0, 0, 255]),
        "grey-alpha.png": png(3, 2, 4, [[0, 255, 128, 128, 255, 0], [10, 20, 30, 40, 50, 60]]),
        "lossy.webp": encode(".webp", colour, [cv2.IMWRITE_WEBP_QUALITY, 60]),
        "lossless.webp": encode(".webp", colour, [cv2.IMWRITE_WEBP_QUALITY, 101]),
        "rgba-lossless.webp": encode(".webp", gradient(6, 6, 4), [cv2.IMWRITE_WEBP_QUALITY, 101]),
        "colour.tif": encode(".tif", colour),
        "grey16.tif": encode(".tif", gradient(6, 4, 1, np.uint16)),
        "float.tif": encode(".tif", gradient(4, 4, 3, np.float32)),
        "colour.bmp": encode(".bmp", gradient(5, 3)),
        "grey.bmp": encode(".bmp", gradient(4, 4, 1)),
        "rgba.bmp": encode(".bmp", gradient(3, 3, 4)),
        "tiny.gif": gif(),
        "two-frames.gif": gif_two_frames(),
        "colour.ppm": encode(".ppm", gradient(4, 3)),
        "colour.pam": encode(".pam", gradient(3, 3)),
        "colour.ras": encode(".ras", gradient(3, 2)),
        "float.pfm": encode(".pfm", gradient(2, 2, 3, np.float32)),
        "float.hdr": encode(".hdr", gradient(4, 2, 3, np.float32)),
    }
    jpeg = seeds["colour.jpg"]
    seeds["exif-rotated.jpg"] = jpeg_with_orientation(jpeg, 6)
    seeds["truncated.jpg"] = jpeg[: len(jpeg) * 2 // 3]
    seeds["truncated.png"] = seeds["colour.png"][:60]
    return seeds


ISNET = {
    "name": "ISNet (DIS)",
    "family": "isnet",
    "input": {"policy": "fixed", "width": 1024, "height": 1024, "multiple": 32, "fast_side": 512},
    "scale": 1.0,
    "mean": [128.0, 128.0, 128.0],
    "std": [256.0, 256.0, 256.0],
    "channel_order": "rgb",
    "output": "probability",
    "minmax": False,
    "source": {"package": "@imgly/background-removal-data@1.4.5", "resource": "/models/medium"},
    "converter_version": 1,
}


def sidecar_seeds():
    longest = dict(ISNET, name="longest", input={"policy": "longest", "side": 1024,
                                                 "multiple": 32, "fast_side": 512},
                   output="logits", minmax=True)
    inspyrenet = dict(ISNET, name="InSPyReNet (fast)", family="inspyrenet",
                      input={"policy": "fixed", "width": 384, "height": 384, "dynamic": False},
                      scale=1 / 255, mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225])
    wide = dict(ISNET, input={"policy": "fixed", "width": 640, "height": 480, "side": 640,
                              "multiple": 16, "fast_side": 320, "dynamic_side": 960})
    seeds = {name: json.dumps(spec, indent=2).encode() + b"\n" for name, spec in
             [("isnet.json", ISNET), ("longest.json", longest), ("inspyrenet.json", inspyrenet),
              ("wide.json", wide)]}
    seeds["defaults.json"] = b"{}"
    seeds["not-an-object.json"] = b"[1024, 1024]"
    seeds["bad-std.json"] = b'{"std": [0, 1, 1]}'
    return seeds


def request(query, content_type, body):
    return query + b"\n" + content_type + b"\n" + body


def multipart(boundary, fields):
    out = b""
    for name, extra, payload in fields:
        out += (b"--" + boundary + b"\r\nContent-Disposition: form-data; name=\"" + name + b"\""
                + extra + b"\r\n\r\n" + payload + b"\r\n")
    return out + b"--" + boundary + b"--\r\n"


def request_seeds(photo):
    form = multipart(b"XyZ", [(b"image", b"; filename=\"a.png\"\r\nContent-Type: image/png",
                               photo)])
    two = multipart(b"----b0und", [(b"note", b"", b"hello"), (b"image", b"", photo)])
    return {
        "raw-defaults.req": request(b"", b"image/png", photo),
        "raw-map-jpg.req": request(b"type=map&threshold=0.5&format=jpg", b"image/png", photo),
        "multipart.req": request(b"type=rgba&crop=5%25&canvas=square",
                                 b"multipart/form-data; boundary=XyZ", form),
        "multipart-quoted.req": request(b"type=green&format=.WEBP&mode=fast",
                                        b"multipart/form-data; charset=utf-8; "
                                        b"boundary=\"----b0und\"", two),
        "all-options.req": request(
            b"type=%5B255%2C0%2C0%5D&threshold=0.25&reverse=on&refine=off&refine_strength=0.3"
            b"&foreground_estimate=false&feather=3&shift_edge=-2&crop=20px&canvas=2000x1500"
            b"&resize_longest=800&mode=dynamic&format=tif", b"application/octet-stream", photo),
        "blur-overlay.req": request(b"type=blur&canvas=300+x+200&crop=.5", b"", photo),
        "bad-values.req": request(b"type=nope&threshold=2&feather=-1&format=gif",
                                  b"multipart/form-data", b"--x\r\n\r\n"),
        "no-image-field.req": request(b"type=white", b"multipart/form-data; boundary=x",
                                      multipart(b"x", [(b"photo", b"", b"abc")])),
    }


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(
        os.path.abspath(__file__)), "seeds")
    decode = decode_seeds()
    targets = {"fuzz_decode": decode, "fuzz_sidecar": sidecar_seeds(),
               "fuzz_request": request_seeds(encode(".png", gradient(3, 2)))}
    total = 0
    for target, seeds in targets.items():
        folder = os.path.join(root, target)
        os.makedirs(folder, exist_ok=True)
        for name, data in sorted(seeds.items()):
            with open(os.path.join(folder, name), "wb") as f:
                f.write(data)
            total += len(data)
    print(f"make_seeds: {sum(map(len, targets.values()))} seeds, {total} bytes in {root}")


if __name__ == "__main__":
    main()
