#!/usr/bin/python3
"""tools/quantize_isnet.py on a small network with every kind of op ISNet has
(convolution, ReLU, max-pool, bilinear resize, concatenation, residual addition, sigmoid).
Equalisation must keep the network's function, rescale only the channels it may, and even out the
channels' ranges; a block kept in float must take the ops it feeds with it, and the float part
must run in bfloat16 when asked. Run by ctest (tools_quantize_isnet); needs Debian's
python3-torch."""

import os
import sys
import unittest

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
import quantize_isnet as qi  # noqa: E402


class Small(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Conv2d(3, 8, 3, padding=1)
        self.b = nn.Conv2d(8, 8, 3, padding=1)
        self.c = nn.Conv2d(8, 8, 1)
        self.d = nn.Conv2d(16, 4, 3, padding=1)
        self.side = nn.Conv2d(4, 1, 1)

    def forward(self, x):
        h = F.relu(self.a(x))
        p = F.max_pool2d(h, [2, 2], [2, 2], [0, 0], [1, 1], False)
        q = F.relu(self.b(p))
        u = F.interpolate(q, size=[h.shape[2], h.shape[3]], mode="bilinear", align_corners=False)
        s = F.relu(self.c(u)) + h  # ties c's channels to a's
        y = F.relu(self.d(torch.cat([s, u], 1)))
        return torch.sigmoid(self.side(y))


def channel_spread(t):
    """Widest channel's largest magnitude over the narrowest's."""
    m = t.abs().amax(dim=(0, 2, 3))
    return float(m.max() / m.min())


def spread_channels(model):
    """Channels of very different ranges, as a trained network has."""
    with torch.no_grad():
        for conv in (model.a, model.b, model.c):
            spread = torch.logspace(-1.5, 1.5, conv.out_channels)
            conv.weight.mul_(spread.view(-1, 1, 1, 1))
            conv.bias.mul_(spread)


class EqualiseTest(unittest.TestCase):
    def setUp(self):
        torch.manual_seed(3)
        self.model = Small().eval()
        spread_channels(self.model)
        self.photos = [(f"p{i}", torch.rand(1, 3, 32, 48) - 0.5) for i in range(3)]

    def test_spaces(self):
        spaces = qi._Spaces(self.model)
        self.assertEqual(spaces.find("a"), spaces.find("c"), "an addition ties its operands")
        self.assertNotEqual(spaces.find("a"), spaces.find("b"))
        self.assertIn(spaces.find("side"), spaces.fixed, "what reaches the sigmoid stays")
        self.assertIn("<input>", spaces.fixed)
        groups = spaces.groups(["a", "b", "c", "d", "side"])
        self.assertEqual(sorted(sorted(g) for g in groups.values()), [["a", "c"], ["b"], ["d"]])
        # d reads the sum (a's and c's space) at offset 0 and u (b's space) at offset 8
        self.assertIn(("d", 0, 8), spaces.readers["a"] + spaces.readers["c"])
        self.assertIn(("d", 8, 8), spaces.readers["b"])

    def test_function_kept(self):
        equalised, rescaled = qi.equalise(self.model, self.photos)
        self.assertEqual(rescaled, 3)
        with torch.no_grad():
            for _, x in self.photos + [("other", torch.rand(1, 3, 40, 24) - 0.5)]:
                self.assertLess(float((self.model(x) - equalised(x)).abs().max()), 1e-5)
        self.assertTrue(torch.equal(self.model.side.bias, equalised.side.bias),
                        "the fixed space's producer is not rescaled (only what it reads)")
        self.assertFalse(torch.equal(self.model.a.weight, equalised.a.weight))

    def test_ranges_even_out(self):
        equalised, _ = qi.equalise(self.model, self.photos)
        x = self.photos[0][1]
        with torch.no_grad():
            before = channel_spread(F.relu(self.model.b(F.max_pool2d(
                F.relu(self.model.a(x)), [2, 2], [2, 2], [0, 0], [1, 1], False))))
            after = channel_spread(F.relu(equalised.b(F.max_pool2d(
                F.relu(equalised.a(x)), [2, 2], [2, 2], [0, 0], [1, 1], False))))
        self.assertGreater(before, 100)
        self.assertLess(after, before / 10)

    def test_accuracy(self):
        a = torch.tensor([0.0, 255.0, 200.0, 10.0]).numpy()
        self.assertEqual(qi.accuracy(a, a), (0.0, 1.0))
        d, iou = qi.accuracy(a, torch.tensor([0.0, 255.0, 100.0, 10.0]).numpy())
        self.assertAlmostEqual(d, 25.0)
        self.assertAlmostEqual(iou, 0.5)


class FloatBlocksTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        torch.backends.quantized.engine = "onednn"
        torch.manual_seed(5)
        cls.model = Small().eval()
        cls.photos = [(f"p{i}", torch.rand(1, 3, 32, 48) - 0.5) for i in range(4)]
        cls.quantizer = qi.Quantizer(cls.model, cls.photos)

    def test_ops_fed_by_a_float_block_stay_float(self):
        found = set(self.quantizer._float_ops(["b"]))
        # b's ReLU (the second), the resize of its output, and the concatenation that reads it
        self.assertEqual(found, {(F.relu, 1), (F.interpolate, 0), (torch.cat, 0)})
        self.assertEqual(self.quantizer._float_ops([]), [])

    def test_float_part_in_bfloat16(self):
        self.assertEqual(self.quantizer.last_conv, "side")
        model = self.quantizer.convert(floats=["d", "side"], float_dtype="bfloat16")
        modules = dict(model.named_modules())
        self.assertEqual(modules["side"].weight.dtype, torch.bfloat16)
        self.assertEqual(list(modules["b"].parameters()), [], "b stays quantised")
        scripted = torch.jit.script(model)
        x = self.photos[0][1]
        with torch.no_grad():
            out, reference = scripted(x), self.model(x)
        self.assertEqual(out.dtype, torch.float32)
        self.assertLess(float((out - reference).abs().max()), 0.05)
        # a float block that reads the network's input
        first = torch.jit.script(self.quantizer.convert(floats=["a", "side"],
                                                        float_dtype="bfloat16"))
        # ... in float32 too; a's output meets b's int8 path at the concatenation
        first32 = torch.jit.script(self.quantizer.convert(floats=["a", "side"]))
        with torch.no_grad():
            self.assertLess(float((first(x) - reference).abs().max()), 0.05)
            self.assertLess(float((first32(x) - reference).abs().max()), 0.05)
        float32 = self.quantizer.convert(floats=["d", "side"])
        self.assertEqual(dict(float32.named_modules())["side"].weight.dtype, torch.float32)


if __name__ == "__main__":
    unittest.main()
