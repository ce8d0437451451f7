#!/usr/bin/python3
"""clearcut-server under load, and against clearcut-cli (a benchmark, not a test).

Four measurements, each on loopback with servers this script starts (and kills on exit):

  ready      fresh servers: seconds from process start to the first GET /readyz 200 (polled
             every 10 ms), beside the server's own "model ready ... ms after start"; median of
             --rounds; each round also with CLEARCUT_WARM_MEMORY=off (the baseline)
  collision  a fresh server gets 20 POST /v1/remove (4 client threads, 5 each, a small photo)
             before its model is ready: all 200?, when each was answered (from process start),
             the first answer against the model ready time and against ready + 1.2 x one
             inference (clearcut_inference_seconds_sum / _count afterwards); then the same
             with CLEARCUT_WARM_MEMORY=off
  steady     one warm server, photos of 0.2 to 12 MP (the test photos resized, JPEG quality 92),
             --requests requests at each --concurrency: photos/min, p50/p99 latency, answers
             other than 200 by status, RSS after ready and after each level; then clearcut-cli
             on the same photos (--requests of them) in one process, its wall time as
             photos/min, and the ratio server / CLI for each concurrency
  sigterm    a fresh server with 8 requests in flight (a 2 MP photo) gets SIGTERM: answers 200
             and 503, requests refused at connect, SIGTERM -> exit time and the exit code

It prints numbers and, last, one JSON line with all of them. It fails (exit 1) only when a run
did not happen: a server that crashed, hung, never got ready or did not exit; slow numbers are
never a failure. Numbers on a shared machine are noisy.

  /usr/bin/python3 bench/server_bench.py [--build build] [--rounds 3] [--requests 100]
                                         [--concurrency 1,2,4,8] [--quick]

Steady runs 4 x --requests photos through the server and --requests through the CLI: at
0.7 s a photo (2 cores) the default run takes about 7 minutes and --requests 200 about 13;
other work on the machine can double that. --quick (1 to 5 minutes): --requests 20,
--concurrency 1,4, --rounds 1. The server's OMP_WAIT_POLICY (its environment, as the process
has it) is printed: with libgomp's default spin-wait, inference is up to 2x slower.
"""

import argparse
import http.client
import json
import math
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import cv2
import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PHOTOS = os.path.join(REPO, "tests", "data", "photos")
SIZES_MP = (0.2, 0.5, 1, 2, 4, 8, 12)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# Every wait is bounded by one of these.
READY_TIMEOUT_S = 300  # a model load on a busy 2-core machine takes 3-15 s
REQUEST_TIMEOUT_S = 180  # longer than the server's --deadline (60 s): no answer by then is a hang
PROBE_TIMEOUT_S = 5  # /readyz, /metrics
STOP_TIMEOUT_S = 60  # SIGTERM with nothing in flight -> exit
GRACE_S = 25  # the server's default --grace


class BenchFailure(Exception):
    """A run that did not happen: a crash, a hang, a server never ready."""


# Everything this script starts, so that it can be killed however the script ends.
children = []


def kill_children():
    for proc in children:
        if proc.poll() is None:
            try:
                proc.kill()
                proc.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                pass


def request(port, method, path, body=None, timeout=REQUEST_TIMEOUT_S, content_type=None):
    """One request on its own connection. Never raises: the outcome says what happened."""
    outcome = {"sent": time.monotonic(), "status": None, "error": None, "body": b"",
               "headers": {}}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        headers = {"Content-Type": content_type} if content_type else {}
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        outcome["body"] = response.read()
        outcome["status"] = response.status
        outcome["headers"] = {k.lower(): v for k, v in response.getheaders()}
    except ConnectionRefusedError:
        outcome["error"] = "refused"
    except socket.timeout:
        outcome["error"] = "timeout"
    except (ConnectionError, http.client.HTTPException) as e:
        outcome["error"] = "closed: " + type(e).__name__
    except OSError as e:
        outcome["error"] = "oserror: " + str(e)
    finally:
        connection.close()
    outcome["done"] = time.monotonic()
    return outcome


