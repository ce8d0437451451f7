#!/usr/bin/python3
"""Make an int8 ISNet for ClearCut: post-training static quantisation with a per-block
sensitivity pass, measured against float32 on photos it was not calibrated on.

    /usr/bin/python3 tools/quantize_isnet.py --onnx isnet_medium.onnx \\
        --calibration DIR --validation DIR --out DIR/isnet-int8 [--threads 2]

Writes DIR/isnet-int8.pt (TorchScript, quantised for the onednn engine) and DIR/isnet-int8.json
(the float model's sidecar plus "precision": "int8" and a "quantization" record: engine, the
blocks kept in float and why, the calibration and validation photos, and the measured accuracy
against float32 per validation photo). Both are written under temporary names and renamed into
place, the sidecar last. Exit 0 when the int8 model was written, whether or not it is within the
parity bounds; the sidecar says which (`within_bounds`), and the engine's `auto` precision reads
that.

How (torch 1.13's FX graph mode; Debian's torch has the onednn engine, which uses VNNI, and no
FBGEMM):
  - weights per channel (symmetric int8), activations per tensor (uint8) with histogram
    observers; the network's input is quantised once and its probability output dequantised
    once;
  - calibration runs the float network once over --calibration with an observer on every tensor
    the int8 network could need. A tensor's float values do not depend on which blocks end up
    quantised, so every variant below takes its observers' statistics from that one pass instead
    of calibrating again;
  - sensitivity: each top-level block of the network (conv_in, stage1..6, stage5d..1d, side1)
    quantised alone, the rest in float, scored by its mask error on --validation;
  - then, from the whole network in int8, the blocks with the largest errors go back to float one
    at a time until every validation photo is within the bounds (mean abs difference <= 2 of 255
    and IoU of mask > 127 >= 0.98, against float32) or --max-float blocks are in float.

Photos: any PNG or JPEG in the folders, resized to the network's 1024x1024 as the engine does
(bilinear) and normalised as the sidecar says. Never the test photos: tools/calibration_photos.sh
DIR puts scikit-image's sample photos (Debian's python3-skimage package, unpacked, not installed)
in DIR/calibration and DIR/validation. The int8 model goes beside the float one as
<stem>-int8.pt, where the engine looks for it (--out ~/.local/share/ClearCut/models/isnet-int8).

Measured (Dec 2026, 2-core Zen 4, Debian's torch 1.13): calibration 46 s, the whole run ~12 min.
Quantised alone, every block but side1 stays within 1.1 of 255 (side1, the logits, 3.8); all of
them together are 5.1 / IoU 0.924 on the worst photo, and still 2.6 / 0.960 with six blocks in
float, which misses the bounds: plain post-training quantisation is not enough for this network.
"""

import argparse
import copy
import io
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import convert_isnet  # noqa: E402  (the generated network, its sidecar, atomic writes)

MEAN_ABS_BOUND = 2.0  # of 255
IOU_BOUND = 0.98
SIZE = 1024
QUANTIZER_VERSION = 1


def log(*a):
    print("quantize_isnet:", *a, file=sys.stderr, flush=True)


def load_photos(folder):
    from PIL import Image
    import torch
    names = sorted(n for n in os.listdir(folder)
                   if n.lower().endswith((".png", ".jpg", ".jpeg")))
    photos = []
    for name in names:
        with Image.open(os.path.join(folder, name)) as im:
            rgb = np.asarray(im.convert("RGB").resize((SIZE, SIZE), Image.BILINEAR),
                             dtype=np.float32)
        x = torch.from_numpy((rgb - 128.0) / 256.0).permute(2, 0, 1).unsqueeze(0).contiguous()
        photos.append((name, x))
    if not photos:
        raise SystemExit(f"quantize_isnet: no PNG or JPEG photos in {folder}")
    return photos


def mask(prob):
    return (prob.clamp(0, 1) * 255.0).round().squeeze().numpy()


def accuracy(reference, candidate):
    """Mean abs difference (0..255) and IoU of mask > 127, candidate against reference."""
    diff = float(np.abs(reference - candidate).mean())
    a, b = reference > 127, candidate > 127
    union = np.logical_or(a, b).sum()
    iou = float(np.logical_and(a, b).sum() / union) if union else 1.0
    return diff, iou


def within(scores):
    return all(d <= MEAN_ABS_BOUND and i >= IOU_BOUND for d, i in scores.values())


def worst(scores):
    return max(d for d, _ in scores.values()), min(i for _, i in scores.values())


