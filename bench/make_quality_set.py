#!/usr/bin/python3
"""A matting evaluation set with exact ground truth (alpha and foreground colour).

Every image is a composite I = a*F + (1-a)*B that this script builds itself, so the alpha a and
the foreground colour F are known exactly:

  - real subjects: a test photo (tests/data/photos) cropped around its subject and upscaled
    (cubic); the alpha is the 0.5 level of its reference mask (tests/data/reference), upscaled
    with the same cubic kernel and anti-aliased by 4x4 supersampling, so the edge is ~1-1.5 px
    wide at the target resolution; F is the upscaled photo;
  - hair and fur: curved tapered strands (0.7-3 px wide) rooted on the subject's boundary and
    growing outwards, each drawn at 4x inside its own bounding box and area-averaged, so its
    alpha is its exact coverage; strands are laid over the subject with the "over" operator;
  - synthetic subjects: a fur ball and a plush blob (a photo crop as texture, with thousands of
    fur strands), a ring (a hole) and a lace doily (a grid of round holes whose struts thin
    from 0.5 s to 0.01 s of the hole spacing s = size/28, sub-pixel at 1200 px), all supersampled;
  - backgrounds B: other test photos with their own subject filled in (so the network has
    one salient object), upscaled to cover the frame; some contrasting with the subject, some
    blended 60-80% towards the subject's mean colour ("similar"), and smooth gradients.

For each case it writes lossless PNGs into --out:

  NAME.png        the composite I (8-bit BGR): what the background remover runs on
  NAME.alpha.png  the ground-truth alpha, 8-bit grey, round(a*255)
  NAME.fg.png     the ground-truth foreground F, 8-bit BGR (the underlying photo or texture
                  where a == 0)
  NAME.bg.png     the background B it was composited on (8-bit BGR)
  NAME.newbg.png  another background B2 at the same size, to re-composite a result on

and manifest.json (name, width, height, subject, background, kind, contrast, notes, ...).
I is computed from the written 8-bit alpha and foreground, I = round(a8/255*F8 + (1-a8/255)*B),
so recomposing from the files, round(a8/255*F8 + (1-a8/255)*B), reproduces I to within 1 level
(float rounding) everywhere; the 8-bit files are the ground truth.

  /usr/bin/python3 bench/make_quality_set.py --out DIR [--sizes 1200,3000,4500,6000] [--seed 1]
                                             [--quick]

The longest side of case i is sizes[i % len(sizes)] (12 cases, 3 per default size). --quick
makes two small cases (a real subject with fur, a fur ball) for fast tests. The output depends
only on --seed and --sizes. Needs numpy and OpenCV's Python module (Debian: python3-opencv).
"""

import argparse
import json
import os
import sys
import time
import zlib

import cv2
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SUPER = 4          # supersampling factor per axis for edges and strands
TILE = 64          # tile side (target pixels) for the supersampled edge pass
BAND = 512         # rows per band for the full-frame float passes
# Photos used as backgrounds (apple's subject is 60% of it, HappyFish is a white cartoon).
BG_PHOTOS = ["butterfly", "messi5", "squirrel_cls"]

PALETTE = {        # BGR hair colours
    "black": (22, 22, 26), "dark_brown": (28, 42, 66), "brown": (42, 72, 112),
    "auburn": (38, 66, 138), "blond": (118, 182, 222), "grey": (160, 162, 168),
}

# Strand styles: relative length range, density (strands per boundary pixel), spread of the
# direction around the outward normal (rad), total bend (rad), waviness, droop towards the floor.
STYLES = {
    "fur":   dict(length=(0.35, 0.7), density=0.35, spread=0.30, bend=0.6, wave=0.0, droop=0.0),
    "plush": dict(length=(0.25, 0.45), density=0.6, spread=0.45, bend=0.9, wave=0.0, droop=0.0),
    "hair":  dict(length=(0.5, 1.0), density=0.30, spread=0.35, bend=0.9, wave=0.5, droop=1.4),
    "wisps": dict(length=(0.6, 1.0), density=0.06, spread=0.50, bend=2.0, wave=1.2, droop=0.6),
}

