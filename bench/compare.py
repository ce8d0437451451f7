#!/usr/bin/python3
"""ClearCut side by side with the reference runtime, @imgly/background-removal-node 1.4.5.

    tools/setup.sh --tests && /usr/bin/python3 bench/compare.py [--build DIR] [--runs N]
                                            [--out DIR] [--ckpt MODEL] [--quick]

Runs build/bin/clearcut-cli and tools/reference/reference_masks.mjs on the same photos, taking
turns (one warm-up each, then N runs), and reports medians and the ratio ClearCut / reference:

  - time to first result: the wall time of a fresh process on one small real photo;
  - the whole run: a fresh process on all the test photos (tests/data/photos), at the default
    precision and, where the model has an int8 variant, in int8;
  - steady time per photo at ~0.2 MP and at 24 MP: ClearCut on a folder of K copies in one
    process, (wall after the model is ready) / K; the reference with --repeat K, its calls after
    the first (the first also loads the model);
  - peak RSS of a process that handles one 24 MP photo (wait4's ru_maxrss);
  - the hardware reference (clearcut-cli --probe-hardware) and the share of it ClearCut gets on
    ISNet; ClearCut's stage breakdown; ClearCut's time per photo from 1 to 48 MP;
  - the levers: 1024x1024 inference with each optimisation off and on, taking turns in the same
    run (graph optimisation, precision including the int8 variant, OpenMP wait policy, fast
    mode; with --baseline-build, a second build such as one configured with
    -DCLEARCUT_TCMALLOC=OFF);
  - parity per test photo: the masks at each precision (int8, bfloat16, the default) against
    float32 and against the reference runtime's masks from the whole-run measure, with the parity
    bounds the engine's `auto` and the tests hold them to.

The int8 rows need the model's int8 variant (tools/make_int8_model.sh makes it beside the default
model; --ckpt points at another model whose variant lies beside it). Without one, the int8 lever
shows the precision that ran instead and why, and the int8 columns are left empty.

Writes results.json, results.md and time_vs_mp.png to --out and prints the markdown at the end.
The large photos are a real photo upscaled with mild grain (an upscaled photo is otherwise
smoother than a real one, which flatters decoders and PNG encoders). Standard library, numpy and
PIL only.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
PHOTOS = ROOT / "tests" / "data" / "photos"
SMALL_PHOTO = PHOTOS / "messi5.jpg"
PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png")
REFERENCE_DIR = ROOT / "tools" / "reference"
REFERENCE_SCRIPT = REFERENCE_DIR / "reference_masks.mjs"
REFERENCE_PACKAGE = REFERENCE_DIR / "node_modules" / "@imgly" / "background-removal-node"

# ISNet (the default model) at 1024x1024: multiply-adds x 2, counted from its convolutions.
ISNET_GFLOP = 319.0
IMAGE_STAGES = ("decode_ms", "preprocess_ms", "infer_ms", "post_ms", "encode_ms")
MODEL_STAGES = ("read_ms", "load_ms", "optimize_ms", "warmup_ms", "ready_ms")
GRAIN_SIGMA = 3.0
# The parity bounds (engine/ModelSpec, test_parity): mean abs mask difference of 255, and the IoU
# of the masks >= 128.
PARITY_MAX_MEAN = 2.0
PARITY_MIN_IOU = 0.98
JPEG_QUALITY = 92


class BenchError(Exception):
    pass


# --- running a child -------------------------------------------------------------------------


class Run:
    def __init__(self, code, wall_ms, rss_mb, stdout, stderr):
        self.code, self.wall_ms, self.rss_mb = code, wall_ms, rss_mb
        self.stdout, self.stderr = stdout, stderr


def run_child(cmd, scratch, env=None):
    """Runs cmd to completion: its wall time from Popen to wait4, and its peak RSS (which wait4
    reports as the larger of the child's and its own waited-for children's)."""
    out_path, err_path = scratch / "stdout", scratch / "stderr"
    child_env = dict(os.environ, **env) if env else None
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                env=child_env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall_ms = (time.perf_counter() - start) * 1000.0
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    return Run(proc.returncode, wall_ms, usage.ru_maxrss / 1024.0,
               out_path.read_text(errors="replace"), err_path.read_text(errors="replace"))


def tail(text, lines=8):
    return "\n".join(text.strip().splitlines()[-lines:])


class ClearCut:
    def __init__(self, build, scratch, ckpt=None):
        self.cli = build / "bin" / "clearcut-cli"
        self.scratch = scratch
        self.model_flags = ["-c", str(ckpt)] if ckpt else []
        if not os.access(self.cli, os.X_OK):
            raise BenchError(f"{self.cli} not found: run tools/setup.sh (or cmake --build "
                             f"{build}), or point --build at a build folder")

    def probe(self):
        run = run_child([str(self.cli), "--probe-hardware"], self.scratch)
        if run.code != 0:
            raise BenchError(f"clearcut-cli --probe-hardware failed ({run.code}):\n"
                             f"{tail(run.stderr)}")
        return json.loads(run.stdout.strip().splitlines()[-1])

    def run(self, source, extra=(), env=None, cli=None, keep=None):
        """One fresh process on a photo or a folder; the --timings report with wall_ms and rss_mb
        added. extra: more flags; env: variables to set; cli: another build's clearcut-cli;
        keep: a folder for the outputs (otherwise they are thrown away)."""
        dest = keep or self.scratch / "clearcut-out"
        shutil.rmtree(dest, ignore_errors=True)
        run = run_child([str(cli or self.cli), "-s", str(source), "-d", str(dest), "--timings",
                         "-q", *self.model_flags, *extra], self.scratch, env)
        if keep is None:
            shutil.rmtree(dest, ignore_errors=True)
        report = None
        for line in reversed(run.stderr.strip().splitlines()):
            if line.startswith("{"):
                report = json.loads(line)
                break
        if run.code != 0 or report is None:
            hint = ""
            if "model" in run.stderr:
                hint = "\n(tools/setup.sh fetches and converts the default model)"
            raise BenchError(f"clearcut-cli on {source} failed ({run.code}):\n"
                             f"{tail(run.stderr)}{hint}")
        report["wall_ms"] = run.wall_ms
        report["rss_mb"] = run.rss_mb
        return report


class Reference:
    def __init__(self, scratch):
        self.scratch = scratch
        self.node = shutil.which("node")
        if not self.node:
            raise BenchError("node not found: run tools/setup.sh --tests")
        if not REFERENCE_PACKAGE.is_dir():
            raise BenchError(f"the reference runtime is not installed ({REFERENCE_PACKAGE} is "
                             "missing): run tools/setup.sh --tests")

    def run(self, photos, repeat=1, keep=None):
        """One fresh node process calling removeBackground() `repeat` times on each of photos (a
        path or a list); calls_ms: the last photo's calls. keep: a folder for the masks
        (<stem>.png; otherwise they are thrown away)."""
        photos = photos if isinstance(photos, list) else [photos]
        dest = keep or self.scratch / "reference-out"
        shutil.rmtree(dest, ignore_errors=True)
        run = run_child([self.node, str(REFERENCE_SCRIPT), "--out", str(dest),
                         "--repeat", str(repeat), *map(str, photos)], self.scratch)
        if keep is None:
            shutil.rmtree(dest, ignore_errors=True)
        lines = [line for line in run.stdout.splitlines() if line.startswith("{")]
        if run.code != 0 or len(lines) != len(photos):
            raise BenchError(f"reference_masks.mjs on {', '.join(p.name for p in photos)} "
                             f"failed ({run.code}):\n{tail(run.stderr)}")
        return {"wall_ms": run.wall_ms, "rss_mb": run.rss_mb, "calls_ms": json.loads(lines[-1])["ms"]}


# --- photos ----------------------------------------------------------------------------------


def size_for_megapixels(mp):
    """3:2, like most cameras; 24 MP is 6000x4000."""
    width = int(round((mp * 1e6 * 1.5) ** 0.5))
    return width, int(round(width / 1.5))


def make_photo(base, width, height, path, seed):
    """base cropped to width:height, upscaled, with Gaussian grain, saved as JPEG."""
    bw, bh = base.size
    if bw * height > bh * width:
        cw = bh * width // height
        base = base.crop(((bw - cw) // 2, 0, (bw - cw) // 2 + cw, bh))
    else:
        ch = bw * height // width
        base = base.crop((0, (bh - ch) // 2, bw, (bh - ch) // 2 + ch))
    pixels = np.asarray(base.resize((width, height), Image.BICUBIC)).copy()
    rng = np.random.default_rng(seed)
    for top in range(0, height, 512):  # in strips: a 48 MP float image would take 0.6 GB
        strip = pixels[top:top + 512]
        grain = rng.standard_normal(strip.shape, dtype=np.float32) * GRAIN_SIGMA
        strip[...] = np.clip(strip + grain, 0, 255).astype(np.uint8)
    Image.fromarray(pixels).save(path, quality=JPEG_QUALITY)


def link_copies(photo, folder, stem, count):
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        target = folder / f"{stem}_{i + 1}{photo.suffix}"
        try:
            os.link(photo, target)
        except OSError:
            shutil.copyfile(photo, target)
    return folder


def megapixels(path):
    with Image.open(path) as im:
        return im.size[0] * im.size[1] / 1e6


# --- measuring -------------------------------------------------------------------------------


def median(values):
    return statistics.median(values) if values else None


def ratio(a, b):
    return a / b if a is not None and b else None


def stage_sum(image):
    return sum(image[k] for k in IMAGE_STAGES)


def steady_images(report):
    """The images after the first: the first one's decode overlaps the model loading."""
    return report["images"][1:] if len(report["images"]) > 1 else report["images"]