def outcome_label(outcome):
    if outcome["status"] is None:
        return outcome["error"]
    if outcome["status"] == 200 and not outcome["body"].startswith(PNG_SIGNATURE):
        return "200 without a PNG"
    return str(outcome["status"])


def parse_metrics(text):
    values = {}
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        name, _, value = line.rpartition(" ")
        try:
            values[name] = float(value)
        except ValueError:
            pass
    return values


class Server:
    """One clearcut-server process: its output read as it comes, /readyz polled every 10 ms."""

    def __init__(self, binary, extra_args=(), env=None):
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            [binary, "--listen", "127.0.0.1:0", *extra_args], stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, start_new_session=True,
            env=None if env is None else {**os.environ, **env})
        children.append(self.proc)
        self.port = None
        self.port_known = threading.Event()
        self.ready_at = None  # s since start: the first /readyz 200 seen
        self.ready_seen = threading.Event()
        self.readiness = []  # (s since start, status, JSON) for each distinct stage seen
        self.model_ready_ms = None  # the server's own, from stderr
        self.model_threads = None
        self.stderr_lines = []
        self.stdout_lines = []
        self._stop_polling = threading.Event()
        for target in (self._read_stdout, self._read_stderr, self._poll_ready):
            threading.Thread(target=target, daemon=True).start()

    def since_start(self, at=None):
        return (time.monotonic() if at is None else at) - self.started

    def _read_stdout(self):
        for raw in self.proc.stdout:
            line = raw.decode(errors="replace").rstrip("\n")
            self.stdout_lines.append(line)
            match = re.match(r"listening on [\d.]+:(\d+)", line)
            if match and self.port is None:
                self.port = int(match.group(1))
                self.port_known.set()
        self.port_known.set()  # the process has gone: nothing waits for a port any more

    def _read_stderr(self):
        for raw in self.proc.stderr:
            line = raw.decode(errors="replace").rstrip("\n")
            self.stderr_lines.append(line)
            match = re.search(r"model ready: .*?(\d+) threads \((\d+) ms after start\)", line)
            if match:
                self.model_threads = int(match.group(1))
                self.model_ready_ms = int(match.group(2))

    def _poll_ready(self):
        if not self.port_known.wait(READY_TIMEOUT_S) or self.port is None:
            return
        last_stage = None
        deadline = self.started + READY_TIMEOUT_S
        tick = time.monotonic()
        while not self._stop_polling.is_set() and time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return
            answer = request(self.port, "GET", "/readyz", timeout=PROBE_TIMEOUT_S)
            at = self.since_start(answer["done"])
            if answer["status"] == 200:
                self.ready_at = at
                self.ready_seen.set()
                return
            try:
                state = json.loads(answer["body"]) if answer["body"] else {}
            except ValueError:
                state = {"unparsed": answer["body"][:200].decode(errors="replace")}
            stage = (answer["status"], state.get("stage"))
            if stage != last_stage:
                self.readiness.append((round(at, 3), answer["status"] or answer["error"], state))
                last_stage = stage
            tick += 0.010
            time.sleep(max(0.0, tick - time.monotonic()))

    def wait_port(self):
        if not self.port_known.wait(READY_TIMEOUT_S) or self.port is None:
            raise BenchFailure(f"the server printed no 'listening on' line: {self.describe()}")
        return self.port

    def wait_ready(self):
        self.wait_port()
        end = time.monotonic() + READY_TIMEOUT_S
        while not self.ready_seen.wait(0.1):
            if self.proc.poll() is not None:
                raise BenchFailure(f"the server exited before it was ready: {self.describe()}")
            if time.monotonic() > end:
                raise BenchFailure(f"not ready within {READY_TIMEOUT_S} s: {self.describe()}")
        # The stderr line is written before /readyz turns 200; give the reader a moment.
        for _ in range(100):
            if self.model_ready_ms is not None:
                break
            time.sleep(0.01)
        return self.ready_at

    def alive(self, what):
        if self.proc.poll() is not None:
            raise BenchFailure(f"the server died during {what}: {self.describe()}")

    def metrics(self):
        answer = request(self.port, "GET", "/metrics", timeout=PROBE_TIMEOUT_S)
        if answer["status"] != 200:
            raise BenchFailure(f"GET /metrics: {outcome_label(answer)}")
        return parse_metrics(answer["body"].decode(errors="replace"))

    def peak_rss_mb(self):
        try:
            with open(f"/proc/{self.proc.pid}/status") as status:
                for line in status:
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1]) / 1024
        except OSError:
            pass
        return None

    def stop(self, timeout=STOP_TIMEOUT_S):
        """SIGTERM, then the exit code and the seconds until exit (killed past timeout)."""
        self._stop_polling.set()
        if self.proc.poll() is not None:
            return self.proc.returncode, 0.0
        sent = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
            raise BenchFailure(f"still running {timeout} s after SIGTERM: {self.describe()}")
        return code, time.monotonic() - sent

    def environment(self, name):
        try:
            with open(f"/proc/{self.proc.pid}/environ", "rb") as f:
                for entry in f.read().split(b"\0"):
                    if entry.startswith(name.encode() + b"="):
                        return entry.split(b"=", 1)[1].decode(errors="replace")
        except OSError:
            return "(unreadable)"
        return "(unset)"

    def describe(self):
        code = self.proc.poll()
        tail = " | ".join(self.stderr_lines[-5:])
        return f"exit {code if code is not None else '(running)'}, stderr: {tail or '(none)'}"


