#!/usr/bin/python3
"""Convert the ISNet (DIS) ONNX model shipped in @imgly/background-removal-data
into a TorchScript module usable by the ClearCut engine.

Usage:
    /usr/bin/python3 tools/convert_isnet.py --onnx isnet_medium.onnx --out DIR/isnet

Writes DIR/isnet.pt (TorchScript, fp32 weights, fp32 compute) and
DIR/isnet.json (sidecar describing preprocessing). Both files are written
under temporary names and renamed into place, so a crash never leaves a
half-written model behind.

The converter is deliberately small and specific to this graph. It supports
the op set the ISNet export uses (Conv, Relu, MaxPool, Resize, Concat, Add,
Sigmoid, Cast, Shape, Slice, Constant) and refuses anything else.

Dynamic sizes: the exporter constant-folded the spatial part of every Resize
target size for a 1024x1024 input, i.e. each Resize gets
    sizes = Concat(Slice(Shape(data), 0:2), Constant[h, w]).
The original PyTorch code was `_upsample_like(src, tar)`, so for every Resize
the converter finds the tensor the result is combined with (the other input
of the Concat/Add it feeds, or the graph input when the result flows into a
graph output) and checks that, at 1024, that tensor's spatial size equals the
folded constant exactly. The generated code then uses
`F.interpolate(src, size=ref.shape[-2:])`, which is correct at every input
size (a multiple of 32 is expected; MaxPool ceil_mode produces odd sizes deep
inside the RSU blocks, which a fixed scale factor would get wrong).

Only the main output ("output", already a probability) is kept; the side
outputs and every node only they need are dropped.
"""

import argparse
import hashlib
import io
import json
import keyword
import math
import os
import re
import sys
import tempfile
import time

import numpy as np

CONVERTER_VERSION = 1
EXPECTED_ONNX_SHA256 = "b6e8497ba978a6f5fbb647e419d2696cd80df5a23cb6a8ea532021911bd76acb"
PACKAGE = "@imgly/background-removal-data@1.4.5"
RESOURCE = "/models/medium"
REF_SIZE = 1024  # size the ONNX export was traced (and constant-folded) at
MAIN_OUTPUT = "output"

SUPPORTED_OPS = {"Conv", "Relu", "MaxPool", "Resize", "Concat", "Add", "Sigmoid",
                 "Cast", "Shape", "Slice", "Constant"}
# ONNX TensorProto data types that are plain float precisions (Cast between
# them is an identity in the fp32 TorchScript model).
FLOAT_TYPES = {1, 10, 11, 16}  # FLOAT, FLOAT16, DOUBLE, BFLOAT16


class ConversionError(Exception):
    pass


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def sidecar(onnx_sha256):
    return {
        "name": "ISNet (DIS)",
        "family": "isnet",
        "input": {"policy": "fixed", "width": 1024, "height": 1024,
                  "multiple": 32, "fast_side": 512},
        "scale": 1.0,
        "mean": [128.0, 128.0, 128.0],
        "std": [256.0, 256.0, 256.0],
        "channel_order": "rgb",
        "output": "probability",
        "minmax": False,
        "source": {
            "package": PACKAGE,
            "resource": RESOURCE,
            "onnx_sha256": onnx_sha256,
            "license": "AGPL-3.0 (package); ISNet weights from the DIS project",
        },
        "converter_version": CONVERTER_VERSION,
    }


# --------------------------------------------------------------------------
# Graph analysis
# --------------------------------------------------------------------------