def log(message):
    print(message, file=sys.stderr, flush=True)


def alternate(name, warmups, runs, *steps):
    """Each step, a (label, function), in turn, round after round (ClearCut, reference, ClearCut,
    reference ...); the warm-up rounds are thrown away. One list of results per step."""
    results = [[] for _ in steps]
    for i in range(warmups + runs):
        label = "warm-up" if i < warmups else f"run {i - warmups + 1}/{runs}"
        walls = []
        for (step_label, step), kept in zip(steps, results):
            result = step()
            walls.append(f"{step_label} {result['wall_ms'] / 1000:.2f} s")
            if i >= warmups:
                kept.append(result)
        log(f"  {name} {label}: {', '.join(walls)}")
    return results


def measure_levers(clearcut, folder, runs, baseline_build):
    """1024x1024 inference under each lever, the configurations taking turns within each round so
    that a busy moment of the machine spreads over all of them."""
    configs = [
        ("plain TorchScript, float32", ["--optimize", "none", "--precision", "float32"], None,
         None),
        ("frozen, float32", ["--optimize", "freeze", "--precision", "float32"], None, None),
        ("frozen + optimize_for_inference, float32",
         ["--optimize", "full", "--precision", "float32"], None, None),
        ("bfloat16, frozen", ["--optimize", "freeze", "--precision", "bfloat16"], None, None),
        ("int8 variant", ["--precision", "int8"], None, None),
        ("default", [], None, None),
        ("default, OMP_WAIT_POLICY=ACTIVE (spinning workers)", [],
         {"OMP_WAIT_POLICY": "ACTIVE"}, None),
        ("fast mode (512x512), default precision", ["--mode", "fast"], None, None),
    ]
    if baseline_build:
        cli = Path(baseline_build).resolve() / "bin" / "clearcut-cli"
        if not os.access(cli, os.X_OK):
            raise BenchError(f"--baseline-build: {cli} not found")
        configs.append((f"default, baseline build {baseline_build}", [], None, cli))
    reports = {label: [] for label, *_ in configs}
    for i in range(runs):
        for label, extra, env, cli in configs:
            report = clearcut.run(folder, extra, env, cli)
            reports[label].append(report)
            log(f"  lever {i + 1}/{runs} {label}: infer "
                f"{median([im['infer_ms'] for im in steady_images(report)]):.0f} ms")
    levers = []
    for label, *_ in configs:
        rs = reports[label]
        steady = [im["infer_ms"] for r in rs for im in steady_images(r)]
        first = [r["images"][0]["infer_ms"] for r in rs]
        levers.append({"label": label, "infer_ms": median(steady),
                       "first_infer_ms": median(first),
                       "ready_ms": median([r["model"]["ready_ms"] for r in rs]),
                       "precision": rs[0]["model"].get("precision"),
                       "precision_note": rs[0]["model"].get("precision_note"),
                       "optimization": rs[0]["model"].get("optimization")})
    return levers