def make_photos(folder):
    """One JPEG per size in SIZES_MP, the test photos in turn, upscaled with mild grain so that
    the files are about as large as a camera's."""
    sources = sorted(os.path.join(PHOTOS, name) for name in os.listdir(PHOTOS)
                     if name.lower().endswith((".jpg", ".jpeg", ".png")))
    rng = np.random.default_rng(1)
    made = []
    for i, megapixels in enumerate(SIZES_MP):
        source = sources[i % len(sources)]
        image = cv2.imread(source)
        height, width = image.shape[:2]
        scale = math.sqrt(megapixels * 1e6 / (width * height))
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        image = cv2.resize(image, size, interpolation=cv2.INTER_CUBIC)
        grain = rng.normal(0, 3, image.shape).astype(np.float32)
        image = np.clip(image.astype(np.float32) + grain, 0, 255).astype(np.uint8)
        name = f"{megapixels:g}mp_{os.path.splitext(os.path.basename(source))[0]}.jpg"
        path = os.path.join(folder, name)
        cv2.imwrite(path, image, [cv2.IMWRITE_JPEG_QUALITY, 92])
        with open(path, "rb") as f:
            made.append({"name": name, "megapixels": megapixels, "width": size[0],
                         "height": size[1], "bytes": f.read()})
    return made


def percentile(values, fraction):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(fraction * len(ordered)) - 1))]


def mb(value):
    return None if value is None else round(value / (1024 * 1024), 1)


def run_clients(port, count, threads, pick_body, timeout=REQUEST_TIMEOUT_S, fixed_share=False):
    """count POST /v1/remove from `threads` threads, each sending its next one once the last is
    answered: the next index of all (a closed loop), or with fixed_share count / threads each."""
    outcomes = [None] * count
    next_index = [0]
    lock = threading.Lock()

    def client(thread):
        mine = iter(range(thread, count, threads))
        while True:
            if fixed_share:
                index = next(mine, count)
            else:
                with lock:
                    index = next_index[0]
                    next_index[0] += 1
            if index >= count:
                return
            outcome = request(port, "POST", "/v1/remove", pick_body(index), timeout=timeout,
                              content_type="image/jpeg")
            outcome["index"] = index
            outcomes[index] = outcome

    workers = [threading.Thread(target=client, args=(t,), daemon=True) for t in range(threads)]
    for worker in workers:
        worker.start()
    return workers, outcomes


def join_all(workers, timeout, what):
    end = time.monotonic() + timeout
    for worker in workers:
        worker.join(max(0.0, end - time.monotonic()))
    if any(worker.is_alive() for worker in workers):
        raise BenchFailure(f"{what}: clients still waiting after {timeout:.0f} s (a hang)")