class Graph:
    def __init__(self, model):
        import onnx
        from onnx import numpy_helper
        self.onnx = onnx
        g = model.graph
        self.g = g
        self.inits = {t.name: numpy_helper.to_array(t) for t in g.initializer}
        self.inputs = [i.name for i in g.input if i.name not in self.inits]
        if len(self.inputs) != 1:
            raise ConversionError(f"expected one graph input, got {self.inputs}")
        self.input = self.inputs[0]
        self.outputs = [o.name for o in g.output]
        if MAIN_OUTPUT not in self.outputs:
            raise ConversionError(f"graph has no output named {MAIN_OUTPUT!r}")
        self.nodes = list(g.node)
        for n in self.nodes:
            if n.op_type not in SUPPORTED_OPS:
                raise ConversionError(f"unsupported op {n.op_type} ({n.name})")
            if n.domain not in ("", "ai.onnx"):
                raise ConversionError(f"unsupported domain {n.domain} ({n.name})")
        self.producer = {}
        for n in self.nodes:
            for o in n.output:
                if o in self.producer:
                    raise ConversionError(f"tensor {o} produced twice")
                self.producer[o] = n
        # shapes recorded by the exporter at 1024 (used to cross-check ours)
        self.value_info = {}
        for v in list(g.value_info) + list(g.output) + list(g.input):
            dims = v.type.tensor_type.shape.dim
            if dims and all(d.HasField("dim_value") for d in dims):
                self.value_info[v.name] = [d.dim_value for d in dims]

    def attrs(self, node):
        out = {}
        for a in node.attribute:
            v = self.onnx.helper.get_attribute_value(a)
            if isinstance(v, bytes):
                v = v.decode()
            out[a.name] = v
        return out

    def const_value(self, name):
        if name in self.inits:
            return self.inits[name]
        n = self.producer.get(name)
        if n is None or n.op_type != "Constant":
            raise ConversionError(f"{name} is not a constant")
        a = self.attrs(n)
        if "value" not in a:
            raise ConversionError(f"Constant {n.name} without tensor value")
        return self.onnx.numpy_helper.to_array(a["value"])

    def topo_sort(self, wanted_outputs):
        """Kahn's algorithm over the nodes needed for wanted_outputs, ties
        broken by original position (deterministic output)."""
        needed = set()
        stack = list(wanted_outputs)
        seen_t = set()
        while stack:
            t = stack.pop()
            if t in seen_t or t == "" or t in self.inits or t == self.input:
                continue
            seen_t.add(t)
            n = self.producer.get(t)
            if n is None:
                raise ConversionError(f"tensor {t} has no producer")
            if id(n) not in needed:
                needed.add(id(n))
                stack.extend(n.input)
        nodes = [(i, n) for i, n in enumerate(self.nodes) if id(n) in needed]
        available = set(self.inits) | {self.input, ""}
        deps = {}
        users = {}
        for i, n in nodes:
            missing = {t for t in n.input if t not in available}
            deps[i] = len(missing)
            for t in missing:
                users.setdefault(t, []).append(i)
        import heapq
        ready = [i for i, _ in nodes if deps[i] == 0]
        heapq.heapify(ready)
        by_index = dict(nodes)
        order = []
        while ready:
            i = heapq.heappop(ready)
            n = by_index[i]
            order.append(n)
            for o in n.output:
                for u in users.get(o, []):
                    deps[u] -= 1
                    if deps[u] == 0:
                        heapq.heappush(ready, u)
        if len(order) != len(nodes):
            raise ConversionError("graph has a cycle")
        return order


def conv_out(size, k, s, p0, p1, d):
    return (size + p0 + p1 - d * (k - 1) - 1) // s + 1


def pool_out_ceil(size, k, s, p0, p1):
    out = math.ceil((size + p0 + p1 - k) / s) + 1
    # PyTorch/ONNX rule: the last window must start inside the (left-padded) input
    if (out - 1) * s >= size + p0:
        out -= 1
    return out