# --- parity ----------------------------------------------------------------------------------


def read_mask(path):
    with Image.open(path) as im:
        return np.asarray(im.convert("L"), dtype=np.int16)


def mask_agreement(a, b):
    """(mean abs difference of 255, IoU of the masks >= 128), as test_parity measures them."""
    if a.shape != b.shape:
        raise BenchError(f"mask sizes differ: {a.shape} vs {b.shape}")
    ours, theirs = a >= 128, b >= 128
    union = np.count_nonzero(ours | theirs)
    iou = np.count_nonzero(ours & theirs) / union if union else 1.0
    mean_abs = float(np.abs(a - b).mean())
    return {"mean_abs": mean_abs, "iou": float(iou),
            "within": bool(mean_abs <= PARITY_MAX_MEAN and iou >= PARITY_MIN_IOU)}


def precision_masks(clearcut, photos, folder, work):
    """Each precision's masks for the photos (the network's probability at full size: -t map,
    no refinement), {precision: {stem: mask}}, and what ran for each ({precision: {precision,
    note}}: without an int8 variant, --precision int8 runs the float model and says why)."""
    masks, ran = {}, {}
    for precision in ("float32", "bfloat16", "int8", "auto"):
        dest = work / f"masks-{precision}"
        report = clearcut.run(folder, ["-t", "map", "--refine", "off", "--precision", precision],
                              keep=dest)
        ran[precision] = {"precision": report["model"].get("precision"),
                          "note": report["model"].get("precision_note")}
        log(f"  masks, --precision {precision}: {ran[precision]['precision']} ran")
        masks[precision] = {p.stem: read_mask(dest / f"{p.stem}_map.png") for p in photos}
    return masks, ran


def parity_table(masks, ran, int8_available, photos, reference_masks):
    """Per photo, each precision's mask against float32's and against the reference runtime's
    (reference_masks/<stem>.png); int8's only when the int8 variant ran."""
    rows = []
    for photo in photos:
        stem = photo.stem
        ref = read_mask(reference_masks / f"{stem}.png")
        row = {"photo": photo.name,
               "float32_vs_reference": mask_agreement(masks["float32"][stem], ref)}
        for precision in ("bfloat16", "int8", "auto"):
            if precision == "int8" and not int8_available:
                continue
            row[f"{precision}_vs_float32"] = mask_agreement(masks[precision][stem],
                                                            masks["float32"][stem])
            row[f"{precision}_vs_reference"] = mask_agreement(masks[precision][stem], ref)
        rows.append(row)
    return {"ran": ran, "int8_available": int8_available, "photos": rows,
            "bounds": {"max_mean_abs": PARITY_MAX_MEAN, "min_iou": PARITY_MIN_IOU}}