class Quantizer:
    def __init__(self, float_model, calibration):
        import torch
        import torch.nn.functional as F
        from torch.ao.quantization import get_default_qconfig, get_default_qconfig_mapping
        from torch.fx import symbolic_trace
        from torch.ao.quantization.quantize_fx import prepare_fx
        self.torch = torch
        self.float_model = float_model
        self.qconfig = get_default_qconfig("onednn")
        self.example = (calibration[0][1],)
        self.calibration = calibration
        # One calibration for all variants: every block quantised, so every tensor that any
        # variant quantises has an observer here.
        t = time.time()
        # The network's tail, the upsampling of the logits to the full size and the sigmoid,
        # stays float: a logit in 8 bits (a step of ~0.15 over its range) moves the soft edge's
        # probability by up to ~10 of 255 (measured: mean abs 4.9 on the validation photos with
        # nothing else quantised).
        tail_interpolate = sum(
            1 for n in symbolic_trace(float_model).graph.nodes
            if n.op == "call_function" and n.target is F.interpolate) - 1
        self.base_mapping = lambda: (
            get_default_qconfig_mapping("onednn")
            .set_object_type(torch.sigmoid, None)
            .set_module_name_object_type_order("", F.interpolate, tail_interpolate, None))
        full = prepare_fx(copy.deepcopy(float_model), self.base_mapping(), self.example)
        with torch.no_grad():
            for _, x in calibration:
                full(x)
        self.stats = self._observers_by_input(full)
        log(f"calibrated on {len(calibration)} photos in {time.time() - t:.0f} s "
            f"({len(self.stats)} observed tensors)")

    @staticmethod
    def _observers_by_input(prepared):
        """Observer module for each observed tensor, by the name of the node that makes it."""
        modules = dict(prepared.named_modules(remove_duplicate=False))
        found = {}
        for node in prepared.graph.nodes:
            if node.op == "call_module" and "activation_post_process" in node.target:
                source = node.args[0]
                found[getattr(source, "name", str(source))] = modules[node.target]
        return found

    def convert(self, only=None, floats=()):
        """The network in int8 but for the blocks in floats, or with only the block `only` in
        int8 (its convolutions; the functional ops between blocks stay float)."""
        from torch.ao.quantization import QConfigMapping
        from torch.ao.quantization.observer import FixedQParamsObserver
        from torch.ao.quantization.quantize_fx import convert_fx, prepare_fx
        # The default mapping: the global qconfig, and fixed output ranges for the sigmoid.
        if only is not None:
            # A mapping of its own: the default one names op types (conv, relu, ...), which
            # would outrank a global None.
            mapping = QConfigMapping().set_global(None).set_module_name(only, self.qconfig)
        else:
            mapping = self.base_mapping()
            for block in floats:
                mapping.set_module_name(block, None)
        prepared = prepare_fx(copy.deepcopy(self.float_model), mapping, self.example)
        missing = []
        for name, observer in self._observers_by_input(prepared).items():
            if isinstance(observer, FixedQParamsObserver):
                continue  # the sigmoid's output: fixed to 0..1, nothing to calibrate
            if type(self.stats.get(name)) is type(observer):
                observer.load_state_dict(self.stats[name].state_dict())
            else:
                missing.append(name)
        if missing:  # a tensor the full calibration had no observer on: calibrate this variant
            log(f"    calibrating again for {missing[:3]}{'...' if len(missing) > 3 else ''}")
            with self.torch.no_grad():
                for _, x in self.calibration:
                    prepared(x)
        return convert_fx(prepared)


def score(model, validation, references):
    import torch
    with torch.no_grad():
        return {name: accuracy(references[name], mask(model(x))) for name, x in validation}