def count_labels(outcomes):
    counts = {}
    for outcome in outcomes:
        label = outcome_label(outcome) if outcome else "not sent"
        counts[label] = counts.get(label, 0) + 1
    return counts


# Each fresh-server measurement runs as shipped and, alternating with it, with the memory the
# engine faults in ahead of use turned off (the baseline before it existed), in the same run.
VARIANTS = (("default", None), ("warm memory off", {"CLEARCUT_WARM_MEMORY": "off"}))


def bench_ready(server_bin, rounds):
    print(f"\n== ready: fresh servers, {rounds} rounds of each variant (alternating)")
    runs = {name: [] for name, _ in VARIANTS}
    for i in range(rounds):
        for name, env in VARIANTS:
            server = Server(server_bin, env=env)
            try:
                ready = server.wait_ready()
                metrics = server.metrics()
            finally:
                code, _ = server.stop()
            if code != 0:
                raise BenchFailure(f"round {i + 1} ({name}): exit {code} after SIGTERM "
                                   "(expected 0)")
            runs[name].append({"readyz_200_s": round(ready, 3),
                               "model_ready_ms": server.model_ready_ms,
                               "metrics_model_ready_s": metrics.get(
                                   "clearcut_model_ready_seconds"),
                               "stages": server.readiness})
            print(f"  round {i + 1} {name:>15}: /readyz 200 at {ready * 1000:6.0f} ms, server's "
                  f"model ready {server.model_ready_ms} ms after start, stages seen "
                  f"{[(at, code_, state.get('stage')) for at, code_, state in server.readiness]}")
    result = {}
    for name, _ in VARIANTS:
        median_ready = statistics.median(r["readyz_200_s"] for r in runs[name])
        model_ms = [r["model_ready_ms"] for r in runs[name] if r["model_ready_ms"] is not None]
        median_model = statistics.median(model_ms) if model_ms else None
        print(f"  median {name:>15}: /readyz 200 at {median_ready * 1000:.0f} ms; server's model "
              f"ready {median_model} ms after start")
        key = "" if name == "default" else "baseline_"
        result.update({f"{key}rounds": runs[name],
                       f"{key}median_readyz_200_ms": round(median_ready * 1000),
                       f"{key}median_model_ready_ms": median_model})
    return result


def bench_collision_both(server_bin, photo_bytes, photo_name):
    result = {}
    for name, env in VARIANTS:
        one = bench_collision(server_bin, photo_bytes, photo_name, name, env)
        if name == "default":
            result.update(one)
        else:
            result["baseline"] = one
    return result