def measure(args, clearcut, reference, work):
    quick = args.quick
    runs = args.runs
    warmups = 0 if quick else 1
    k_small = 2 if quick else 3
    k_big = 2
    rss_runs = 1 if quick else min(runs, 3)
    sweep_mps = (1, 6, 24) if quick else (1, 6, 12, 24, 48)
    sweep_copies = 1 if quick else 2

    log("generating photos")
    base = Image.open(SMALL_PHOTO).convert("RGB")
    small_mp = megapixels(SMALL_PHOTO)
    big = work / "photo_24mp.jpg"
    make_photo(base, 6000, 4000, big, seed=24)
    small_folder = link_copies(SMALL_PHOTO, work / "small", SMALL_PHOTO.stem, k_small)
    big_folder = link_copies(big, work / "big", big.stem, k_big)
    sweep_folder = work / "sweep"
    sweep_folder.mkdir()
    # First, a small photo whose decode overlaps the model loading; its timings are left out.
    shutil.copyfile(SMALL_PHOTO, sweep_folder / "000_warmup.jpg")
    for mp in sweep_mps:
        w, h = size_for_megapixels(mp)
        photo = work / f"mp{mp:02d}.jpg"
        if mp == 24:
            photo = big
        else:
            make_photo(base, w, h, photo, seed=mp)
        link_copies(photo, sweep_folder, f"mp{mp:02d}", sweep_copies)

    log("hardware reference (clearcut-cli --probe-hardware)")
    hardware = clearcut.probe()
    hardware["cores_online"] = os.cpu_count()

    # Time to first result: a fresh process, one small photo. (The first warm-up round also
    # brings both runtimes' files into the page cache.)
    log(f"time to first result, {SMALL_PHOTO.name}")
    first_cc, first_ref = alternate("first result", 1, runs,
                                    ("ClearCut", lambda: clearcut.run(SMALL_PHOTO)),
                                    ("reference", lambda: reference.run(SMALL_PHOTO)))

    # ClearCut's masks for the test photos at each precision; they also tell whether the model
    # has an int8 variant to run.
    test_photos = sorted(p for p in PHOTOS.iterdir() if p.suffix.lower() in PHOTO_SUFFIXES)
    log(f"masks at each precision, the {len(test_photos)} test photos")
    masks, ran = precision_masks(clearcut, test_photos, PHOTOS, work)
    int8_available = ran["int8"]["precision"] == "int8"

    # The whole run: every test photo in one fresh process, at the default precision and in
    # int8, taking turns with the reference, whose last run's masks the parity table uses.
    log(f"whole run, the {len(test_photos)} test photos")
    reference_masks = work / "reference-masks"
    steps = [("ClearCut", lambda: clearcut.run(PHOTOS))]
    if int8_available:
        steps.append(("ClearCut int8", lambda: clearcut.run(PHOTOS, ["--precision", "int8"])))
    steps.append(("reference", lambda: reference.run(test_photos, keep=reference_masks)))
    *whole_cc, whole_ref = alternate("whole run", warmups, runs, *steps)
    whole = {"default": whole_cc[0], "int8": whole_cc[1] if int8_available else [],
             "reference": whole_ref}
    parity = parity_table(masks, ran, int8_available, test_photos, reference_masks)

    log(f"steady per photo, {SMALL_PHOTO.name} x {k_small}")
    small_cc, small_ref = alternate("small", warmups, runs,
                                    ("ClearCut", lambda: clearcut.run(small_folder)),
                                    ("reference", lambda: reference.run(SMALL_PHOTO, k_small)))

    log(f"steady per photo, 24 MP x {k_big}")
    big_cc, big_ref = alternate("24 MP", warmups, runs,
                                ("ClearCut", lambda: clearcut.run(big_folder)),
                                ("reference", lambda: reference.run(big, k_big)))

    log("peak RSS, one 24 MP photo")
    rss_cc, rss_ref = alternate("one 24 MP photo", 0, rss_runs,
                                ("ClearCut", lambda: clearcut.run(big)),
                                ("reference", lambda: reference.run(big)))

    log("levers, 1024x1024 inference")
    levers = measure_levers(clearcut, small_folder, runs, args.baseline_build)

    log(f"ClearCut per photo vs megapixels: {', '.join(map(str, sweep_mps))} MP "
        f"x {sweep_copies}")
    sweep_report = clearcut.run(sweep_folder)
    log(f"  sweep: {sweep_report['wall_ms'] / 1000:.2f} s")

    def per_photo_cc(reports, k):
        # Throughput: what a batch costs a photo once the model is ready.
        return median([(r["wall_ms"] - r["model"]["ready_ms"]) / k for r in reports])

    def per_photo_cc_stages(reports):
        return median([stage_sum(im) for r in reports for im in steady_images(r)])

    def per_photo_ref(reports):
        return median([ms for r in reports for ms in r["calls_ms"][1:]])

    def stages(reports):
        images = [im for r in reports for im in steady_images(r)]
        result = {k: median([im[k] for im in images]) for k in IMAGE_STAGES}
        result["sum_ms"] = median([stage_sum(im) for im in images])
        return result

    comparisons = []

    def compare(key, label, unit, cc, ref, note="", precision=None):
        comparisons.append({"key": key, "label": label, "unit": unit, "clearcut": cc,
                            "reference": ref, "ratio": ratio(cc, ref), "note": note,
                            "precision": precision})

    compare("first_result_ms", f"Time to first result, fresh process, {SMALL_PHOTO.name} "
            f"({small_mp:.2f} MP)", "ms", median([r["wall_ms"] for r in first_cc]),
            median([r["wall_ms"] for r in first_ref]))
    whole_ref = median([r["wall_ms"] for r in whole["reference"]])
    whole_note = ("ClearCut writes RGBA cut-outs with edge refinement; the reference writes "
                  "its masks")
    default_precision = whole["default"][0]["model"]["precision"]
    compare("whole_run_ms", f"Whole run, fresh process, the {len(test_photos)} test photos "
            f"({default_precision}, the default)", "ms",
            median([r["wall_ms"] for r in whole["default"]]), whole_ref, whole_note,
            f"{default_precision}, the default")
    if int8_available:
        compare("whole_run_int8_ms", f"Whole run, fresh process, the {len(test_photos)} test "
                "photos (int8)", "ms", median([r["wall_ms"] for r in whole["int8"]]), whole_ref,
                whole_note, "int8")
    compare("steady_small_ms", f"Per photo, steady, {small_mp:.2f} MP", "ms",
            per_photo_cc(small_cc, k_small), per_photo_ref(small_ref),
            f"ClearCut: {k_small} in one process; reference: --repeat {k_small}, calls 2..")
    compare("steady_24mp_ms", "Per photo, steady, 24 MP", "ms", per_photo_cc(big_cc, k_big),
            per_photo_ref(big_ref),
            f"ClearCut: {k_big} in one process; reference: --repeat {k_big}, calls 2..")
    compare("first_result_24mp_ms", "One 24 MP photo, fresh process", "ms",
            median([r["wall_ms"] for r in rss_cc]), median([r["wall_ms"] for r in rss_ref]))
    compare("peak_rss_24mp_mb", "Peak RSS, one 24 MP photo", "MB",
            median([r["rss_mb"] for r in rss_cc]), median([r["rss_mb"] for r in rss_ref]))

    small_stages = stages(small_cc)
    big_stages = stages(big_cc)
    infer_ms = small_stages["infer_ms"]
    achieved = ISNET_GFLOP / (infer_ms / 1000.0) if infer_ms else None
    first_infer = median([r["images"][0]["infer_ms"] for r in small_cc])

    sweep = []
    for mp in sweep_mps:
        images = [im for im in sweep_report["images"]
                  if Path(im["file"]).name.startswith(f"mp{mp:02d}_")]
        w, h = size_for_megapixels(mp)
        entry = {"megapixels": w * h / 1e6, "width": w, "height": h,
                 "per_photo_ms": median([stage_sum(im) for im in images]),
                 "samples_ms": [stage_sum(im) for im in images]}
        for k in IMAGE_STAGES:
            entry[k] = median([im[k] for im in images])
        sweep.append(entry)

    return {
        "date": time.strftime("%Y-%m-%d %H:%M:%S"),
        "quick": quick,
        "runs": runs,
        "warmups": warmups,
        "load_average_at_end": os.getloadavg(),
        "photos": {"small": SMALL_PHOTO.name, "small_megapixels": small_mp,
                   "big": "6000x4000, upscaled from " + SMALL_PHOTO.name,
                   "grain_sigma": GRAIN_SIGMA, "jpeg_quality": JPEG_QUALITY,
                   "k_small": k_small, "k_big": k_big},
        "hardware": hardware,
        "isnet": {"gflop_per_inference": ISNET_GFLOP, "median_infer_ms": infer_ms,
                  "achieved_gflops": achieved,
                  "percent_of_conv": 100.0 * achieved / hardware["conv_gflops"]
                  if achieved else None,
                  "percent_of_conv_bf16": 100.0 * achieved / hardware["conv_bf16_gflops"]
                  if achieved and hardware.get("conv_bf16_gflops") else None,
                  "first_photo_infer_ms": first_infer,
                  "first_over_steady": ratio(first_infer, infer_ms),
                  "precision": small_cc[0]["model"].get("precision")},
        "comparisons": comparisons,
        "levers": levers,
        "parity": parity,
        "clearcut_model_stages": {k: median([r["model"][k] for r in first_cc])
                                  for k in MODEL_STAGES},
        "clearcut_image_stages": {"small": small_stages, "24mp": big_stages},
        "sweep": sweep,
        "raw": {
            "first_result": {"clearcut": first_cc, "reference": first_ref},
            "whole_run": whole,
            "steady_small": {"clearcut": small_cc, "reference": small_ref},
            "steady_24mp": {"clearcut": big_cc, "reference": big_ref},
            "one_24mp": {"clearcut": rss_cc, "reference": rss_ref},
            "sweep": sweep_report,
        },
    }


