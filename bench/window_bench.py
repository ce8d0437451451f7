#!/usr/bin/python3
"""The window at a designer's scale (a benchmark, not a test).

Makes N 24-megapixel JPEGs (batch_bench --photos-only: upscaled test photos with grain), then runs
the real window twice under a virtual display, through `clearcut --smoke`:

  1 photo:  the photo alone, selected;
  N photos: all N dropped at once, photo K selected right after the drop.

and prints selected_result_ms (drop to the selected photo's full-quality result), the ratio
selected_result_ms(N) / selected_result_ms(1) (goal <= 1.5), peak RSS (goal < 2.5 GB), the longest
UI stall (goal < 50 ms) and all_done_ms.

  bench/window_bench.py [--build build] [--count 200] [--select 150] [--noise 8] [--work DIR]
                        [--app PATH] [--repeat R]

--app runs another build's window (the code before a change) on the same photos. --repeat runs
each case R times (alternating) and reports the medians.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile


def smoke(app, inputs, output, select):
    command = ["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24", app, "--smoke"] + inputs + [
        output, "--select", str(select)]
    proc = subprocess.run(command, capture_output=True, text=True)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if not lines:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(f"{app} printed no result (exit {proc.returncode})")
    result = json.loads(lines[-1])
    if not result.get("ok"):
        raise SystemExit(f"{app} failed: {result.get('error')}")
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default="build")
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--select", type=int, default=150)
    parser.add_argument("--noise", type=int, default=8)
    parser.add_argument("--work")
    parser.add_argument("--app")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    if not 1 <= args.select <= args.count:
        raise SystemExit("--select must be between 1 and --count")

    work = args.work or tempfile.mkdtemp(prefix="clearcut-window-bench-")
    photos = subprocess.run(
        [os.path.join(args.build, "bin", "batch_bench"), "--count", str(args.count), "--noise",
         str(args.noise), "--work", work, "--photos-only"],
        check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
    inputs = [os.path.join(photos, f"photo_{i:04d}.jpg") for i in range(args.count)]
    app = args.app or os.path.join(args.build, "bin", "clearcut")

    ones, manys = [], []
    for _ in range(max(1, args.repeat)):
        ones.append(smoke(app, [inputs[args.select - 1]], os.path.join(work, "one.png"), 1))
        manys.append(smoke(app, inputs, os.path.join(work, "many.png"), args.select))

    def median(runs):
        result = dict(runs[0])
        for key, value in runs[0].items():
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                result[key] = statistics.median(run[key] for run in runs)
        return result

    one, many = median(ones), median(manys)

    ratio = many["selected_result_ms"] / one["selected_result_ms"]
    print(f"\nclearcut window, 6000x4000 JPEG (grain sigma {args.noise}), photo {args.select} "
          f"of {args.count} selected right after the drop; medians of {len(ones)} run(s)")
    print(f"{'':28}{'1 photo':>12}{str(args.count) + ' photos':>14}")
    for key, label, unit in [("selected_result_ms", "selected result", "ms"),
                             ("all_done_ms", "all done", "ms"),
                             ("peak_rss_mb", "peak RSS", "MB"),
                             ("ui_max_stall_ms", "longest UI stall", "ms"),
                             ("model_ready_ms", "model ready", "ms")]:
        print(f"  {label + ' (' + unit + ')':26}{one[key]:12.0f}{many[key]:14.0f}")
    print(f"\n  ratio selected_result_ms({args.count}) / selected_result_ms(1): {ratio:.2f} "
          f"(goal <= 1.5)")
    print(f"  peak RSS with {args.count} photos: {many['peak_rss_mb']:.0f} MB (goal < 2560)")
    print(f"  longest UI stall: {many['ui_max_stall_ms']:.1f} ms (goal < 50)")
    print(json.dumps({"one": ones, "many": manys, "ratio": ratio}))


if __name__ == "__main__":
    main()