def bench_collision(server_bin, photo_bytes, photo_name, variant, env):
    print(f"\n== collision ({variant}): 20 requests (4 threads x 5, {photo_name}) before the "
          "model is ready")
    server = Server(server_bin, env=env)
    try:
        port = server.wait_port()
        first_sent = server.since_start()
        workers, outcomes = run_clients(port, 20, 4, lambda _: photo_bytes, fixed_share=True)
        join_all(workers, REQUEST_TIMEOUT_S * 5 + 30, "collision")
        server.wait_ready()
        server.alive("the collision run")
        metrics = server.metrics()
    finally:
        code, _ = server.stop()
    if code != 0:
        raise BenchFailure(f"collision: exit {code} after SIGTERM (expected 0)")

    count = metrics.get("clearcut_inference_seconds_count", 0)
    inference = metrics["clearcut_inference_seconds_sum"] / count if count else None
    answered = sorted(server.since_start(o["done"]) for o in outcomes)
    first = answered[0]
    model_ready = server.model_ready_ms / 1000 if server.model_ready_ms is not None else None
    # The server's own ready time is the moment that counts (the 10 ms poll sees it later);
    # it is on the kernel's process-start clock (10 ms ticks), this script's is the spawn.
    ready = model_ready if model_ready is not None else server.ready_at
    bound = ready + 1.2 * inference if inference else None
    before_ready = [t for t in answered if t < ready]
    statuses = count_labels(outcomes)
    result = {
        "first_sent_s": round(first_sent, 3),
        "sent_before_ready": first_sent < ready,
        "statuses": statuses,
        "all_200": statuses == {"200": 20},
        "answered_s": [round(t, 3) for t in answered],
        "readyz_200_s": round(server.ready_at, 3),
        "model_ready_s": model_ready,
        "inference_s": round(inference, 3) if inference else None,
        "inference_count": count,
        "first_answer_s": round(first, 3),
        "first_answer_after_ready_s": round(first - ready, 3),
        "ready_plus_1_2_inference_s": round(bound, 3) if bound else None,
        "first_within_bound": bound is not None and first <= bound,
        "answered_before_ready": len(before_ready),
    }
    print(f"  first request sent {first_sent * 1000:.0f} ms after start "
          f"({'before' if result['sent_before_ready'] else 'AFTER'} the model was ready)")
    print(f"  answers: {statuses} (all 200: {result['all_200']})")
    print(f"  answered at (s from start): {', '.join(f'{t:.2f}' for t in answered)}")
    print(f"  model ready {ready:.3f} s (server), /readyz 200 seen {server.ready_at:.3f} s; "
          f"one inference {inference:.3f} s (mean of {count:.0f})")
    print(f"  first answer {first:.3f} s = ready + {first - ready:.3f} s; bound ready + 1.2 x "
          f"inference = {bound:.3f} s -> within: {result['first_within_bound']}")
    print(f"  answered before the model was ready: {len(before_ready)} (expected 0)")
    return result