# --- reporting -------------------------------------------------------------------------------


def fmt(value, unit):
    if value is None:
        return "–"
    if unit == "ms":
        return f"{value / 1000:.2f} s" if value >= 1000 else f"{value:.0f} ms"
    return f"{value:.0f} {unit}"


def markdown(results):
    hw, isnet = results["hardware"], results["isnet"]
    runs = results["runs"]
    lines = [
        "# ClearCut vs @imgly/background-removal-node 1.4.5",
        "",
        f"{hw['cpu']}, {hw['cores_online']} cores online; LibTorch {hw['torch']} on "
        f"{hw['threads']} threads. Medians of {runs} run(s)"
        + (f" after {results['warmups']} warm-up" if results["warmups"] else "")
        + f", ClearCut and the reference taking turns{' (--quick)' if results['quick'] else ''}. "
        "Ratio < 1: ClearCut is faster or smaller.",
        "",
        "| | ClearCut | reference | ClearCut / reference |",
        "|---|---:|---:|---:|",
    ]
    for c in results["comparisons"]:
        r = f"{c['ratio']:.2f}" if c["ratio"] is not None else "–"
        lines.append(f"| {c['label']} | {fmt(c['clearcut'], c['unit'])} | "
                     f"{fmt(c['reference'], c['unit'])} | {r} |")
    lines += [
        "",
        "ClearCut's steady time is (wall − model ready) / K for K photos in one process, PNG "
        "encoding included; the reference's is its calls after the first, which decode from "
        "memory and return raw RGBA (no file read, no encode).",
        "",
    ]
    comp = {c["key"]: c for c in results["comparisons"]}
    for key in ("whole_run_ms", "whole_run_int8_ms"):
        if key in comp and comp[key]["ratio"] is not None:
            c = comp[key]
            lines.append(f"**Whole-run ratio ({c['precision']}): "
                         f"{c['ratio']:.2f}** — ClearCut {fmt(c['clearcut'], 'ms')} against "
                         f"the reference's {fmt(c['reference'], 'ms')}"
                         f" ({1 / c['ratio']:.1f}x as fast).")
    lines += [
        "",
        f"Hardware reference: conv2d [1,128,256,256] * [128,128,3,3] through LibTorch, float32 "
        f"**{hw['conv_gflops']:.1f} GFLOP/s** ({hw['conv_ms']:.1f} ms)"
        + (f", bfloat16 **{hw['conv_bf16_gflops']:.1f} GFLOP/s** ({hw['conv_bf16_ms']:.1f} ms)"
           if hw.get("conv_bf16_gflops") else ", bfloat16 not native on this CPU")
        + f". ClearCut on ISNet ({isnet['precision']}): {isnet['gflop_per_inference']:.0f} "
        f"GFLOP / {isnet['median_infer_ms']:.0f} ms = **{isnet['achieved_gflops']:.1f} "
        f"GFLOP/s**, {isnet['percent_of_conv']:.0f} % of the float32 convolution"
        + (f", {isnet['percent_of_conv_bf16']:.0f} % of the bfloat16 one"
           if isnet.get("percent_of_conv_bf16") else "")
        + f". First photo's inference {isnet['first_photo_infer_ms']:.0f} ms = "
        f"{isnet['first_over_steady']:.2f}x the steady state. BLAS: {hw['blas']}.",
        "",
        "Levers, 1024x1024 inference (medians, configurations taking turns in this run):",
        "",
        "| Configuration | precision | graph | inference | vs default | ready |",
        "|---|---|---|---:|---:|---:|",
    ]
    default = next((lv for lv in results["levers"] if lv["label"] == "default"), None)
    notes = []
    for lv in results["levers"]:
        rel = ratio(lv["infer_ms"], default["infer_ms"]) if default else None
        precision = lv["precision"]
        if lv.get("precision_note"):
            notes.append(lv["precision_note"])
            precision += f" [{len(notes)}]"
        lines.append(f"| {lv['label']} | {precision} | {lv['optimization']} | "
                     f"{fmt(lv['infer_ms'], 'ms')} | "
                     + (f"{rel:.2f}x" if rel is not None else "–")
                     + f" | {fmt(lv['ready_ms'], 'ms')} |")
    if notes:
        lines += [""] + [f"[{i + 1}] {note}" for i, note in enumerate(notes)]
    lines += parity_markdown(results["parity"])
    lines += [
        "",
        "Each lever runs a folder of small photos in a fresh process; its `ready` includes the "
        "one re-execution (~50-100 ms) with which a folder run starts libgomp's workers passive "
        "(OMP_WAIT_POLICY=ACTIVE skips it). A single photo does not re-execute: see the model "
        "stages below.",
        "",
        "ClearCut's stages (medians; the model's from the fresh-process runs, the photos' "
        "without each process's first photo):",
        "",
        "| Stage | ms |",
        "|---|---:|",
    ]
    names = {"read_ms": "read", "load_ms": "load", "optimize_ms": "optimise",
             "warmup_ms": "warm-up", "ready_ms": "ready (since process start)"}
    for k, v in results["clearcut_model_stages"].items():
        lines.append(f"| model {names[k]} | {v:.0f} |")
    small, big = results["clearcut_image_stages"]["small"], results["clearcut_image_stages"]["24mp"]
    small_mp = results["photos"]["small_megapixels"]
    lines += ["", f"| Stage | {small_mp:.2f} MP | 24 MP |", "|---|---:|---:|"]
    for k in IMAGE_STAGES + ("sum_ms",):
        lines.append(f"| {k[:-3].replace('_', ' ')} | {small[k]:.0f} | {big[k]:.0f} |")
    lines += ["", "ClearCut per photo vs size (stage sum, one process):", "",
              "| MP | size | per photo | decode | infer | encode |",
              "|---:|---|---:|---:|---:|---:|"]
    for s in results["sweep"]:
        lines.append(f"| {s['megapixels']:.1f} | {s['width']}x{s['height']} | "
                     f"{fmt(s['per_photo_ms'], 'ms')} | {s['decode_ms']:.0f} | "
                     f"{s['infer_ms']:.0f} | {s['encode_ms']:.0f} |")
    return "\n".join(lines) + "\n"