def timed(model, x, runs):
    import torch
    with torch.no_grad():
        model(x)
        best = float("inf")
        for _ in range(runs):
            t = time.perf_counter()
            model(x)
            best = min(best, time.perf_counter() - t)
    return best


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--onnx", required=True)
    ap.add_argument("--calibration", required=True, help="folder of calibration photos")
    ap.add_argument("--validation", required=True, help="folder of validation photos")
    ap.add_argument("--out", required=True, help="writes OUT.pt and OUT.json")
    ap.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    ap.add_argument("--max-float", type=int, default=6,
                    help="at most this many blocks kept in float (default 6)")
    ap.add_argument("--timing-runs", type=int, default=3)
    args = ap.parse_args(argv)

    import onnx
    import torch
    if "onednn" not in torch.backends.quantized.supported_engines:
        log(f"this torch has no onednn quantized engine "
            f"({torch.backends.quantized.supported_engines})")
        return 1
    torch.backends.quantized.engine = "onednn"
    if args.threads:
        torch.set_num_threads(args.threads)
    t0 = time.time()

    digest = convert_isnet.sha256_file(args.onnx)
    if digest != convert_isnet.EXPECTED_ONNX_SHA256:
        log(f"ONNX sha256 {digest} is not the expected one")
        return 1
    graph = convert_isnet.Graph(onnx.load(args.onnx))
    plan = convert_isnet.Plan(graph)
    src, convs = convert_isnet.generate(plan)
    float_model = convert_isnet.build_eager(plan, src, convs)
    blocks = []
    for path, _ in convs:
        top = path.split(".")[0]
        if top not in blocks:
            blocks.append(top)

    calibration = load_photos(args.calibration)
    validation = load_photos(args.validation)
    overlap = {n for n, _ in calibration} & {n for n, _ in validation}
    if overlap:
        log(f"photos in both sets: {sorted(overlap)}")
        return 1
    log(f"{len(blocks)} blocks; calibration {len(calibration)} photos, "
        f"validation {len(validation)} photos")

    with torch.no_grad():
        references = {name: mask(float_model(x)) for name, x in validation}
    quantizer = Quantizer(float_model, calibration)

    # Sensitivity: one block at a time.
    sensitivity = {}
    for block in blocks:
        t = time.time()
        scores = score(quantizer.convert(only=block), validation, references)
        sensitivity[block] = worst(scores)
        log(f"  only {block:8s} in int8: worst mean abs {sensitivity[block][0]:.3f}, "
            f"worst IoU {sensitivity[block][1]:.4f} ({time.time() - t:.0f} s)")
    ranked = sorted(blocks, key=lambda b: sensitivity[b][0], reverse=True)

    # Whole network in int8, then the most sensitive blocks back to float until within bounds.
    kept_float = []
    while True:
        model = quantizer.convert(floats=kept_float)
        scores = score(model, validation, references)
        log(f"  float {kept_float or 'none'}: worst mean abs {worst(scores)[0]:.3f}, "
            f"worst IoU {worst(scores)[1]:.4f}")
        if within(scores) or len(kept_float) >= args.max_float:
            break
        kept_float.append(ranked[len(kept_float)])

    scripted = torch.jit.script(model)
    x = validation[0][1]
    times = {
        "float32": timed(float_model, x, args.timing_runs),
        "int8": timed(scripted, x, args.timing_runs),
    }
    log(f"one 1024x1024 inference: float32 {times['float32']:.2f} s, int8 {times['int8']:.2f} s "
        f"({torch.get_num_threads()} threads)")

    out_dir = os.path.dirname(os.path.abspath(args.out))
    os.makedirs(out_dir, exist_ok=True)

    def save(tmp):
        buffer = io.BytesIO()
        torch.jit.save(scripted, buffer)
        with open(tmp, "wb") as f:
            f.write(buffer.getbuffer())
        loaded = torch.jit.load(tmp).eval()
        with torch.no_grad():
            again = mask(loaded(x))
        if not np.array_equal(again, mask(scripted(x))):
            raise RuntimeError("the saved int8 model does not give the same mask when loaded")

    convert_isnet.atomic_write_bytes(args.out + ".pt", save)
    side = convert_isnet.sidecar(digest)
    side["precision"] = "int8"
    side["quantization"] = {
        "quantizer_version": QUANTIZER_VERSION,
        "engine": "onednn",
        "weights": "int8 per channel, symmetric",
        "activations": "uint8 per tensor, histogram observer",
        "float_ops": "the output's last upsampling and the sigmoid (logits need more than 8 bits)",
        "calibration": [n for n, _ in calibration],
        "validation": [n for n, _ in validation],
        "float_blocks": kept_float,
        "float_blocks_why": {b: f"quantised alone: worst mean abs {sensitivity[b][0]:.3f}, "
                                f"worst IoU {sensitivity[b][1]:.4f}" for b in kept_float},
        "sensitivity": {b: {"mean_abs": round(d, 4), "iou": round(i, 5)}
                        for b, (d, i) in sensitivity.items()},
        "accuracy": {n: {"mean_abs": round(d, 4), "iou": round(i, 5)}
                     for n, (d, i) in scores.items()},
        "bounds": {"mean_abs": MEAN_ABS_BOUND, "iou": IOU_BOUND},
        "within_bounds": within(scores),
        "seconds_1024": {k: round(v, 3) for k, v in times.items()},
    }

    def write_json(p):
        with open(p, "w") as f:
            json.dump(side, f, indent=2)
            f.write("\n")

    convert_isnet.atomic_write_bytes(args.out + ".json", write_json)
    log(f"wrote {args.out}.pt and {args.out}.json in {time.time() - t0:.0f} s; "
        f"within bounds: {within(scores)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