def bench_steady(server_bin, cli_bin, photos, requests, levels, work):
    sizes = ", ".join(f"{p['megapixels']:g} MP" for p in photos)
    print(f"\n== steady: {requests} requests per level over {len(photos)} photos ({sizes}), "
          f"concurrency {levels}")
    server = Server(server_bin)
    result = {"photos": [{k: p[k] for k in ("name", "megapixels", "width", "height")}
                         | {"jpeg_bytes": len(p["bytes"])} for p in photos], "levels": []}
    try:
        server.wait_ready()
        ready_rss = server.metrics().get("clearcut_resident_memory_bytes")
        # One photo first, not counted: the first large buffers are allocated here.
        warm = request(server.port, "POST", "/v1/remove", photos[-1]["bytes"],
                       content_type="image/jpeg")
        if warm["status"] is None:
            server.alive("the warm-up request")
            raise BenchFailure(f"warm-up request: {warm['error']}")
        warm_rss = server.metrics().get("clearcut_resident_memory_bytes")
        result["server_threads"] = server.model_threads
        result["server_omp_wait_policy"] = server.environment("OMP_WAIT_POLICY")
        result["rss_after_ready_mb"] = mb(ready_rss)
        result["rss_after_warmup_mb"] = mb(warm_rss)
        print(f"  server: {server.model_threads} inference threads, OMP_WAIT_POLICY "
              f"{result['server_omp_wait_policy']}; RSS after ready {mb(ready_rss)} MB, after one "
              f"{photos[-1]['megapixels']:g} MP warm-up request ({outcome_label(warm)}) "
              f"{mb(warm_rss)} MB")
        for level in levels:
            began = time.monotonic()
            workers, outcomes = run_clients(server.port, requests, level,
                                            lambda i: photos[i % len(photos)]["bytes"])
            join_all(workers, REQUEST_TIMEOUT_S * math.ceil(requests / level) + 30,
                     f"steady at concurrency {level}")
            wall = time.monotonic() - began
            server.alive(f"steady at concurrency {level}")
            metrics = server.metrics()
            ok = [o["done"] - o["sent"] for o in outcomes if outcome_label(o) == "200"]
            statuses = count_labels(outcomes)
            row = {
                "concurrency": level,
                "wall_s": round(wall, 2),
                "photos_per_min": round(len(ok) / wall * 60, 2),
                "p50_s": round(percentile(ok, 0.5), 3) if ok else None,
                "p99_s": round(percentile(ok, 0.99), 3) if ok else None,
                "statuses": statuses,
                "not_200": {k: v for k, v in statuses.items() if k != "200"},
                "rss_end_mb": mb(metrics.get("clearcut_resident_memory_bytes")),
                "peak_rss_mb": round(server.peak_rss_mb() or 0, 1),
            }
            result["levels"].append(row)
            print(f"  concurrency {level}: {row['photos_per_min']:6.1f} photos/min "
                  f"({len(ok)} in {wall:.1f} s), p50 {row['p50_s']} s, p99 {row['p99_s']} s, "
                  f"not 200: {row['not_200'] or 'none'}, RSS {row['rss_end_mb']} MB "
                  f"(peak {row['peak_rss_mb']} MB)")
        metrics = server.metrics()
        count = metrics.get("clearcut_inference_seconds_count", 0)
        result["server_inference_s"] = (
            round(metrics["clearcut_inference_seconds_sum"] / count, 3) if count else None)
    finally:
        code, _ = server.stop()
    if code != 0:
        raise BenchFailure(f"steady: exit {code} after SIGTERM (expected 0)")

    # The CLI over the same photos, --requests of them, in one process (model load included,
    # as a one-off batch job pays it).
    source = os.path.join(work, "cli-in")
    dest = os.path.join(work, "cli-out")
    os.makedirs(source)
    for i in range(requests):
        photo = photos[i % len(photos)]
        target = os.path.join(source, f"{i:04d}_{photo['name']}")
        try:
            os.link(os.path.join(work, "photos", photo["name"]), target)
        except OSError:
            shutil.copyfile(os.path.join(work, "photos", photo["name"]), target)
    report = os.path.join(work, "cli-report.json")
    command = [cli_bin, "-s", source, "-d", dest, "-q", "--timings", "--report", report]
    began = time.monotonic()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    children.append(proc)
    try:
        out, err = proc.communicate(timeout=60 + 30 * requests)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate(timeout=10)
        raise BenchFailure(f"clearcut-cli on {requests} photos did not finish in time")
    wall = time.monotonic() - began
    if proc.returncode != 0:
        raise BenchFailure(f"clearcut-cli exit {proc.returncode}: "
                           f"{err.decode(errors='replace')[-500:]}")
    timings = None
    for line in err.decode(errors="replace").splitlines():
        if line.startswith("{"):
            timings = json.loads(line)
    with open(report) as f:
        summary = json.load(f)
    ready_ms = timings["model"]["ready_ms"] if timings else None
    cli = {
        "photos": requests,
        "done": summary.get("done"),
        "failed": summary.get("failed"),
        "wall_s": round(wall, 2),
        "photos_per_min": round(requests / wall * 60, 2),
        "model_ready_ms": ready_ms,
        "threads": timings["model"]["threads"] if timings else None,
        "inference_s": round(statistics.mean(i["infer_ms"] for i in timings["images"]) / 1000, 3)
        if timings and timings.get("images") else None,
    }
    if ready_ms is not None:
        cli["photos_per_min_after_ready"] = round(requests / (wall - ready_ms / 1000) * 60, 2)
    result["cli"] = cli
    shutil.rmtree(dest, ignore_errors=True)
    print(f"  clearcut-cli: {requests} photos in {wall:.1f} s wall = {cli['photos_per_min']:.1f} "
          f"photos/min ({cli['threads']} threads, model ready {ready_ms} ms; after ready "
          f"{cli.get('photos_per_min_after_ready')} photos/min), done {cli['done']}, failed "
          f"{cli['failed']}")
    print(f"  mean inference: server {result['server_inference_s']} s, CLI {cli['inference_s']} s")
    for row in result["levels"]:
        row["ratio_to_cli"] = round(row["photos_per_min"] / cli["photos_per_min"], 3)
        if cli.get("photos_per_min_after_ready"):
            row["ratio_to_cli_after_ready"] = round(
                row["photos_per_min"] / cli["photos_per_min_after_ready"], 3)
        print(f"  server / CLI at concurrency {row['concurrency']}: {row['ratio_to_cli']:.2f} "
              f"(against the CLI after its model is ready: "
              f"{row.get('ratio_to_cli_after_ready')})")
    best = max(result["levels"], key=lambda r: r["photos_per_min"])
    result["best_concurrency"] = best["concurrency"]
    result["best_ratio_to_cli"] = best["ratio_to_cli"]
    print(f"  best: concurrency {best['concurrency']}, ratio {best['ratio_to_cli']:.2f} "
          f"(goal >= 0.9)")
    return result