def parity_markdown(parity):
    """The per-photo parity table: each precision against float32 and against the reference."""
    bounds = parity["bounds"]
    ran = parity["ran"]
    columns = [("float32", "reference")]
    for precision in ("int8", "bfloat16", "auto"):
        if precision == "int8" and not parity["int8_available"]:
            continue
        columns += [(precision, "float32"), (precision, "reference")]

    def title(precision, against):
        name = f"auto ({ran['auto']['precision']})" if precision == "auto" else precision
        return f"{name} vs {against}"

    lines = [
        "",
        f"Parity per test photo: mean abs mask difference (of 255) / IoU of the masks >= 128; "
        f"✗ marks one outside the bounds (mean <= {bounds['max_mean_abs']:g}, IoU >= "
        f"{bounds['min_iou']:g}). Masks are the network's probability at full size "
        "(`-t map --refine off`); the reference's come from the whole-run measure.",
        "",
        "| Photo | " + " | ".join(title(*c) for c in columns) + " |",
        "|---|" + "---:|" * len(columns),
    ]
    for row in parity["photos"]:
        cells = []
        for precision, against in columns:
            a = row[f"{precision}_vs_{against}"]
            cells.append(f"{a['mean_abs']:.2f} / {a['iou']:.3f}" + ("" if a["within"] else " ✗"))
        lines.append(f"| {row['photo']} | " + " | ".join(cells) + " |")
    if not parity["int8_available"]:
        lines += ["", f"No int8 rows: --precision int8 ran {ran['int8']['precision']}"
                  + (f" ({ran['int8']['note']})" if ran["int8"].get("note") else "")
                  + ". tools/make_int8_model.sh makes the variant beside the default model."]
    return lines


