#!/usr/bin/python3
"""Soak: memory over a long clearcut-cli batch and a long clearcut-server run (a check, not a test).

  cli     --photos small photos (0.05 to 0.3 MP JPEGs made from the test photos, each one
          different) through one clearcut-cli process; its RSS sampled every 0.2 s and read at
          photo counts along the way
  server  one clearcut-server; --requests POSTs of those photos from --concurrency clients; its
          RSS read at request counts along the way; every answer must be 200

For each it prints RSS at photo or request counts (10, a tenth, a quarter, a half, three
quarters, all), the difference and ratio from the warm mark (a tenth of the run) to the end, the
peak, and any answer that was not 200. "Flat" means the end is within --flat-mb of the warm mark
(default 64 MB). Exit 1 when a run did not happen (a crash, a
hang, an error answer) or memory was not flat; last, one JSON line with every number.

  /usr/bin/python3 bench/soak.py [--build build] [--photos 1000] [--requests 2000]
                                 [--mode fast] [--concurrency 2] [--flat-mb 64]

--mode fast (512x512 network input, the default here) keeps it to about 4 + 8 minutes on 2
cores; --mode base takes about three times as long.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

import cv2
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_bench import PHOTOS, Server, kill_children, request  # noqa: E402


def rss_mb(pid):
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def make_photos(folder, count):
    sources = [cv2.imread(os.path.join(PHOTOS, name)) for name in sorted(os.listdir(PHOTOS))
               if name.lower().endswith(".jpg")]
    rng = np.random.default_rng(7)
    paths = []
    for i in range(count):
        image = sources[i % len(sources)]
        megapixels = rng.uniform(0.05, 0.3)
        height, width = image.shape[:2]
        scale = (megapixels * 1e6 / (width * height)) ** 0.5
        size = (max(8, int(width * scale)), max(8, int(height * scale)))
        resized = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
        if rng.random() < 0.5:
            resized = cv2.flip(resized, 1)
        path = os.path.join(folder, f"soak_{i:05d}.jpg")
        cv2.imwrite(path, resized, [cv2.IMWRITE_JPEG_QUALITY, 90])
        paths.append(path)
    return paths


def marks_for(total):
    first = min(10, total)  # warm: the pools, the model's memory and the caches are in use
    return sorted({m for m in (first, total // 10, total // 4, total // 2, 3 * total // 4, total)
                   if first <= m <= total})


def summarise(name, marks, peak, flat_mb):
    # Warm is the tenth of the run, not the tenth photo: until then the decode and encode pools and
    # the allocator's caches are still filling (a 1000-photo CLI run: 517 MB at 10, 657 at 100,
    # then 620-624 to the end).
    first, last = (marks[1] if len(marks) > 2 else marks[0]), marks[-1]
    growth = last["rss_mb"] - first["rss_mb"]
    flat = growth <= flat_mb
    print(f"  {name}: RSS {first['rss_mb']:.0f} MB at {first['count']} -> {last['rss_mb']:.0f} MB at "
          f"{last['count']} ({growth:+.0f} MB, x{last['rss_mb'] / first['rss_mb']:.3f}); peak "
          f"{peak:.0f} MB; flat (within {flat_mb} MB): {flat}")
    return {"marks": marks, "start_rss_mb": round(first["rss_mb"], 1),
            "end_rss_mb": round(last["rss_mb"], 1), "growth_mb": round(growth, 1),
            "peak_rss_mb": round(peak, 1), "flat": flat}


def soak_cli(cli_bin, folder, out, count, mode, flat_mb):
    print(f"\n== cli: {count} photos, --mode {mode}")
    proc = subprocess.Popen([cli_bin, "-s", folder, "-d", out, "--mode", mode],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = [0.0]
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            value = rss_mb(proc.pid)
            if value:
                peak[0] = max(peak[0], value)
            time.sleep(0.2)

    threading.Thread(target=sample, daemon=True).start()
    err_lines = []
    threading.Thread(target=lambda: err_lines.extend(proc.stderr), daemon=True).start()
    wanted = marks_for(count)
    marks = []
    done = 0
    began = time.monotonic()
    for line in proc.stdout:
        if not line.strip():
            continue
        done += 1
        if wanted and done >= wanted[0]:
            wanted.pop(0)
            marks.append({"count": done, "rss_mb": rss_mb(proc.pid) or 0.0,
                          "s": round(time.monotonic() - began, 1)})
    code = proc.wait()
    stop.set()
    print(f"  {done} written in {time.monotonic() - began:.0f} s, exit {code}")
    if code != 0 or done != count or not marks:
        raise RuntimeError(f"clearcut-cli exit {code}, {done} of {count} written: "
                           f"{''.join(err_lines[-5:])}")
    return summarise("cli", marks, peak[0], flat_mb)


def soak_server(server_bin, photos, count, concurrency, mode, flat_mb):
    print(f"\n== server: {count} requests from {concurrency} clients, mode {mode}")
    bodies = []
    for path in photos[:50]:
        with open(path, "rb") as f:
            bodies.append(f.read())
    server = Server(server_bin)
    try:
        server.wait_ready()
        port = server.port
        lock = threading.Lock()
        state = {"next": 0, "done": 0, "bad": {}}
        wanted = marks_for(count)
        marks = []
        peak = [0.0]
        began = time.monotonic()

        def client():
            while True:
                with lock:
                    if state["next"] >= count:
                        return
                    i = state["next"]
                    state["next"] += 1
                outcome = request(port, "POST", f"/v1/remove?mode={mode}",
                                  body=bodies[i % len(bodies)], content_type="image/jpeg")
                value = rss_mb(server.proc.pid) or 0.0
                with lock:
                    peak[0] = max(peak[0], value)
                    state["done"] += 1
                    if outcome["status"] != 200:
                        label = str(outcome["status"] or outcome["error"])
                        state["bad"][label] = state["bad"].get(label, 0) + 1
                    if wanted and state["done"] >= wanted[0]:
                        wanted.pop(0)
                        marks.append({"count": state["done"], "rss_mb": value,
                                      "s": round(time.monotonic() - began, 1)})

        workers = [threading.Thread(target=client) for _ in range(concurrency)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        server.alive("the soak")
        print(f"  {state['done']} answered in {time.monotonic() - began:.0f} s; not 200: "
              f"{state['bad'] or 'none'}")
    finally:
        code, _ = server.stop()
    result = summarise("server", marks, peak[0], flat_mb)
    result["not_200"] = state["bad"]
    result["exit_code"] = code
    if state["bad"] or code != 0:
        raise RuntimeError(f"answers other than 200: {state['bad']}, exit {code}")
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default="build")
    parser.add_argument("--photos", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--mode", default="fast")
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--flat-mb", type=float, default=64)
    args = parser.parse_args()
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    build = args.build if os.path.isabs(args.build) else os.path.join(repo, args.build)
    cli_bin = os.path.join(build, "bin", "clearcut-cli")
    server_bin = os.path.join(build, "bin", "clearcut-server")
    work = tempfile.mkdtemp(prefix="clearcut-soak-")
    summary = {"photos": args.photos, "requests": args.requests, "mode": args.mode}
    ok = True
    try:
        folder = os.path.join(work, "in")
        os.makedirs(folder)
        photos = make_photos(folder, args.photos)
        for name, run in (
                ("cli", lambda: soak_cli(cli_bin, folder, os.path.join(work, "out"), args.photos,
                                         args.mode, args.flat_mb)),
                ("server", lambda: soak_server(server_bin, photos, args.requests,
                                               args.concurrency, args.mode, args.flat_mb))):
            try:
                summary[name] = run()
                ok = ok and summary[name]["flat"]
            except Exception as failure:  # a run that did not happen: said, and a failure
                print(f"  FAILED: {failure}", file=sys.stderr)
                summary[name] = {"error": str(failure)}
                ok = False
                kill_children()
    finally:
        kill_children()
        shutil.rmtree(work, ignore_errors=True)
    summary["ok"] = ok
    print(f"\n{'ok' if ok else 'FAILED'}")
    print(json.dumps(summary))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