def bench_sigterm(server_bin, photo, small_bytes):
    print(f"\n== sigterm: 8 requests in flight ({photo['megapixels']:g} MP), then SIGTERM")
    server = Server(server_bin)
    try:
        server.wait_ready()
        workers, outcomes = run_clients(server.port, 8, 8, lambda _: photo["bytes"])
        # Accepted = counted in /readyz's queue (or already answered).
        accepted_wait = time.monotonic() + 15
        queued = None
        while time.monotonic() < accepted_wait:
            state = request(server.port, "GET", "/readyz", timeout=PROBE_TIMEOUT_S)
            answered = sum(1 for o in outcomes if o is not None)
            try:
                queued = json.loads(state["body"]).get("queue")
            except ValueError:
                queued = None
            if queued is not None and queued + answered >= 8:
                break
            time.sleep(0.02)
        all_accepted = queued is not None and queued + answered >= 8
        server.alive("the requests before SIGTERM")
        term_sent = time.monotonic()
        server._stop_polling.set()
        server.proc.send_signal(signal.SIGTERM)
        # What a client sees at once: /readyz, and a new request.
        readyz_after = request(server.port, "GET", "/readyz", timeout=PROBE_TIMEOUT_S)
        late = [request(server.port, "POST", "/v1/remove", small_bytes,
                        timeout=REQUEST_TIMEOUT_S, content_type="image/jpeg")]
        # A new request each second until the process has gone (the last one sees that).
        exit_code = None
        end = term_sent + GRACE_S + 30
        while time.monotonic() < end:
            try:
                exit_code = server.proc.wait(timeout=1.0)
                break
            except subprocess.TimeoutExpired:
                late.append(request(server.port, "POST", "/v1/remove", small_bytes,
                                    timeout=REQUEST_TIMEOUT_S, content_type="image/jpeg"))
        if exit_code is None:
            raise BenchFailure(f"still running {GRACE_S + 30} s after SIGTERM: "
                               f"{server.describe()}")
        exit_s = time.monotonic() - term_sent
        late.append(request(server.port, "POST", "/v1/remove", small_bytes, timeout=PROBE_TIMEOUT_S,
                            content_type="image/jpeg"))
        join_all(workers, 30, "sigterm (clients after the server exited)")
    finally:
        if server.proc.poll() is None:
            server.proc.kill()
            server.proc.wait(timeout=10)

    in_flight = count_labels(outcomes)
    answered_http = sum(1 for o in outcomes if o and o["status"] is not None)
    late_counts = count_labels(late)
    try:
        readyz_stage = json.loads(readyz_after["body"]).get("stage")
    except ValueError:
        readyz_stage = None
    result = {
        "accepted_before_sigterm": all_accepted,
        "queue_at_sigterm": queued,
        "in_flight": in_flight,
        "in_flight_200": in_flight.get("200", 0),
        "in_flight_503": in_flight.get("503", 0),
        "in_flight_no_answer": 8 - answered_http,
        "every_accepted_answered": answered_http == 8,
        "every_accepted_answered_200": in_flight.get("200", 0) == 8,
        "readyz_after_sigterm": [outcome_label(readyz_after), readyz_stage],
        "new_requests_after_sigterm": late_counts,
        "new_refused_at_connect": late_counts.get("refused", 0),
        "sigterm_to_exit_s": round(exit_s, 3),
        "exit_code": exit_code,
        "stderr_tail": server.stderr_lines[-3:],
    }
    print(f"  accepted before SIGTERM: {all_accepted} (queue {queued})")
    print(f"  in flight: {in_flight} -> every accepted request answered: "
          f"{result['every_accepted_answered']} (all 200: {result['every_accepted_answered_200']})")
    print(f"  /readyz right after SIGTERM: {result['readyz_after_sigterm']}; new requests after "
          f"SIGTERM: {late_counts} (refused at connect: {result['new_refused_at_connect']})")
    print(f"  SIGTERM -> exit {exit_s:.2f} s, exit code {exit_code}")
    if exit_code != 0:
        raise BenchFailure(f"sigterm: exit {exit_code} (expected 0): {server.describe()}")
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default="build", help="build folder (default: build)")
    parser.add_argument("--rounds", type=int, help="fresh servers for 'ready' (default 3)")
    parser.add_argument("--requests", type=int,
                        help="requests per concurrency level and CLI photos (default 100)")
    parser.add_argument("--concurrency", help="client threads per level (default 1,2,4,8)")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke check: --requests 20 --concurrency 1,4 --rounds 1")
    args = parser.parse_args()
    quick = args.quick
    rounds = args.rounds or (1 if quick else 3)
    requests = args.requests or (20 if quick else 100)
    levels = [int(c) for c in (args.concurrency or ("1,4" if quick else "1,2,4,8")).split(",")]
    if rounds < 1 or requests < 1 or any(c < 1 for c in levels):
        parser.error("--rounds, --requests and --concurrency take positive numbers")

    build = args.build if os.path.isabs(args.build) else os.path.join(os.getcwd(), args.build)
    if not os.path.isdir(build) and os.path.isdir(os.path.join(REPO, args.build)):
        build = os.path.join(REPO, args.build)
    server_bin = os.path.join(build, "bin", "clearcut-server")
    cli_bin = os.path.join(build, "bin", "clearcut-cli")
    for binary in (server_bin, cli_bin):
        if not os.access(binary, os.X_OK):
            parser.error(f"{binary} is missing (build first, or --build DIR)")

    # SIGTERM to this script ends it like Ctrl+C: the finally below kills the servers.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    work = tempfile.mkdtemp(prefix="clearcut-server-bench-")
    built = {binary: os.stat(binary).st_mtime for binary in (server_bin, cli_bin)}
    summary = {"build": build, "rounds": rounds, "requests": requests, "concurrency": levels,
               "cpus": os.cpu_count()}
    failures = []
    began = time.monotonic()
    try:
        os.makedirs(os.path.join(work, "photos"))
        photos = make_photos(os.path.join(work, "photos"))
        small = photos[0]
        mid = next(p for p in photos if p["megapixels"] == 2)
        for name, run in (
                ("ready", lambda: bench_ready(server_bin, rounds)),
                ("collision", lambda: bench_collision_both(server_bin, small["bytes"],
                                                           small["name"])),
                ("steady", lambda: bench_steady(server_bin, cli_bin, photos, requests, levels,
                                                work)),
                ("sigterm", lambda: bench_sigterm(server_bin, mid, small["bytes"]))):
            try:
                summary[name] = run()
            except BenchFailure as failure:
                print(f"  FAILED: {failure}", file=sys.stderr)
                failures.append(f"{name}: {failure}")
                kill_children()
    finally:
        kill_children()
        shutil.rmtree(work, ignore_errors=True)
    # A rebuild during the run mixes two programs' numbers: said, not failed.
    rebuilt = [b for b, mtime in built.items() if not os.path.exists(b) or
               os.stat(b).st_mtime != mtime]
    if rebuilt:
        print(f"\nwarning: rebuilt during the run: {', '.join(rebuilt)}", file=sys.stderr)
    summary["rebuilt_during_run"] = rebuilt
    summary["seconds"] = round(time.monotonic() - began, 1)
    summary["failures"] = failures
    summary["ok"] = not failures
    print(f"\n{'ok' if not failures else 'FAILED: ' + '; '.join(failures)} "
          f"({summary['seconds']:.0f} s)")
    print(json.dumps(summary))
    return 0 if not failures else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("\ninterrupted (the servers it started are killed)", file=sys.stderr)
        sys.exit(130)