def font(size):
    for path in ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",):
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            pass
    return ImageFont.load_default()


def plot(results, path):
    """Seconds per photo against megapixels: ClearCut's sweep as a line, the steady points of
    both runtimes as markers."""
    width, height = 900, 560
    left, right, top, bottom = 80, 30, 50, 70
    img = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(img)
    small_font, title_font = font(14), font(18)

    cc_line = [(s["megapixels"], s["per_photo_ms"] / 1000) for s in results["sweep"]]
    comp = {c["key"]: c for c in results["comparisons"]}
    small_mp = results["photos"]["small_megapixels"]
    ref_points = [(small_mp, comp["steady_small_ms"]["reference"] / 1000),
                  (24.0, comp["steady_24mp_ms"]["reference"] / 1000)]
    cc_points = [(small_mp, comp["steady_small_ms"]["clearcut"] / 1000),
                 (24.0, comp["steady_24mp_ms"]["clearcut"] / 1000)]
    all_points = cc_line + ref_points + cc_points
    x_max = max(x for x, _ in all_points) * 1.05
    y_max = max(y for _, y in all_points) * 1.15

    def nice_step(span):
        raw = span / 6
        magnitude = 10 ** np.floor(np.log10(raw))
        for m in (1, 2, 5, 10):
            if raw <= m * magnitude:
                return m * magnitude
        return 10 * magnitude

    def to_px(x, y):
        return (left + x / x_max * (width - left - right),
                height - bottom - y / y_max * (height - top - bottom))

    grey, black = (220, 220, 220), (0, 0, 0)
    for axis, span in (("x", x_max), ("y", y_max)):
        step = nice_step(span)
        v = 0.0
        while v <= span:
            label = f"{v:g}"
            if axis == "x":
                px, _ = to_px(v, 0)
                draw.line([(px, top), (px, height - bottom)], fill=grey)
                draw.text((px, height - bottom + 6), label, fill=black, font=small_font,
                          anchor="mt")
            else:
                _, py = to_px(0, v)
                draw.line([(left, py), (width - right, py)], fill=grey)
                draw.text((left - 8, py), label, fill=black, font=small_font, anchor="rm")
            v += step
    draw.line([(left, top), (left, height - bottom), (width - right, height - bottom)],
              fill=black, width=2)
    draw.text((width / 2, height - 25), "megapixels", fill=black, font=small_font, anchor="mm")
    label = Image.new("RGB", (200, 24), "white")
    ImageDraw.Draw(label).text((100, 12), "s per photo", fill=black, font=small_font,
                               anchor="mm")
    label = label.rotate(90, expand=True)
    img.paste(label, (14, int((top + height - bottom) / 2 - label.size[1] / 2)))
    draw.text((width / 2, 20), "Time per photo vs size", fill=black, font=title_font,
              anchor="mm")

    blue, orange = (31, 119, 180), (230, 120, 20)
    draw.line([to_px(x, y) for x, y in cc_line], fill=blue, width=3)
    for x, y in cc_line:
        px, py = to_px(x, y)
        draw.ellipse([px - 4, py - 4, px + 4, py + 4], fill=blue)
    for x, y in cc_points:
        px, py = to_px(x, y)
        draw.rectangle([px - 5, py - 5, px + 5, py + 5], outline=blue, width=2)
    for x, y in ref_points:
        px, py = to_px(x, y)
        draw.polygon([(px, py - 7), (px - 6, py + 5), (px + 6, py + 5)], fill=orange)

    sizes = results["sweep"]
    legend = [(f"ClearCut, stage sum (one process, {sizes[0]['megapixels']:.0f}-"
               f"{sizes[-1]['megapixels']:.0f} MP)", blue, "dot"),
              ("ClearCut, steady batch (wall / K)", blue, "square"),
              ("reference, steady (calls after the first)", orange, "triangle")]
    lx, ly = left + 20, top + 10
    for text, colour, shape in legend:
        if shape == "dot":
            draw.ellipse([lx - 4, ly + 3, lx + 4, ly + 11], fill=colour)
        elif shape == "square":
            draw.rectangle([lx - 5, ly + 2, lx + 5, ly + 12], outline=colour, width=2)
        else:
            draw.polygon([(lx, ly), (lx - 6, ly + 12), (lx + 6, ly + 12)], fill=colour)
        draw.text((lx + 14, ly + 7), text, fill=black, font=small_font, anchor="lm")
        ly += 22
    img.save(path)


