#!/usr/bin/python3
"""`serve --metrics-port` scraped during `bench load` with 16 clients.

Starts `edgecut serve MODEL --metrics-port 0`, runs `edgecut bench load
--server` against it with 16 clients and mixed plans (tails loaded on
request), and scrapes http://HOST:PORT/metrics every 0.2 s meanwhile:
  - during the load the request counters never decrease and the in-flight
    gauge stays within 0..16;
  - afterwards the success and failure counters, summed over the models,
    equal the requests and errors the clients counted;
  - per model the cumulative request duration covers queue + compute, and
    the mean request duration is at most the clients' p99 latency;
  - the tail cache gauge is above 0 (the bench's tails are cached).
Usage: metrics_load_test.py EDGECUT_BIN [MODEL]
"""
import json
import re
import subprocess
import sys
import threading
import time
import urllib.request

CLIENTS = 16


def scrape(url):
    with urllib.request.urlopen(url, timeout=10) as r:
        text = r.read().decode()
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            key, value = line.rsplit(" ", 1)
            out[key] = float(value)
    return out


def per_model(sample, family):
    return {m.group(1): v for k, v in sample.items()
            if (m := re.fullmatch(family + r'\{model="([^"]*)",version="1"\}', k))}


def main():
    edgecut = sys.argv[1]
    model = sys.argv[2] if len(sys.argv) > 2 else "zoo:googlenet@64/4"
    server = subprocess.Popen([edgecut, "serve", model, "--listen", "127.0.0.1:0", "--metrics-port", "0",
                               "--workers", "2", "--engine", "opencv"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    failures = []
    try:
        m = re.match(r"listening on (\S+:\d+) ", server.stdout.readline())
        mm = re.match(r"metrics on (\S+)", server.stdout.readline())
        if not m or not mm:
            print("FAIL: serve printed no 'listening on' / 'metrics on' lines")
            return 1
        url = mm.group(1)
        bench = subprocess.Popen([edgecut, "bench", "load", model, "--server", m.group(1), "--clients",
                                  str(CLIENTS), "--duration", "6s", "--plans", "3", "--json", "-q"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        samples = []
        while bench.poll() is None:
            samples.append(scrape(url))
            time.sleep(0.2)
        out, err = bench.communicate()
        if bench.returncode not in (0, 3):
            print(f"FAIL: bench load exit {bench.returncode}: {err.strip()}")
            return 1
        report = json.loads(out)
        final = scrape(url)
        last = 0
        for s in samples:
            total = sum(per_model(s, "nv_inference_request_success").values())
            if total < last:
                failures.append(f"success counter went down: {last} -> {total}")
            last = total
            inflight = s.get("edgecut_inflight_requests", -1)
            if not 0 <= inflight <= CLIENTS:
                failures.append(f"inflight gauge {inflight} outside 0..{CLIENTS}")
        success = per_model(final, "nv_inference_request_success")
        failure = per_model(final, "nv_inference_request_failure")
        want_ok = report["requests"] - report["errors"]
        print(f"{len(samples)} scrapes during the load; clients: {report['requests']} requests, "
              f"{report['errors']} errors, p99 {report['p99_ms']:.2f} ms; server: success {success}, "
              f"failure {failure}")
        if sum(success.values()) != want_ok:
            failures.append(f"success counters {sum(success.values())} != the clients' {want_ok}")
        if sum(failure.values()) != report["errors"]:
            failures.append(f"failure counters {sum(failure.values())} != the clients' {report['errors']}")
        req = per_model(final, "nv_inference_request_duration_us")
        queue = per_model(final, "nv_inference_queue_duration_us")
        comp = per_model(final, "nv_inference_compute_infer_duration_us")
        for name, n in success.items():
            if n == 0:
                continue
            mean_ms = req[name] / n / 1e3
            print(f"  {name}: {int(n)} requests, mean request {mean_ms:.2f} ms, queue "
                  f"{queue[name] / n / 1e3:.2f} ms, compute {comp[name] / n / 1e3:.2f} ms")
            if req[name] < queue[name] + comp[name] or comp[name] <= 0:
                failures.append(f"{name}: request duration {req[name]} < queue {queue[name]} + compute {comp[name]}")
            if mean_ms > report["p99_ms"]:
                failures.append(f"{name}: mean server request {mean_ms:.2f} ms over the clients' p99 "
                                f"{report['p99_ms']:.2f} ms")
        if final.get("edgecut_tail_cache_bytes", 0) <= 0:
            failures.append("tail cache gauge is 0 although the bench loaded tails")
        if len(samples) < 5:
            failures.append(f"only {len(samples)} scrapes during the load")
    finally:
        server.terminate()
        server.wait(timeout=30)
    for f in failures:
        print(f"FAIL: {f}")
    print("PASS" if not failures else f"{len(failures)} failure(s)")
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
