#!/usr/bin/python3
"""The window's model ready against the command line's (a benchmark, not a test).

Runs fresh processes in turns on one small photo: the window (`clearcut --smoke PHOTO OUT.png`
under a virtual display) and the command line (`clearcut-cli -s PHOTO --timings`), and prints for
each the medians of:

  model ready   ms from process start until the model is loaded and warmed (ModelInfo::readyMs,
                the same clock in both programs)
  load started  ms from process start until the engine began loading the model
  load          ms reading and building the model
  warm-up       ms of the warm-up inference
  window shown  ms from process start until the window's first paint (the window only)

and the difference window - CLI of the medians. Run-to-run spread on a 2-core machine is far
larger than the difference, so use at least 10 rounds. --baseline-app runs another build's
window (the code before a change) in the same rounds.

  bench/ready_bench.py [--build build] [--rounds 10] [--photo tests/data/photos/HappyFish.jpg]
                       [--baseline-app PATH]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile


def last_json(text):
    lines = [line for line in text.splitlines() if line.startswith("{")]
    return json.loads(lines[-1]) if lines else None


def run_window(app, photo, work):
    command = ["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24", app, "--smoke", photo,
               os.path.join(work, "window.png")]
    proc = subprocess.run(command, capture_output=True, text=True)
    result = last_json(proc.stdout)
    if not result or not result.get("ok"):
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(f"{app} failed (exit {proc.returncode})")
    return {"ready": result["model_ready_ms"], "started": result["model_load_started_ms"],
            "load": result["model_load_ms"], "warmup": result["model_warmup_ms"],
            "shown": result["window_shown_ms"]}


def run_cli(cli, photo, work):
    command = [cli, "-s", photo, "-d", os.path.join(work, "cli"), "--timings", "--quiet"]
    proc = subprocess.run(command, capture_output=True, text=True)
    result = last_json(proc.stderr)
    if proc.returncode != 0 or not result:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(f"{cli} failed (exit {proc.returncode})")
    model = result["model"]
    return {"ready": model["ready_ms"], "started": model["started_ms"],
            "load": model["read_ms"] + model["load_ms"], "warmup": model["warmup_ms"]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default="build")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--baseline-app")
    parser.add_argument("--photo", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "tests", "data", "photos",
        "HappyFish.jpg"))
    args = parser.parse_args()

    app = os.path.join(args.build, "bin", "clearcut")
    cli = os.path.join(args.build, "bin", "clearcut-cli")
    work = tempfile.mkdtemp(prefix="clearcut-ready-bench-")
    # One of each first, not counted: the page cache holds LibTorch and the model afterwards.
    run_window(app, args.photo, work)
    run_cli(cli, args.photo, work)

    runs = {"cli": [], "window": []}
    if args.baseline_app:
        runs["baseline"] = []
    for i in range(args.rounds):
        # Rotate which goes first, so a slow phase of the machine hits all alike.
        names = list(runs)
        names = names[i % len(names):] + names[:i % len(names)]
        for name in names:
            if name == "cli":
                runs[name].append(run_cli(cli, args.photo, work))
            else:
                runs[name].append(
                    run_window(app if name == "window" else args.baseline_app, args.photo, work))

    def describe(values):
        return (f"median {statistics.median(values):7.0f}   min {min(values):6.0f}   "
                f"max {max(values):6.0f}")

    labels = {"cli": "CLI", "window": "window", "baseline": "baseline window"}
    stages = [("ready", "model ready"), ("started", "load started"), ("load", "load"),
              ("warmup", "warm-up"), ("shown", "shown")]
    print(f"\nfresh processes, {args.rounds} rounds in turns, {os.path.basename(args.photo)} (ms)")
    for name, values in runs.items():
        for key, stage in stages:
            if key in values[0]:
                print(f"  {labels[name] + ' ' + stage:32}{describe([v[key] for v in values])}")
    result = dict(runs)
    print()
    for name in [n for n in runs if n != "cli"]:
        for key, stage in stages[:4]:
            gap = (statistics.median(v[key] for v in runs[name]) -
                   statistics.median(v[key] for v in runs["cli"]))
            result[f"{name}_{key}_gap_ms"] = gap
            print(f"  {name} - CLI, {stage} medians: {gap:+.0f} ms")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