# The cases: subject, optional strands (style, where they grow, colours), background, contrast.
CASES = [
    dict(name="apple-crisp", subject=("photo", "apple"), bg=("photo", "squirrel_cls"),
         contrast="high"),
    dict(name="messi-similar", subject=("photo", "messi5"), bg=("photo", "butterfly"),
         contrast="similar"),
    dict(name="squirrel-fur", subject=("photo", "squirrel_cls"), bg=("photo", "messi5"),
         strands=("fur", "all", "root"), contrast="high"),
    dict(name="furball", subject=("blob", "squirrel_cls"), bg=("photo", "butterfly"),
         strands=("fur", "all", "root"), contrast="high"),
    dict(name="lace", subject=("lace", "butterfly"), bg=("gradient",), contrast="high"),
    dict(name="apple-hair-similar", subject=("photo", "apple"), bg=("gradient",),
         strands=("hair", "top", ["blond", "auburn"]), contrast="similar"),
    dict(name="plush-similar", subject=("plush", "apple"), bg=("photo", "messi5"),
         strands=("plush", "all", "root"), contrast="similar"),
    dict(name="messi-hair", subject=("photo", "messi5"), bg=("photo", "squirrel_cls"),
         strands=("hair", "top", ["dark_brown", "black"]), contrast="high"),
    dict(name="butterfly-crisp", subject=("photo", "butterfly"), bg=("photo", "messi5"),
         contrast="high"),
    dict(name="ring", subject=("ring", "HappyFish"), bg=("photo", "squirrel_cls"),
         contrast="high"),
    dict(name="squirrel-wisps-similar", subject=("photo", "squirrel_cls"),
         bg=("photo", "butterfly"), strands=("wisps", "all", ["grey", "blond"]),
         contrast="similar"),
    dict(name="lace-similar", subject=("lace", "apple"), bg=("photo", "butterfly"),
         contrast="similar"),
]
QUICK = [("squirrel-fur", 1000), ("furball", 800)]


# --- sources -----------------------------------------------------------------------------------

def load_photo(stem):
    """The photo (BGR uint8) and its reference mask (float 0..1) without specks: connected
    parts of the subject smaller than 0.3% of the largest are dropped."""
    photo = cv2.imread(os.path.join(ROOT, "tests", "data", "photos", stem + ".jpg"))
    mask = cv2.imread(os.path.join(ROOT, "tests", "data", "reference", stem + ".png"),
                      cv2.IMREAD_GRAYSCALE)
    if photo is None or mask is None:
        raise SystemExit(f"missing tests/data photo or reference for {stem}")
    mask = mask.astype(np.float32) / 255
    _, labels, stats, _ = cv2.connectedComponentsWithStats((mask > 0.5).astype(np.uint8))
    areas = stats[1:, cv2.CC_STAT_AREA]
    for label in 1 + np.flatnonzero(areas < 0.003 * areas.max()):
        speck = cv2.dilate((labels == label).astype(np.uint8), np.ones((5, 5), np.uint8))
        mask[speck > 0] = 0
    return photo, mask


def subject_box(mask):
    """x0, y0, x1, y1 of the mask's subject (mask > 0.5)."""
    ys, xs = np.nonzero(mask > 0.5)
    return xs.min(), ys.min(), xs.max() + 1, ys.max() + 1


_plates = {}


def clean_plate(stem):
    """The photo with its subject replaced by a mirror image of its surroundings: each hole
    pixel takes the pixel reflected through its nearest known pixel (or that nearest pixel where
    the reflection is unknown), softened a little. A background with real texture and no
    salient object (no smooth ghost of the subject)."""
    if stem not in _plates:
        photo, mask = load_photo(stem)
        hole = cv2.dilate((mask > 0.05).astype(np.uint8), np.ones((9, 9), np.uint8))
        _, labels = cv2.distanceTransformWithLabels(hole, cv2.DIST_L2, 5,
                                                    labelType=cv2.DIST_LABEL_PIXEL)
        ky, kx = np.nonzero(hole == 0)
        by_label = np.zeros((labels.max() + 1, 2), np.int64)
        by_label[labels[ky, kx]] = np.stack([ky, kx], axis=1)
        near = by_label[labels]                              # nearest known pixel (y, x)
        h, w = hole.shape
        grid = np.stack(np.mgrid[0:h, 0:w], axis=-1)
        mirror = 2 * near - grid
        inside = (mirror >= 0).all(axis=-1) & (mirror[..., 0] < h) & (mirror[..., 1] < w)
        mirror = np.clip(mirror, 0, (h - 1, w - 1))
        inside &= hole[mirror[..., 0], mirror[..., 1]] == 0
        source = np.where(inside[..., None], mirror, near)
        plate = photo.copy()
        plate[hole > 0] = photo[source[..., 0], source[..., 1]][hole > 0]
        soft = cv2.GaussianBlur(plate, (0, 0), 1.0)
        plate[hole > 0] = soft[hole > 0]
        _plates[stem] = plate
    return _plates[stem]