def main():
    parser = argparse.ArgumentParser(
        description="ClearCut vs @imgly/background-removal-node 1.4.5, side by side.")
    parser.add_argument("--build", default=str(ROOT / "build"),
                        help="build folder holding bin/clearcut-cli (default: build)")
    parser.add_argument("--runs", type=int,
                        help="timed runs per measure (default 5, 1 with --quick)")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results"),
                        help="where results.json, results.md, time_vs_mp.png go "
                             "(default: bench/results)")
    parser.add_argument("--baseline-build",
                        help="another build folder to time as a lever (e.g. one configured "
                             "with -DCLEARCUT_TCMALLOC=OFF)")
    parser.add_argument("--ckpt",
                        help="the model ClearCut runs (default: the default model); its int8 "
                             "variant is looked for beside it (<stem>-int8.pt)")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke check: 1 run, no warm-ups but the first, fewer sizes")
    args = parser.parse_args()
    if args.runs is None:
        args.runs = 1 if args.quick else 5
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    out = Path(args.out)
    start = time.perf_counter()
    try:
        if not SMALL_PHOTO.is_file():
            raise BenchError(f"{SMALL_PHOTO} is missing")
        with tempfile.TemporaryDirectory(prefix="clearcut-compare-") as tmp:
            work = Path(tmp)
            scratch = work / "scratch"
            scratch.mkdir()
            clearcut = ClearCut(Path(args.build).resolve(), scratch,
                                Path(args.ckpt).resolve() if args.ckpt else None)
            reference = Reference(scratch)
            results = measure(args, clearcut, reference, work)
    except BenchError as e:
        print(f"compare.py: {e}", file=sys.stderr)
        return 2
    results["seconds"] = time.perf_counter() - start

    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(results, indent=1) + "\n")
    text = markdown(results)
    (out / "results.md").write_text(text)
    plot(results, out / "time_vs_mp.png")
    log(f"\n{results['seconds']:.0f} s; wrote {out}/results.json, results.md, time_vs_mp.png\n")
    print(text, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
