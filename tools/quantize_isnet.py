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
  - first, the float network's activation channels are equalised (`equalise`): each channel is
    rescaled, the rescaling folded into the weights that make and read it, so that a tensor's
    channels span similar ranges and per-tensor 8-bit steps suit all of them. The function is
    unchanged (checked: the float probabilities move by ~1e-6);
  - calibration runs the float network once over --calibration with an observer on every tensor
    the int8 network could need. A tensor's float values do not depend on which blocks end up
    quantised, so every variant below takes its observers' statistics from that one pass instead
    of calibrating again;
  - sensitivity: each top-level block of the network (conv_in, stage1..6, stage5d..1d, side1)
    quantised alone, the rest in float, scored by its mask error on --validation;
  - then, from the whole network in int8, the blocks with the largest errors go back to float one
    at a time until every validation photo is within the bounds (mean abs difference <= 2 of 255
    and IoU of mask > 127 >= 0.98, against float32) or --max-float blocks are in float;
  - failing that, the last k blocks of the network go to float together, k = 2..--max-float:
    errors compound toward the output, so blocks that each cost little alone can together cost
    the most;
  - a block in float takes the ops it feeds with it (pooling, resizing, concatenation, addition
    up to the next int8 convolution), so its output is not put back into 8 bits on the way; the
    float part runs in bfloat16, weights channels-last, where the CPU has it (--float-precision).

Photos: any PNG or JPEG in the folders, resized to the network's 1024x1024 as the engine does
(bilinear) and normalised as the sidecar says. Never the test photos: tools/calibration_photos.sh
DIR puts scikit-image's sample photos (Debian's python3-skimage package, unpacked, not installed)
in DIR/calibration and DIR/validation. The int8 model goes beside the float one as
<stem>-int8.pt, where the engine looks for it (--out ~/.local/share/ClearCut/models/isnet-int8).