class Plan:
    """Everything needed to generate the TorchScript module."""

    def __init__(self, graph, ref_size=REF_SIZE):
        self.graph = graph
        self.order = graph.topo_sort([MAIN_OUTPUT])
        self.consumers = {}
        for n in self.order:
            for t in n.input:
                self.consumers.setdefault(t, []).append(n)
        self.shapes = {}  # tensor -> [N, C, H, W] at ref_size (value tensors only)
        self.convs = []  # (module_path, node)
        self.resize_ref = {}  # resize node name -> reference tensor name
        self.shape_nodes = set()  # names of Shape/Slice/Constant/Concat(axis 0) nodes folded into Resize
        self.alias = {}  # identity Cast outputs
        self._classify_shape_subgraphs()
        self._propagate_shapes(ref_size)
        self._resolve_resizes()
        self._check_against_value_info()

    # Resize sizes = Concat(Slice(Shape(data), [0], [2], [0]), Constant[h, w])
    def _match_resize_sizes(self, node):
        g = self.graph
        ins = list(node.input) + [""] * (4 - len(node.input))
        data, roi, scales, sizes = ins[:4]
        if roi and not (roi in g.inits or g.producer.get(roi, None) is not None and
                        g.producer[roi].op_type == "Constant"):
            raise ConversionError(f"{node.name}: non-constant roi")
        if scales and g.const_value(scales).size != 0:
            raise ConversionError(f"{node.name}: scale-based Resize not supported")
        if not sizes:
            raise ConversionError(f"{node.name}: Resize without sizes")
        cat = g.producer.get(sizes)
        if cat is None or cat.op_type != "Concat" or g.attrs(cat).get("axis") != 0 \
                or len(cat.input) != 2:
            raise ConversionError(f"{node.name}: sizes is not Concat(Slice(Shape), const)")
        sl = g.producer.get(cat.input[0])
        if sl is None or sl.op_type != "Slice":
            raise ConversionError(f"{node.name}: sizes[0:2] is not a Slice")
        starts = g.const_value(sl.input[1]).tolist()
        ends = g.const_value(sl.input[2]).tolist()
        axes = g.const_value(sl.input[3]).tolist() if len(sl.input) > 3 and sl.input[3] else [0]
        steps = g.const_value(sl.input[4]).tolist() if len(sl.input) > 4 and sl.input[4] else [1]
        if (starts, ends, axes, steps) != ([0], [2], [0], [1]):
            raise ConversionError(f"{node.name}: unexpected Slice {starts}:{ends} axes {axes}")
        shp = g.producer.get(sl.input[0])
        if shp is None or shp.op_type != "Shape" or g.attrs(shp).get("start", 0) != 0 \
                or "end" in g.attrs(shp):
            raise ConversionError(f"{node.name}: Slice input is not Shape(x)")
        # Shape must be of the tensor being resized (N, C are taken from it),
        # possibly through identity Casts.
        if self._root(shp.input[0]) != self._root(data):
            raise ConversionError(f"{node.name}: N,C taken from a different tensor")
        hw = g.const_value(cat.input[1]).astype(np.int64).tolist()
        if len(hw) != 2:
            raise ConversionError(f"{node.name}: spatial size constant {hw}")
        return data, hw, [cat, sl, shp] + [g.producer[t] for t in sl.input[1:] + cat.input[1:]
                                           if t in g.producer]

    def _root(self, t):
        """Follow identity Casts back to the real producer tensor."""
        g = self.graph
        while t in g.producer and g.producer[t].op_type == "Cast":
            t = g.producer[t].input[0]
        return t

    def _classify_shape_subgraphs(self):
        g = self.graph
        self.resize_info = {}
        for n in self.order:
            if n.op_type == "Cast":
                to = g.attrs(n)["to"]
                if to not in FLOAT_TYPES:
                    raise ConversionError(f"{n.name}: Cast to non-float type {to}")
            if n.op_type == "Resize":
                a = g.attrs(n)
                if a.get("mode") != "linear" or a.get("coordinate_transformation_mode") != "half_pixel":
                    raise ConversionError(f"{n.name}: unsupported Resize attributes {a}")
                if a.get("exclude_outside", 0) != 0:
                    raise ConversionError(f"{n.name}: exclude_outside not supported")
                data, hw, folded = self._match_resize_sizes(n)
                self.resize_info[n.name] = (data, hw)
                for f in folded:
                    self.shape_nodes.add(f.name)
        # every Shape/Slice/Constant/axis-0 Concat must be part of a Resize pattern
        for n in self.order:
            if n.op_type in ("Shape", "Slice", "Constant") and n.name not in self.shape_nodes:
                raise ConversionError(f"{n.name}: {n.op_type} outside a Resize size pattern")
            if n.op_type == "Concat" and g.attrs(n).get("axis") != 1 and n.name not in self.shape_nodes:
                raise ConversionError(f"{n.name}: Concat along axis {g.attrs(n).get('axis')}")
            # folded shape nodes may only feed other folded shape nodes / Resize sizes
            if n.name in self.shape_nodes:
                for o in n.output:
                    for c in self.consumers.get(o, []):
                        if c.name not in self.shape_nodes and not (
                                c.op_type == "Resize" and list(c.input).index(o) == 3):
                            raise ConversionError(f"{n.name} feeds {c.name}; cannot fold")

    def _propagate_shapes(self, size):
        g = self.graph
        s = self.shapes
        in_shape = g.value_info.get(g.input, [1, 3, size, size])
        s[g.input] = [1, in_shape[1], size, size]
        for n in self.order:
            if n.name in self.shape_nodes:
                continue
            op, a = n.op_type, g.attrs(n)
            x = s.get(n.input[0])
            if op == "Conv":
                w = g.inits.get(n.input[1])
                if w is None or w.ndim != 4:
                    raise ConversionError(f"{n.name}: weight must be a 4-D initializer")
                if len(n.input) > 2 and n.input[2] and n.input[2] not in g.inits:
                    raise ConversionError(f"{n.name}: bias must be an initializer")
                k = a.get("kernel_shape", list(w.shape[2:]))
                st = a.get("strides", [1, 1])
                d = a.get("dilations", [1, 1])
                p = a.get("pads", [0, 0, 0, 0])
                if a.get("auto_pad", "NOTSET") != "NOTSET":
                    raise ConversionError(f"{n.name}: auto_pad not supported")
                if p[0] != p[2] or p[1] != p[3]:
                    raise ConversionError(f"{n.name}: asymmetric padding {p}")
                if list(k) != list(w.shape[2:]):
                    raise ConversionError(f"{n.name}: kernel_shape/weight mismatch")
                grp = a.get("group", 1)
                if x[1] != w.shape[1] * grp:
                    raise ConversionError(f"{n.name}: channel mismatch {x} vs {w.shape}")
                s[n.output[0]] = [x[0], w.shape[0],
                                  conv_out(x[2], k[0], st[0], p[0], p[2], d[0]),
                                  conv_out(x[3], k[1], st[1], p[1], p[3], d[1])]
            elif op == "MaxPool":
                if len(n.output) > 1 and n.output[1]:
                    raise ConversionError(f"{n.name}: MaxPool indices output not supported")
                k, st = a["kernel_shape"], a.get("strides", [1, 1])
                p = a.get("pads", [0, 0, 0, 0])
                if p != [0, 0, 0, 0] or a.get("dilations", [1, 1]) != [1, 1] \
                        or a.get("auto_pad", "NOTSET") != "NOTSET" or a.get("storage_order", 0) != 0:
                    raise ConversionError(f"{n.name}: unsupported MaxPool attributes {a}")
                f = pool_out_ceil if a.get("ceil_mode", 0) else \
                    (lambda sz, kk, ss, p0, p1: (sz + p0 + p1 - kk) // ss + 1)
                s[n.output[0]] = [x[0], x[1], f(x[2], k[0], st[0], 0, 0), f(x[3], k[1], st[1], 0, 0)]
            elif op == "Resize":
                _, hw = self.resize_info[n.name]
                s[n.output[0]] = [x[0], x[1], hw[0], hw[1]]
            elif op == "Concat":
                ins = [s[t] for t in n.input]
                if any(t[0] != ins[0][0] or t[2:] != ins[0][2:] for t in ins):
                    raise ConversionError(f"{n.name}: Concat of mismatched shapes {ins}")
                s[n.output[0]] = [ins[0][0], sum(t[1] for t in ins)] + ins[0][2:]
            elif op == "Add":
                y = s[n.input[1]]
                if x != y:
                    raise ConversionError(f"{n.name}: Add of {x} and {y} (broadcast not supported)")
                s[n.output[0]] = list(x)
            elif op in ("Relu", "Sigmoid", "Cast"):
                s[n.output[0]] = list(x)
            else:
                raise ConversionError(f"{n.name}: unhandled op {op}")

    def _resolve_resizes(self):
        """For each Resize pick the tensor whose spatial size is the target."""
        g = self.graph
        for n in self.order:
            if n.op_type != "Resize":
                continue
            _, hw = self.resize_info[n.name]
            # walk forward through identity Casts
            frontier = [n.output[0]]
            reached = []
            while frontier:
                t = frontier.pop()
                if t in g.outputs:
                    reached.append(("output", t, None))
                for c in self.consumers.get(t, []):
                    if c.op_type == "Cast":
                        frontier.append(c.output[0])
                    else:
                        reached.append((c.op_type, t, c))
            candidates = []
            for kind, t, c in reached:
                if kind in ("Concat", "Add"):
                    others = [i for i in c.input if self._root(i) != self._root(t)]
                    candidates += [self._root(i) for i in others]
                elif kind == "Sigmoid" or kind == "output":
                    # side/main output upsampled to the input resolution:
                    # follow elementwise ops to a graph output
                    if self._flows_to_output(t):
                        candidates.append(g.input)
            candidates = list(dict.fromkeys(candidates))
            good = [c for c in candidates if self.shapes[c][2:] == hw]
            if not good:
                raise ConversionError(
                    f"{n.name}: no reference tensor of size {hw} among "
                    f"{[(c, self.shapes[c][2:]) for c in candidates]}")
            bad = [c for c in candidates if c not in good]
            if bad:
                raise ConversionError(f"{n.name}: combined with tensors of other sizes {bad}")
            # a reference must have a size fixed by the network itself, not be
            # another Resize output (whose own size would then need resolving)
            good = [c for c in good if c == g.input or
                    not (c in g.producer and g.producer[c].op_type == "Resize")]
            if not good:
                raise ConversionError(f"{n.name}: only other Resize outputs to take the size from")
            self.resize_ref[n.name] = good[0]

    def _flows_to_output(self, t):
        g = self.graph
        frontier = [t]
        while frontier:
            t = frontier.pop()
            if t in g.outputs:
                return True
            for c in self.consumers.get(t, []):
                if c.op_type in ("Cast", "Sigmoid", "Relu"):
                    frontier.append(c.output[0])
        return False

    def _check_against_value_info(self):
        g = self.graph
        checked = 0
        for t, shp in self.shapes.items():
            vi = g.value_info.get(t)
            if vi is None:
                continue
            if list(vi) != list(shp):
                raise ConversionError(f"shape of {t}: computed {shp}, ONNX says {vi}")
            checked += 1
        self.value_info_checked = checked


# --------------------------------------------------------------------------
# Code generation
# --------------------------------------------------------------------------

def module_path_for(node, used):
    """'/stage1/rebnconv1/conv_s1/Conv' -> 'stage1.rebnconv1.conv_s1'."""
    parts = [p for p in node.name.strip("/").split("/")[:-1] if p]
    parts = [re.sub(r"\W", "_", p) for p in parts]
    ok = parts and all(p.isidentifier() and not keyword.iskeyword(p) and not p[0].isdigit()
                       for p in parts)
    path = ".".join(parts) if ok else ""
    # a path must not be a prefix of another module's path (leaf vs container)
    if not path or path in used or any(u.startswith(path + ".") or path.startswith(u + ".")
                                       for u in used):
        path = f"conv_{len(used)}"
    used.add(path)
    return path


def generate(plan):
    g = plan.graph
    names = {g.input: "x"}
    counter = [0]

    def var(t):
        return names[t]

    def new(t):
        counter[0] += 1
        names[t] = f"t{counter[0]}"
        return names[t]

    lines = []
    convs = []
    used = set()
    for n in plan.order:
        if n.name in plan.shape_nodes:
            continue
        op, a = n.op_type, g.attrs(n)
        if op == "Cast":
            names[n.output[0]] = var(n.input[0])
            continue
        if op == "Conv":
            path = module_path_for(n, used)
            convs.append((path, n))
            lines.append(f"{new(n.output[0])} = self.{path}({var(n.input[0])})")
        elif op == "Relu":
            lines.append(f"{new(n.output[0])} = F.relu({var(n.input[0])})")
        elif op == "Sigmoid":
            lines.append(f"{new(n.output[0])} = torch.sigmoid({var(n.input[0])})")
        elif op == "MaxPool":
            k, st = list(a["kernel_shape"]), list(a.get("strides", [1, 1]))
            lines.append(f"{new(n.output[0])} = F.max_pool2d({var(n.input[0])}, {k}, {st}, "
                         f"[0, 0], [1, 1], {bool(a.get('ceil_mode', 0))})")
        elif op == "Resize":
            ref = var(plan.resize_ref[n.name])
            lines.append(f"{new(n.output[0])} = F.interpolate({var(n.input[0])}, "
                         f"size=[{ref}.shape[2], {ref}.shape[3]], mode='bilinear', "
                         f"align_corners=False)")
        elif op == "Concat":
            lines.append(f"{new(n.output[0])} = torch.cat([{', '.join(var(i) for i in n.input)}], 1)")
        elif op == "Add":
            lines.append(f"{new(n.output[0])} = {var(n.input[0])} + {var(n.input[1])}")
        else:
            raise ConversionError(f"cannot generate {op}")
    lines.append(f"return {var(MAIN_OUTPUT)}")
    src = [
        "# Generated by ClearCut tools/convert_isnet.py -- do not edit.",
        "import torch",
        "import torch.nn.functional as F",
        "",
        "",
        "def forward(self, x: torch.Tensor) -> torch.Tensor:",
    ] + ["    " + l for l in lines] + [""]
    return "\n".join(src), convs


GENERATED_FILENAME = "<clearcut-convert_isnet-generated>"


def build_module(plan, src, convs):
    import torch
    return torch.jit.script(build_eager(plan, src, convs))


def build_eager(plan, src, convs):
    """The generated network as a plain nn.Module in eval mode (float32 weights)."""
    import linecache
    import torch
    import torch.nn as nn
    g = plan.graph

    # torch.jit.script reads the source through inspect/linecache; registering
    # it under a fixed pseudo file name keeps the saved file reproducible.
    linecache.cache[GENERATED_FILENAME] = (len(src), None, src.splitlines(True), GENERATED_FILENAME)
    namespace = {"__name__": "clearcut_isnet_generated"}
    exec(compile(src, GENERATED_FILENAME, "exec"), namespace)

    class ISNet(nn.Module):
        forward = namespace["forward"]

    root = ISNet()
    for mpath, n in convs:
        a = g.attrs(n)
        w = g.inits[n.input[1]].astype(np.float32)
        b = g.inits[n.input[2]].astype(np.float32) if len(n.input) > 2 and n.input[2] else None
        p = a.get("pads", [0, 0, 0, 0])
        conv = nn.Conv2d(w.shape[1] * a.get("group", 1), w.shape[0], tuple(w.shape[2:]),
                         stride=tuple(a.get("strides", [1, 1])), padding=(p[0], p[1]),
                         dilation=tuple(a.get("dilations", [1, 1])), groups=a.get("group", 1),
                         bias=b is not None)
        with torch.no_grad():
            conv.weight.copy_(torch.from_numpy(w))
            if b is not None:
                conv.bias.copy_(torch.from_numpy(b))
        conv.weight.requires_grad_(False)
        if b is not None:
            conv.bias.requires_grad_(False)
        parent = root
        parts = mpath.split(".")
        for part in parts[:-1]:
            if not hasattr(parent, part):
                parent.add_module(part, nn.Module())
            parent = getattr(parent, part)
        parent.add_module(parts[-1], conv)
    root.eval()
    return root


def atomic_write_bytes(path, write_fn):
    d = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".tmp-" + os.path.basename(path) + ".", dir=d)
    os.close(fd)
    try:
        write_fn(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def self_test(pt_path, sizes):
    """Load the saved file, run it (plain and frozen+optimized) at small sizes."""
    import torch
    m = torch.jit.load(pt_path, map_location="cpu").eval()
    opt = torch.jit.optimize_for_inference(torch.jit.freeze(torch.jit.load(pt_path).eval()))
    torch.manual_seed(0)
    worst = 0.0
    with torch.no_grad():
        for h, w in sizes:
            x = torch.randn(1, 3, h, w) * 0.5
            y = m(x)
            if tuple(y.shape) != (1, 1, h, w):
                raise ConversionError(f"self-test: output shape {tuple(y.shape)} for input {h}x{w}")
            if not torch.isfinite(y).all() or y.min() < 0 or y.max() > 1:
                raise ConversionError("self-test: output is not a probability map")
            y2 = opt(x)
            worst = max(worst, (y - y2).abs().max().item())
    if worst > 1e-3:
        raise ConversionError(f"self-test: frozen/optimized model differs by {worst}")
    return worst


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--onnx", required=True, help="isnet_medium.onnx from " + PACKAGE)
    ap.add_argument("--out", required=True, help="output prefix; writes PREFIX.pt and PREFIX.json")
    ap.add_argument("--allow-unknown-onnx", action="store_true",
                    help="convert even if the ONNX sha256 is not the expected one")
    ap.add_argument("--no-self-test", action="store_true", help="skip the post-save smoke test")
    ap.add_argument("--dump-source", help="also write the generated forward() source here")
    ap.add_argument("-q", "--quiet", action="store_true")
    args = ap.parse_args(argv)

    def log(*a):
        if not args.quiet:
            print("convert_isnet:", *a, file=sys.stderr, flush=True)

    t0 = time.time()
    try:
        import onnx
        import torch
    except ImportError as e:
        print(f"convert_isnet: error: {e}. Run with /usr/bin/python3 (Debian python3-torch, "
              f"python3-onnx).", file=sys.stderr)
        return 2

    try:
        if not os.path.isfile(args.onnx):
            raise ConversionError(f"ONNX file not found: {args.onnx}")
        digest = sha256_file(args.onnx)
        if digest != EXPECTED_ONNX_SHA256:
            msg = f"ONNX sha256 {digest} != expected {EXPECTED_ONNX_SHA256}"
            if not args.allow_unknown_onnx:
                raise ConversionError(msg + " (use --allow-unknown-onnx to override)")
            log("warning:", msg)
        model = onnx.load(args.onnx)
        graph = Graph(model)
        plan = Plan(graph)
        n_resize = len(plan.resize_ref)
        log(f"{len(graph.nodes)} nodes, {len(plan.order)} needed for '{MAIN_OUTPUT}', "
            f"{n_resize} Resize resolved, {plan.value_info_checked} shapes cross-checked "
            f"against the ONNX value_info")
        src, convs = generate(plan)
        if args.dump_source:
            with open(args.dump_source, "w") as f:
                f.write(src)
        out_dir = os.path.dirname(os.path.abspath(args.out))
        os.makedirs(out_dir, exist_ok=True)
        pt_path = args.out + ".pt"
        json_path = args.out + ".json"
        scripted = build_module(plan, src, convs)
        log(f"scripted in {time.time() - t0:.1f} s")

        def save_and_test(tmp):
            # save through a buffer: the archive's inner folder name is then
            # fixed ("archive") instead of the temporary file's name
            buf = io.BytesIO()
            torch.jit.save(scripted, buf)
            with open(tmp, "wb") as f:
                f.write(buf.getbuffer())
            if not args.no_self_test:
                worst = self_test(tmp, [(64, 96), (160, 128)])
                log(f"self-test ok (plain vs frozen+optimized max diff {worst:.2e})")
        # the .pt is renamed into place only after it loaded and ran; the
        # sidecar (the "model is complete" marker) is written last.
        atomic_write_bytes(pt_path, save_and_test)

        def write_json(p):
            with open(p, "w") as f:
                json.dump(sidecar(digest), f, indent=2)
                f.write("\n")
        atomic_write_bytes(json_path, write_json)
    except ConversionError as e:
        print(f"convert_isnet: error: {e}", file=sys.stderr)
        return 1
    log(f"wrote {pt_path} ({os.path.getsize(pt_path) / 1e6:.1f} MB) and {json_path} "
        f"in {time.time() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    # TorchScript serialises nn.Conv2d's __constants__ (a set of strings) in
    # hash order; a fixed hash seed makes the saved .pt byte-for-byte
    # reproducible.
    if os.environ.get("PYTHONHASHSEED") != "0":
        env = dict(os.environ, PYTHONHASHSEED="0")
        os.execve(sys.executable, [sys.executable, os.path.abspath(__file__)] + sys.argv[1:], env)
    sys.exit(main())