def cover(image, width, height):
    """Upscales (cubic) to cover width x height and crops the centre."""
    h, w = image.shape[:2]
    scale = max(width / w, height / h)
    sw, sh = max(width, round(w * scale)), max(height, round(h * scale))
    big = cv2.resize(image, (sw, sh), interpolation=cv2.INTER_CUBIC)
    x, y = (sw - width) // 2, (sh - height) // 2
    return np.ascontiguousarray(big[y:y + height, x:x + width])


def texture(stem, width, height):
    """A crop of the photo around its subject's centre (half the photo), covering the frame."""
    photo, mask = load_photo(stem)
    x0, y0, x1, y1 = subject_box(mask)
    h, w = photo.shape[:2]
    cw, ch = w // 2, h // 2
    cx = min(max((x0 + x1) // 2 - cw // 2, 0), w - cw)
    cy = min(max((y0 + y1) // 2 - ch // 2, 0), h - ch)
    return cover(photo[cy:cy + ch, cx:cx + cw], width, height)


# --- crisp, supersampled alpha from a field ----------------------------------------------------
# A field is a function field(x0, y0, step, w, h) -> (h, w) float array sampled at the target
# coordinates x0 + i*step, y0 + j*step (pixel centres at integers); the subject is where it is
# > 0. The alpha is its 4x4-supersampled coverage.

def cubic_matrix(positions, n):
    """Weights (len(positions), n) of OpenCV's cubic kernel (a = -0.75) for sampling a row of n
    values at fractional source positions, edges replicated."""
    a = -0.75
    base = np.floor(positions).astype(np.int64)
    frac = positions - base
    weights = np.zeros((len(positions), n), np.float64)
    rows = np.arange(len(positions))
    for tap in range(4):
        t = np.abs(frac + 1 - tap)
        w = np.where(t <= 1, ((a + 2) * t - (a + 3)) * t * t + 1,
                     ((a * t - 5 * a) * t + 8 * a) * t - 4 * a)
        np.add.at(weights, (rows, np.clip(base - 1 + tap, 0, n - 1)), w)
    return weights


def mask_field(mask, scale_x, scale_y):
    """The cubic interpolation of a small mask, minus 0.5, on the target grid (target pixel u
    maps to source (u + 0.5) * scale - 0.5, as cv2.resize maps it). Done with exact weights:
    cv2.warpAffine would quantise positions to 1/32 of a source pixel, a visible stair at 10-20x."""
    def field(x0, y0, step, w, h):
        sx = (x0 + step * np.arange(w) + 0.5) * scale_x - 0.5
        sy = (y0 + step * np.arange(h) + 0.5) * scale_y - 0.5
        cx = np.arange(max(int(np.floor(sx[0])) - 1, 0),
                       min(int(np.floor(sx[-1])) + 3, mask.shape[1]))
        cy = np.arange(max(int(np.floor(sy[0])) - 1, 0),
                       min(int(np.floor(sy[-1])) + 3, mask.shape[0]))
        wx, wy = cubic_matrix(sx - cx[0], len(cx)), cubic_matrix(sy - cy[0], len(cy))
        return (wy @ mask[np.ix_(cy, cx)].astype(np.float64) @ wx.T - 0.5).astype(np.float32)
    return field


def crisp_alpha(field, width, height):
    """Coverage of field > 0 per target pixel. Tiles whose pixel centres (and a 2 px margin) all
    lie on one side are 0 or 1; the others are sampled 4x4 per pixel, each sample's coverage
    being clip(0.5 + f / |grad f|) (its signed distance to the edge, in samples), and averaged."""
    alpha = np.zeros((height, width), np.float32)
    for ty in range(0, height, TILE):
        th = min(TILE, height - ty)
        for tx in range(0, width, TILE):
            tw = min(TILE, width - tx)
            coarse = field(tx - 2, ty - 2, 1.0, tw + 4, th + 4)
            if coarse.min() > 0:
                alpha[ty:ty + th, tx:tx + tw] = 1
                continue
            if coarse.max() <= 0:
                continue
            first = -0.5 - 0.5 / SUPER        # centre of the sample before the tile's first
            f = field(tx + first, ty + first, 1.0 / SUPER, SUPER * tw + 2, SUPER * th + 2)
            gy, gx = np.gradient(f)
            cov = np.clip(0.5 + f / np.maximum(np.hypot(gx, gy), 1e-12), 0, 1)[1:-1, 1:-1]
            alpha[ty:ty + th, tx:tx + tw] = cov.reshape(th, SUPER, tw, SUPER).mean(axis=(1, 3))
    return alpha


def polar(x0, y0, step, w, h, cx, cy, stretch=1.0):
    """Radius and angle of the grid points around (cx, cy), x divided by stretch."""
    x = ((x0 + step * np.arange(w, dtype=np.float64)) - cx)[None, :] / stretch
    y = ((y0 + step * np.arange(h, dtype=np.float64)) - cy)[:, None]
    return np.hypot(x, y), np.arctan2(y, x)


def wobbly_radius(radius, harmonics, angle):
    """radius * (1 + sum amp * sin(k*angle + phase)): a smooth star-shaped outline."""
    return radius * (1 + sum(amp * np.sin(k * angle + phase) for k, amp, phase in harmonics))


def random_harmonics(rng, ks, amp):
    """(k, amplitude, phase) for each k; amplitudes fall as 1/sqrt(k) so outlines stay smooth."""
    return [(k, amp * rng.uniform(0.3, 1) / k ** 0.5, rng.uniform(0, 2 * np.pi)) for k in ks]


def blob_field(cx, cy, radius, harmonics):
    """A wobbly disc."""
    def field(x0, y0, step, w, h):
        rho, angle = polar(x0, y0, step, w, h, cx, cy)
        return (wobbly_radius(radius, harmonics, angle) - rho).astype(np.float32)
    return field


def ring_field(cx, cy, outer, inner, outer_h, inner_h, hole_shift):
    """A wobbly disc minus a wobbly hole whose centre is shifted by hole_shift."""
    def field(x0, y0, step, w, h):
        rho, angle = polar(x0, y0, step, w, h, cx, cy)
        rho_in, angle_in = polar(x0, y0, step, w, h, cx + hole_shift[0], cy + hole_shift[1])
        return np.minimum(wobbly_radius(outer, outer_h, angle) - rho,
                          rho_in - wobbly_radius(inner, inner_h, angle_in)).astype(np.float32)
    return field


def lace_field(cx, cy, ax, ay, spacing, scallops):
    """A scalloped ellipse (semi-axes ax, ay) with a hexagonal grid of round holes; the hole
    radius grows from 0.25 to 0.495 of the spacing over the left 80% of the ellipse, so the
    struts between holes thin from 0.5 to 0.01 of the spacing."""
    row = spacing * np.sqrt(3)

    def field(x0, y0, step, w, h):
        rho, angle = polar(x0, y0, step, w, h, cx, cy, stretch=ax / ay)
        outline = wobbly_radius(ay, scallops, angle) - rho
        x = (x0 + step * np.arange(w, dtype=np.float64))[None, :]
        y = (y0 + step * np.arange(h, dtype=np.float64))[:, None]
        # nearest centre of a hexagonal lattice = nearest of two shifted rectangular lattices
        d1 = np.hypot(x - spacing * np.round(x / spacing), y - row * np.round(y / row))
        xs, ys = x - spacing / 2, y - row / 2
        d2 = np.hypot(xs - spacing * np.round(xs / spacing), ys - row * np.round(ys / row))
        ramp = np.clip((x - (cx - ax)) / (1.6 * ax), 0, 1)
        holes = np.minimum(d1, d2) - spacing / 2 * (0.5 + 0.49 * ramp)
        return np.minimum(outline, holes).astype(np.float32)
    return field


# --- strands -----------------------------------------------------------------------------------

def boundary_roots(alpha, rng, style, region, size):
    """Root points on the subject's edge and their outward normals (from the local centroid of
    alpha). region "top": only the upper quarter of the subject, normals not pointing down."""
    ys, xs = np.nonzero((alpha > 0.1) & (alpha < 0.9))
    if region == "top":
        sy = np.nonzero((alpha > 0.5).any(axis=1))[0]
        keep = ys < sy[0] + 0.25 * (sy[-1] - sy[0])
        ys, xs = ys[keep], xs[keep]
    count = int(STYLES[style]["density"] * len(xs) / 1.3)   # the band is ~1.3 px wide
    pick = rng.choice(len(xs), size=count, replace=count > len(xs))
    radius = max(3, round(size / 700))
    offsets = np.arange(-radius, radius + 1)
    roots, normals = [], []
    for x, y in zip(xs[pick], ys[pick]):
        y0, x0 = max(y - radius, 0), max(x - radius, 0)
        patch = alpha[y0:y + radius + 1, x0:x + radius + 1]
        dy = offsets[y0 - y + radius:y0 - y + radius + patch.shape[0]]
        dx = offsets[x0 - x + radius:x0 - x + radius + patch.shape[1]]
        pull = np.array([(patch * dx[None, :]).sum(), (patch * dy[:, None]).sum()])
        norm = np.hypot(*pull)
        if norm < 1e-6:
            continue
        normal = -pull / norm
        if region == "top" and normal[1] > 0.3:
            continue
        roots.append((x + rng.uniform(-0.5, 0.5), y + rng.uniform(-0.5, 0.5)))
        normals.append(normal)
    return np.array(roots).reshape(-1, 2), np.array(normals).reshape(-1, 2)


def smooth_field(rng, size, amplitude):
    """A smooth random function of position (three plane waves, wavelengths 0.15-0.5 of size),
    about amplitude in magnitude: neighbouring strands lean and bend alike, as combed fur does."""
    waves = [(rng.uniform(0, 2 * np.pi), rng.uniform(0.15, 0.5) * size, rng.uniform(0, 2 * np.pi))
             for _ in range(3)]

    def value(point):
        return amplitude * 0.8 * sum(
            np.sin((point[0] * np.cos(d) + point[1] * np.sin(d)) * 2 * np.pi / wl + phase)
            for d, wl, phase in waves)
    return value


def strand_path(root, heading, bend, length, style, rng):
    """A smooth curved polyline (points every ~1.5 px) from root: the heading turns by a
    constant bend (total radians), a slow wave, a little random curvature noise and, for hair,
    a droop towards the floor."""
    s = STYLES[style]
    n = max(8, int(length / 1.5))
    ds = length / n
    wave_amp = s["wave"] * rng.uniform(0.3, 1) / length * 2 * np.pi
    wave_freq, wave_phase = rng.uniform(0.5, 2.0), rng.uniform(0, 2 * np.pi)
    noise = np.cumsum(rng.normal(0, 1, n)) / np.sqrt(n) * 0.4 / length
    droop = s["droop"] * rng.uniform(0.5, 1) / length
    points = np.empty((n + 1, 2))
    points[0] = root
    for i in range(n):
        turn = bend / length + wave_amp * np.sin(2 * np.pi * wave_freq * i / n + wave_phase) + \
            noise[i]
        heading += (turn + droop * np.cos(heading)) * ds
        points[i + 1] = points[i] + ds * np.array([np.cos(heading), np.sin(heading)])
    return points


def draw_strand(premult, alpha, points, widths, root_colour, tip_colour, opacity):
    """Lays one tapered strand over (premult, alpha): its outline is filled at 4x (anti-aliased)
    inside its own bounding box, box-averaged to coverage, and composited with "over"; its
    colour runs from root_colour to tip_colour along the strand."""
    height, width = alpha.shape
    tangent = np.gradient(points, axis=0)
    tangent /= np.maximum(np.hypot(tangent[:, 0], tangent[:, 1]), 1e-9)[:, None]
    side = np.stack([-tangent[:, 1], tangent[:, 0]], axis=1) * (widths / 2)[:, None]
    tip = points[-1] + tangent[-1] * widths[-1]
    outline = np.vstack([points + side, tip[None], (points - side)[::-1]])
    x0, y0 = np.maximum(np.floor(outline.min(axis=0)).astype(int) - 2, 0)
    x1 = min(int(np.ceil(outline[:, 0].max())) + 3, width)
    y1 = min(int(np.ceil(outline[:, 1].max())) + 3, height)
    if x1 <= x0 or y1 <= y0:
        return
    w, h = x1 - x0, y1 - y0
    canvas = np.zeros((h * SUPER, w * SUPER), np.uint8)
    fixed = np.round(((outline - (x0, y0) + 0.5) * SUPER - 0.5) * 16).astype(np.int32)
    cv2.fillPoly(canvas, [fixed], 255, cv2.LINE_AA, 4)
    cov = canvas.reshape(h, SUPER, w, SUPER).mean(axis=(1, 3), dtype=np.float32)
    cov *= opacity / 255
    axis = points[-1] - points[0]
    t = (((np.arange(x0, x1) - points[0, 0]) * axis[0])[None, :] +
         ((np.arange(y0, y1) - points[0, 1]) * axis[1])[:, None]) / max(axis @ axis, 1e-9)
    t = np.clip(t, 0, 1).astype(np.float32)[..., None]
    colour = root_colour + t * (tip_colour - root_colour)
    a = cov[..., None]
    region = premult[y0:y1, x0:x1]
    region *= 1 - a
    region += a * colour
    alpha[y0:y1, x0:x1] = cov + (1 - cov) * alpha[y0:y1, x0:x1]


def add_strands(premult, alpha, base, strands, size, rng):
    """Grows strands from the subject's edge; returns how many. Colours: "root" samples the
    subject just inside the root, otherwise a palette name list; each strand varies a little
    and its tip is slightly lighter."""
    style, region, colours = strands
    roots, normals = boundary_roots(alpha, rng, style, region, size)
    s = STYLES[style]
    lo, hi = s["length"]
    longest = min(max(0.05 * size, 40), 300)
    lean = smooth_field(rng, size, s["spread"])
    curl = smooth_field(rng, size, s["bend"])
    height, width = alpha.shape
    for root, normal in zip(roots, normals):
        length = max(20.0, longest * np.exp(rng.uniform(np.log(lo), np.log(hi))))
        root_width = np.exp(rng.uniform(np.log(0.7), np.log(3.0)))
        if colours == "root":
            inside = np.round(root - normal * (3 + size / 80)).astype(int)
            x, y = np.clip(inside, 0, (width - 1, height - 1))
            colour = base[y, x].astype(np.float32) * rng.uniform(0.75, 1.1)
        else:
            colour = np.array(PALETTE[colours[rng.integers(len(colours))]], np.float32)
        colour = np.clip(colour * np.exp(rng.normal(0, 0.06, 3)) * rng.uniform(0.85, 1.15),
                         0, 255)
        tip_colour = np.clip(colour * rng.uniform(1.05, 1.3) + 8, 0, 255)
        start = root - normal * (root_width + 1)          # start just inside the edge
        heading = np.arctan2(normal[1], normal[0]) + lean(root) + \
            rng.normal(0, 0.3 * s["spread"])
        bend = curl(root) + rng.normal(0, 0.4 * s["bend"])
        points = strand_path(start, heading, bend, length + root_width + 1, style, rng)
        along = np.linspace(0, 1, len(points))
        widths = np.maximum(root_width * (1 - rng.uniform(0.3, 0.6) * along ** 1.5), 0.7)
        draw_strand(premult, alpha, points, widths, colour, tip_colour, rng.uniform(0.85, 1.0))
    return len(roots)


# --- subjects and backgrounds ------------------------------------------------------------------

def real_subject(stem, size):
    """The photo cropped around its subject (8% margin) and upscaled so its longest side is
    size; the crisp alpha of its reference mask. Returns alpha, base (F) and a description."""
    photo, mask = load_photo(stem)
    x0, y0, x1, y1 = subject_box(mask)
    margin = round(0.08 * max(x1 - x0, y1 - y0))
    h, w = mask.shape
    x0, y0, x1, y1 = max(x0 - margin, 0), max(y0 - margin, 0), min(x1 + margin, w), \
        min(y1 + margin, h)
    scale = size / max(x1 - x0, y1 - y0)
    width, height = round((x1 - x0) * scale), round((y1 - y0) * scale)
    base = cv2.resize(photo[y0:y1, x0:x1], (width, height), interpolation=cv2.INTER_CUBIC)
    field = mask_field(mask[y0:y1, x0:x1], (x1 - x0) / width, (y1 - y0) / height)
    return crisp_alpha(field, width, height), base, f"{stem} photo x{scale:.1f}"


def synthetic_subject(kind, stem, size, rng):
    """A blob (fur ball, plush), a ring or a lace doily, textured from a crop of a photo."""
    if kind == "lace":
        width, height = size, round(size * 3 / 4)
    elif kind == "plush":
        width, height = round(size * 3 / 4), size
    elif kind == "ring":
        width = height = size
    else:
        width, height = size, round(size * 3 / 4)
    short = min(width, height)
    cx = width / 2 + rng.uniform(-0.03, 0.03) * width
    cy = height / 2 + rng.uniform(-0.03, 0.03) * height
    base = texture(stem, width, height)
    if kind in ("blob", "plush"):
        radius = (0.38 if kind == "blob" else 0.36) * short
        field = blob_field(cx, cy, radius, random_harmonics(rng, range(2, 7), 0.08))
        what = f"{'fur ball' if kind == 'blob' else 'plush'} blob, {stem} texture"
    elif kind == "ring":
        field = ring_field(cx, cy, 0.42 * short, 0.17 * short,
                           random_harmonics(rng, range(2, 6), 0.05),
                           random_harmonics(rng, range(2, 5), 0.08),
                           rng.uniform(-0.04, 0.04, 2) * short)
        what = f"ring (donut), {stem} texture"
    else:
        scallops = [(36, 0.012, 0.0)] + random_harmonics(rng, range(2, 4), 0.03)
        field = lace_field(cx, cy, 0.47 * width, 0.47 * height, size / 28, scallops)
        grey = cv2.cvtColor(base, cv2.COLOR_BGR2GRAY).astype(np.float32) / 255
        cream = np.array((200, 222, 238), np.float32)
        base = np.clip(cream * (0.8 + 0.3 * grey[..., None]), 0, 255).astype(np.uint8)
        what = f"lace doily, hex holes, cream with {stem} luminance"
    return crisp_alpha(field, width, height), base, what


def gradient(width, height, c1, c2, rng):
    """A smooth linear gradient from c1 to c2 at a random angle, with a soft vignette."""
    angle = rng.uniform(0, 2 * np.pi)
    x = (np.arange(width, dtype=np.float32) - width / 2) / max(width, height)
    y = (np.arange(height, dtype=np.float32) - height / 2) / max(width, height)
    t = np.clip(0.5 + np.cos(angle) * x[None, :] + np.sin(angle) * y[:, None], 0, 1)
    shade = 1 - 0.15 * (x[None, :] ** 2 + y[:, None] ** 2)
    out = np.empty((height, width, 3), np.uint8)
    c1, c2 = np.asarray(c1, np.float32), np.asarray(c2, np.float32)
    for r in range(0, height, BAND):
        tt, ss = t[r:r + BAND, :, None], shade[r:r + BAND, :, None]
        out[r:r + BAND] = np.clip(np.rint((c1 + tt * (c2 - c1)) * ss), 0, 255)
    return out


def far_colour(colour, rng):
    """A random colour at least 150 (Euclidean, 0..255) away from colour."""
    while True:
        c = rng.uniform(0, 255, 3)
        if np.linalg.norm(c - colour) > 150:
            return c


def background(spec, contrast, mean, width, height, rng):
    """B: a filled-in photo covering the frame, or a gradient; "similar" pulls it 60-80%
    towards the subject's mean colour (a gradient then runs between two nearby colours)."""
    if spec[0] == "gradient":
        if contrast == "similar":
            c1, c2 = (np.clip(mean * rng.uniform(0.8, 1.2, 3), 0, 255) for _ in range(2))
        else:
            c1 = far_colour(mean, rng)
            c2 = np.clip(c1 * rng.uniform(0.6, 1.2, 3), 0, 255)
        return gradient(width, height, c1, c2, rng), "gradient"
    image = cover(clean_plate(spec[1]), width, height)
    what = f"{spec[1]} photo, subject filled in"
    if contrast == "similar":
        k = rng.uniform(0.6, 0.8)
        for r in range(0, height, BAND):
            image[r:r + BAND] = np.clip(np.rint(image[r:r + BAND] * (1 - k) + mean * k), 0, 255)
        what += f", {k:.0%} towards the subject's mean colour"
    return image, what


def new_background(case, mean, width, height, rng):
    """B2 for re-compositing: a photo used by neither the subject nor B, or a gradient."""
    used = {case["subject"][1], case["bg"][-1]}
    choices = [s for s in BG_PHOTOS if s not in used] + \
        ([] if case["bg"][0] == "gradient" else ["gradient"])
    pick = choices[rng.integers(len(choices))]
    if pick == "gradient":
        c1 = far_colour(mean, rng)
        return gradient(width, height, c1, far_colour(c1, rng), rng), "gradient"
    return cover(clean_plate(pick), width, height), f"{pick} photo, subject filled in"


# --- a case ------------------------------------------------------------------------------------

def make_case(case, size, seed, out):
    """Builds one case and writes its five PNGs; returns its manifest entry."""
    rng = np.random.default_rng([seed, zlib.crc32(case["name"].encode())])
    name = f"{case['name']}-{size}"
    kind, stem = case["subject"]
    if kind == "photo":
        alpha, base, what = real_subject(stem, size)
    else:
        alpha, base, what = synthetic_subject(kind, stem, size, rng)
    height, width = alpha.shape
    premult = np.empty((height, width, 3), np.float32)
    for r in range(0, height, BAND):
        premult[r:r + BAND] = alpha[r:r + BAND, :, None] * base[r:r + BAND]
    strands = case.get("strands")
    count = add_strands(premult, alpha, base, strands, size, rng) if strands else 0

    alpha8 = np.rint(alpha * 255).astype(np.uint8)
    fg8 = base                                  # where alpha == 0: the photo or texture beneath
    for r in range(0, height, BAND):
        a, p = alpha[r:r + BAND, :, None], premult[r:r + BAND]
        fg8[r:r + BAND] = np.where(a > 0, np.clip(np.rint(p / np.maximum(a, 1e-12)), 0, 255),
                                   fg8[r:r + BAND])
    mean = premult.reshape(-1, 3).sum(axis=0) / max(float(alpha.sum()), 1.0)
    coverage = float(alpha.mean())
    fractional = int(((alpha8 > 0) & (alpha8 < 255)).sum())
    del premult, alpha

    bg8, bg_what = background(case["bg"], case["contrast"], mean, width, height, rng)
    image = np.empty_like(bg8)
    for r in range(0, height, BAND):
        a = alpha8[r:r + BAND, :, None].astype(np.float32) / 255
        image[r:r + BAND] = np.clip(np.rint(a * fg8[r:r + BAND] + (1 - a) * bg8[r:r + BAND]),
                                    0, 255)
    png = [cv2.IMWRITE_PNG_COMPRESSION, 1]

    def write(suffix, data):
        if not cv2.imwrite(os.path.join(out, name + suffix + ".png"), data, png):
            raise SystemExit(f"could not write {name}{suffix}.png in {out}")
    for suffix, data in [("", image), (".alpha", alpha8), (".fg", fg8), (".bg", bg8)]:
        write(suffix, data)
    del image, fg8, bg8
    newbg8, newbg_what = new_background(case, mean, width, height, rng)
    write(".newbg", newbg8)

    notes = {"photo": "real subject, crisp supersampled edge",
             "blob": "synthetic fur ball", "plush": "synthetic plush with dense short fur",
             "ring": "subject with a hole", "lace": "holes; struts thin to sub-pixel"}[kind]
    if strands:
        notes += f"; {count} {strands[0]} strands ({strands[1]} of the edge, colours " \
                 f"{strands[2] if isinstance(strands[2], str) else '/'.join(strands[2])})"
    return dict(name=name, width=width, height=height, subject=what, background=bg_what,
                kind=kind if not strands else f"{kind}+{strands[0]}", contrast=case["contrast"],
                newbg=newbg_what, strands=count, coverage=round(coverage, 3),
                fractional_pixels=fractional, notes=notes)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--sizes", default="1200,3000,4500,6000")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if not sizes or min(sizes) < 200:
        raise SystemExit("--sizes: a comma-separated list of longest sides >= 200")
    by_name = {case["name"]: case for case in CASES}
    plan = [(by_name[n], s) for n, s in QUICK] if args.quick else \
        [(case, sizes[i % len(sizes)]) for i, case in enumerate(CASES)]

    os.makedirs(args.out, exist_ok=True)
    manifest, started = [], time.monotonic()
    for case, size in plan:
        t0 = time.monotonic()
        entry = make_case(case, size, args.seed, args.out)
        manifest.append(entry)
        print(f"{entry['name']:30} {entry['width']:5}x{entry['height']:<5} "
              f"{time.monotonic() - t0:6.1f} s", flush=True)
    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    print(f"{len(manifest)} cases in {args.out}, {time.monotonic() - started:.1f} s",
          file=sys.stderr)


if __name__ == "__main__":
    main()