Measured (Dec 2026, 2-core Zen 4, Debian's torch 1.13): equalisation 46 s, calibration 23 s, the
whole run ~15 min. Worst validation photo, mean abs difference / IoU, against float32:
  - the whole network in int8 but the logits (side1): 3.70 / 0.957 without equalisation, 2.14 /
    0.961 with it;
  - six blocks in float by sensitivity, their ops left in int8: 2.02 / 0.961; with their ops in
    float: 0.91 / 0.979;
  - the last four blocks (stage3d..side1) in bfloat16: 0.76 / 0.984 on the five photos without
    an illustration. But a clip-art test photo (HappyFish) was then 5.3 / 0.877 against the
    reference, and scikit-image's logo 6.3 / 0.717: int8 in the full-resolution encoder blocks
    (conv_in, stage1) moves the soft mask of an illustration. So the validation set holds one;
  - with it (7 photos): six blocks in bfloat16 by sensitivity (stage1, stage5, side1, conv_in,
    stage4, stage5d) 1.87 / 0.940, the last six 4.71 / 0.764: outside the bounds.
"""

import argparse
import copy
import io
import json
import operator
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import convert_isnet  # noqa: E402  (the generated network, its sidecar, atomic writes)

MEAN_ABS_BOUND = 2.0  # of 255
IOU_BOUND = 0.98
SIZE = 1024
QUANTIZER_VERSION = 3
# Equalisation's balance between the activation's range and the consumers' weights (SmoothQuant's
# alpha). Measured on the validation photos, whole network in int8 but the logits: none 3.70 /
# IoU 0.957, 0.5 2.36 / 0.963, 0.75 2.14 / 0.961, 1.0 3.01 / 0.937 (worst photo each).
EQUALISE_ALPHA = 0.75


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


class _Spaces:
    """Which channels of the network can be rescaled together.

    A convolution's output channels are a "space". ReLU, max-pooling and bilinear resizing keep
    each channel to itself and commute with a positive per-channel scale; a concatenation lays
    spaces side by side; an addition ties its two operands' spaces into one (they must be scaled
    alike). A space that reaches the network's output or a sigmoid, or comes from the input, is
    fixed. Each space records the convolutions that read it and at which input-channel offset."""

    def __init__(self, model):
        import torch
        import torch.nn.functional as F
        from torch.fx import symbolic_trace
        self.traced = symbolic_trace(model)  # shares model's convolutions
        modules = dict(model.named_modules())
        self.parent = {}
        self.fixed = {"<input>"}
        self.readers = {}  # space -> [(conv name, offset, channels)]
        self.sums = []  # (node name, space) of each addition, whose output is in that space
        segments = {}
        for node in self.traced.graph.nodes:
            if node.op == "placeholder":
                segments[node] = [("<input>", 3)]
            elif node.op == "call_module" and isinstance(modules[node.target], torch.nn.Conv2d):
                offset = 0
                for space, channels in segments[node.args[0]]:
                    self.readers.setdefault(space, []).append((node.target, offset, channels))
                    offset += channels
                segments[node] = [(node.target, modules[node.target].out_channels)]
            elif node.op == "call_function" and node.target in (F.relu, F.max_pool2d,
                                                                 F.interpolate):
                segments[node] = segments[node.args[0]]
            elif node.op == "call_function" and node.target is torch.cat:
                segments[node] = [s for a in node.args[0] for s in segments[a]]
            elif node.op == "call_function" and node.target is operator.add and \
                    [c for _, c in segments[node.args[0]]] == [c for _, c in segments[node.args[1]]]:
                for (a, _), (b, _) in zip(segments[node.args[0]], segments[node.args[1]]):
                    self._union(a, b)
                segments[node] = segments[node.args[0]]
                if len(segments[node]) == 1:
                    self.sums.append((node.name, segments[node][0][0]))
            elif node.op == "call_function" and node.target in (getattr, operator.getitem):
                continue  # a size read for a resize: no channel values flow through it
            else:  # the output, a sigmoid, anything else: whatever reaches it stays as it is
                for a in node.all_input_nodes:
                    for space, _ in segments.get(a, []):
                        self.fixed.add(space)
                if node.op != "output":
                    segments[node] = []
        self.fixed = {self.find(s) for s in self.fixed}

    def find(self, space):
        self.parent.setdefault(space, space)
        while self.parent[space] != space:
            space = self.parent[space] = self.parent[self.parent[space]]
        return space

    def _union(self, a, b):
        a, b = self.find(a), self.find(b)
        if a != b:
            self.parent[b] = a

    def groups(self, conv_names):
        """{root: [member convolutions]} for every space that may be rescaled."""
        found = {}
        for name in conv_names:
            root = self.find(name)
            if root not in self.fixed:
                found.setdefault(root, []).append(name)
        return found


def equalise(float_model, photos, alpha=EQUALISE_ALPHA):
    """The same network with its activations' channels rescaled so that, within each tensor,
    the channels' ranges are closer to each other (the network's function is unchanged, up to
    float rounding). Per-tensor 8-bit activations waste their steps on a tensor whose channels
    span very different ranges: a channel 30x narrower than the widest gets ~8 of 256 levels.

    Channel c of a space gets scale s_c = r_c^alpha / w_c^(1 - alpha), normalised to a geometric
    mean of 1, where r_c is its largest magnitude over the photos (any tensor of the space) and
    w_c the largest weight that reads it; its producers' weights and biases are divided by s_c
    and its readers' input weights multiplied by it. Weights are quantised per output channel,
    so the producers lose nothing; alpha trades the readers' weight range against the
    activation's. Returns (model, number of spaces rescaled)."""
    import torch
    from torch.fx import Interpreter
    model = copy.deepcopy(float_model)
    modules = dict(model.named_modules())
    convs = [n for n, m in modules.items() if isinstance(m, torch.nn.Conv2d)]
    spaces = _Spaces(model)
    sums = dict(spaces.sums)
    largest = {}

    class Ranges(Interpreter):
        def run_node(self, node):
            out = super().run_node(node)
            key = node.target if node.op == "call_module" else node.name
            if node.op == "call_module" or node.name in sums:
                m = out.detach().abs().amax(dim=(0, 2, 3))
                largest[key] = torch.maximum(largest[key], m) if key in largest else m
            return out

    ranges = Ranges(spaces.traced)
    with torch.no_grad():
        for _, x in photos:
            ranges.run(x)
        groups = spaces.groups(convs)
        for root, members in groups.items():
            r = torch.stack([largest[m] for m in members] +
                            [largest[n] for n, s in sums.items() if spaces.find(s) == root])
            r = r.amax(dim=0).clamp(min=1e-5)
            readers = [reader for m in members for reader in spaces.readers.get(m, [])]
            if not readers:
                continue
            w = torch.stack([modules[c].weight[:, o:o + n].abs().amax(dim=(0, 2, 3))
                             for c, o, n in readers]).amax(dim=0).clamp(min=1e-8)
            scale = r.pow(alpha) / w.pow(1.0 - alpha)
            scale = scale / scale.log().mean().exp()
            for m in members:
                modules[m].weight.div_(scale.view(-1, 1, 1, 1))
                if modules[m].bias is not None:
                    modules[m].bias.div_(scale)
            for c, o, n in readers:
                modules[c].weight[:, o:o + n].mul_(scale.view(1, -1, 1, 1))
    return model, len(groups)


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
        self.last_conv = [n for n, m in float_model.named_modules()
                          if isinstance(m, torch.nn.Conv2d)][-1]
        # One calibration for all variants: every block quantised, so every tensor that any
        # variant quantises has an observer here.
        t = time.time()
        # The network's tail, the upsampling of the logits to the full size and the sigmoid,
        # stays float: a logit in 8 bits (a step of ~0.15 over its range) moves the soft edge's
        # probability by up to ~10 of 255 (measured: mean abs 4.9 on the validation photos with
        # nothing else quantised).
        self.graph = symbolic_trace(float_model).graph
        tail_interpolate = sum(
            1 for n in self.graph.nodes
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

    def _float_ops(self, floats):
        """(op type, index among the ops of that type) of each functional op (pooling, resizing,
        concatenation, addition) that reads, directly or through other ops, what a block in
        floats makes: it runs in float too, so that a float block's output is not put back
        into 8 bits before the next int8 convolution. The order is the graph's, as prepare_fx
        counts it."""
        in_float, counts, found = {}, {}, []
        for node in self.graph.nodes:
            if node.op == "call_module":
                in_float[node] = node.target.split(".")[0] in floats
            elif node.op == "call_function" and node.target not in (getattr, operator.getitem):
                index = counts.get(node.target, 0)
                counts[node.target] = index + 1
                in_float[node] = any(in_float.get(a, False) for a in node.all_input_nodes)
                if in_float[node]:
                    found.append((node.target, index))
        return found

    def convert(self, only=None, floats=(), float_dtype=None):
        """The network in int8 but for the blocks in floats (and the ops fed by them), or with
        only the block `only` in int8 (its convolutions; the functional ops between blocks stay
        float). float_dtype bfloat16 runs the float part in bfloat16 (see bfloat16_floats)."""
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
            for op, index in self._float_ops(floats):
                mapping.set_module_name_object_type_order("", op, index, None)
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
        converted = dequantize_mixed_inputs(convert_fx(prepared))
        if float_dtype == "bfloat16" and floats:
            converted = bfloat16_floats(converted, self.last_conv)
        return converted


def quantised_module(module):
    """Whether a converted network's module is int8: its weights are packed, not parameters."""
    return next(module.parameters(), None) is None


def to_bfloat16_channels_last(module):
    """The module in bfloat16 with 4-D weights channels-last, as the engine runs bfloat16."""
    import torch
    module.to(torch.bfloat16)
    for p in module.parameters():
        if p.dim() == 4:
            p.data = p.data.contiguous(memory_format=torch.channels_last)
    return module


def dequantize_mixed_inputs(converted):
    """A float concatenation or addition with an int8 input gets that input dequantised.
    convert_fx leaves it quantised when it comes through an op that keeps its input's scale
    (a resize, a max-pool): a float block's output concatenated with an int8 path's upsampled
    one. Whether a tensor is int8 follows the graph: quantize_per_tensor and quantised modules
    make int8, dequantize and float modules make float, other ops keep their first input's."""
    import torch
    graph = converted.graph
    modules = dict(converted.named_modules())
    quantised = {}

    def first_tensor(node):
        arg = node.args[0] if node.args else None
        if isinstance(arg, (list, tuple)):
            arg = arg[0]
        return quantised.get(arg, False) if isinstance(arg, torch.fx.Node) else False

    def dequantised(node, arg):
        with graph.inserting_before(node):
            return graph.call_method("dequantize", (arg,))

    for node in list(graph.nodes):
        if node.op == "call_function" and node.target is torch.quantize_per_tensor:
            quantised[node] = True
        elif node.op == "call_method" and node.target == "dequantize":
            quantised[node] = False
        elif node.op == "call_module":
            quantised[node] = quantised_module(modules[node.target])
        elif node.op == "call_function" and node.target in (torch.cat, operator.add):
            inputs = node.args[0] if node.target is torch.cat else node.args[:2]
            flags = [quantised.get(a, False) for a in inputs]
            if any(flags) and not all(flags):
                fixed = [dequantised(node, a) if f else a for a, f in zip(inputs, flags)]
                node.args = ((fixed,) + tuple(node.args[1:]) if node.target is torch.cat
                             else tuple(fixed) + tuple(node.args[2:]))
                quantised[node] = False
            else:
                quantised[node] = all(flags)
        elif node.op in ("call_function", "call_method"):
            quantised[node] = first_tensor(node)
    graph.lint()
    converted.recompile()
    return converted


def bfloat16_floats(converted, last_conv):
    """The float part of a converted network in bfloat16, weights channels-last (how oneDNN's
    bfloat16 convolutions run fastest): every tensor leaving int8, and the input where a float
    block reads it, is cast to bfloat16, every one entering int8 back to float32 first. The
    logits (the last convolution's output) go back to float32 before the tail's resize and
    sigmoid, as the float network has them. Only when the last convolution is itself float: a
    quantised one's output stays float32."""
    import torch
    graph = converted.graph
    modules = dict(converted.named_modules())
    if last_conv not in modules or quantised_module(modules[last_conv]):
        return converted
    for node in list(graph.nodes):
        if node.op == "call_method" and node.target == "dequantize":
            with graph.inserting_after(node):
                cast = graph.call_method("to", (node, torch.bfloat16))
            node.replace_all_uses_with(cast)
            cast.args = (node, torch.bfloat16)
        elif node.op == "call_function" and node.target is torch.quantize_per_tensor and \
                node.args[0].op != "placeholder":
            with graph.inserting_before(node):
                cast = graph.call_method("float", (node.args[0],))
            node.args = (cast,) + tuple(node.args[1:])
        elif node.op == "call_module":
            module = modules[node.target]
            if quantised_module(module) or any(p.dtype != torch.float32
                                               for p in module.parameters()):
                continue
            to_bfloat16_channels_last(module)
            if node.args[0].op == "placeholder":  # a float block that reads the input itself
                with graph.inserting_before(node):
                    cast = graph.call_method("to", (node.args[0], torch.bfloat16))
                node.args = (cast,) + tuple(node.args[1:])
            if node.target == last_conv:
                with graph.inserting_after(node):
                    cast = graph.call_method("float", (node,))
                node.replace_all_uses_with(cast)
                cast.args = (node,)
    graph.lint()
    converted.recompile()
    return converted


def cpu_has_bfloat16():
    """Whether this CPU computes bfloat16 natively (AVX512-BF16 or AMX), as the engine asks."""
    try:
        with open("/proc/cpuinfo") as f:
            flags = next((line.split(":", 1)[1].split() for line in f
                          if line.startswith("flags")), [])
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


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
    ap.add_argument("--float-precision", choices=("auto", "bfloat16", "float32"), default="auto",
                    help="the blocks kept in float (auto: bfloat16 where the CPU has it)")
    ap.add_argument("--alpha", type=float, default=EQUALISE_ALPHA,
                    help=f"equalisation balance, 0..1 (default {EQUALISE_ALPHA})")
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
    t = time.time()
    equalised, rescaled = equalise(float_model, calibration, args.alpha)
    with torch.no_grad():
        drift = max(float((float_model(x) - equalised(x)).abs().max()) for _, x in validation[:1])
    log(f"equalised {rescaled} channel spaces (alpha {args.alpha}) in {time.time() - t:.0f} s; "
        f"largest change of a float probability {drift:.1e}")
    if drift > 1e-3:
        log("equalisation changed the float network's output: not quantising it")
        return 1
    quantizer = Quantizer(equalised, calibration)

    # Sensitivity: one block at a time.
    sensitivity = {}
    for block in blocks:
        t = time.time()
        scores = score(quantizer.convert(only=block), validation, references)
        sensitivity[block] = worst(scores)
        log(f"  only {block:8s} in int8: worst mean abs {sensitivity[block][0]:.3f}, "
            f"worst IoU {sensitivity[block][1]:.4f} ({time.time() - t:.0f} s)")
    ranked = sorted(blocks, key=lambda b: sensitivity[b][0], reverse=True)

    float_dtype = args.float_precision
    if float_dtype == "auto":
        float_dtype = "bfloat16" if cpu_has_bfloat16() else "float32"
    log(f"blocks kept in float run in {float_dtype}")

    def attempt(floats):
        model = quantizer.convert(floats=floats, float_dtype=float_dtype)
        scores = score(model, validation, references)
        log(f"  float {floats or 'none'}: worst mean abs {worst(scores)[0]:.3f}, "
            f"worst IoU {worst(scores)[1]:.4f}")
        return model, scores

    # Whole network in int8, then the most sensitive blocks back to float until within bounds.
    kept_float, search = [], "sensitivity"
    model, scores = attempt(kept_float)
    while not within(scores) and len(kept_float) < args.max_float:
        kept_float.append(ranked[len(kept_float)])
        model, scores = attempt(kept_float)
    # Errors compound toward the output: blocks that each cost little alone can together cost
    # the most (measured on the five photos: six blocks by sensitivity 0.91 / IoU 0.979, the
    # last four 0.76 / 0.984). So then the last k blocks of the network, k growing.
    if not within(scores):
        for k in range(2, args.max_float + 1):
            m, sc = attempt(blocks[-k:])
            if within(sc):
                model, scores, kept_float, search = m, sc, blocks[-k:], "output side"
                break

    scripted = torch.jit.script(model)
    x = validation[0][1]
    bfloat16 = to_bfloat16_channels_last(copy.deepcopy(float_model))
    times = {
        "float32": timed(float_model, x, args.timing_runs),
        "bfloat16": timed(bfloat16, x.to(torch.bfloat16).contiguous(
            memory_format=torch.channels_last), args.timing_runs),
        "int8": timed(scripted, x, args.timing_runs),
    }
    log(f"one 1024x1024 inference: float32 {times['float32']:.2f} s, bfloat16 "
        f"{times['bfloat16']:.2f} s, int8 {times['int8']:.2f} s ({torch.get_num_threads()} "
        f"threads)")

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
        "equalisation": {"alpha": args.alpha, "channel_spaces": rescaled},
        "float_ops": "the output's last upsampling and the sigmoid (logits need more than 8 bits)",
        "calibration": [n for n, _ in calibration],
        "validation": [n for n, _ in validation],
        "float_blocks": kept_float,
        "float_blocks_precision": float_dtype,
        "float_blocks_search": search,
        "float_blocks_why": (
            {b: f"quantised alone: worst mean abs {sensitivity[b][0]:.3f}, "
                f"worst IoU {sensitivity[b][1]:.4f}" for b in kept_float}
            if search == "sensitivity" else
            {b: "the network's last blocks, together: each costs little alone, but their errors "
                "compound toward the output" for b in kept_float}),
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
