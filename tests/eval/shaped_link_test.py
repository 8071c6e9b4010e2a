#!/usr/bin/python3
"""Cooperative inference on a shaped link, end to end (`edgecut demo --json`):
server and edge client in two network namespaces, tbf on the veth pair, the
edge on one core under a CPU quota of 0.1 (a 10x slower device), the cloud on
the other core. The link steps 50 -> 20 -> 5 Mbit/s. Per phase it checks:
  - the bandwidth estimate (median) is within 10% of the shaped rate;
  - the plan the phase settles on is in use within 1 s of the step, or within
    two frames when one frame's upload alone takes longer than that;
  - the median measured latency is within TOL of the median prediction.
Root only: exits 77 (skip) with a message otherwise.

Usage: shaped_link_test.py EDGECUT_BIN MODEL [TOL_PCT]
"""
import json
import os
import subprocess
import sys
import tempfile

SKIP = 77


def main():
    edgecut, model = sys.argv[1], sys.argv[2]
    tol = float(sys.argv[3]) if len(sys.argv) > 3 else 10.0
    if os.geteuid() != 0:
        print("SKIP: the shaped-link test needs root (network namespaces, tc, cgroups); run ctest as root")
        return SKIP
    with tempfile.TemporaryDirectory() as out:
        args = [edgecut, "demo", "--model", model, "--phases", "20s@50Mbps,20s@20Mbps,20s@5Mbps", "--quiet",
                "--json", "--out", out]
        r = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=900)
        if r.returncode != 0:
            if "needs network namespaces" in r.stderr:
                print(f"SKIP: {r.stderr.strip()}")
                return SKIP
            print(f"FAIL: {' '.join(args)}: exit {r.returncode}: {r.stderr.strip()[-2000:]}")
            return 1
        report = json.loads(r.stdout)
    failures = []
    for i, p in enumerate(report["phases"]):
        print(f"{model} at {p['shaped_mbps']:g} Mbit/s: {p['frames']} frames, estimate {p['est_median_mbps']:.2f} "
              f"({p['est_err_pct']:+.1f}%), latency p50 {p['latency_p50_ms']:.1f} ms vs predicted "
              f"{p['predicted_p50_ms']:.1f} ({p['latency_err_pct']:.1f}%), steady plan {p['steady_plan']} "
              f"after {p['adopt_s']:.2f} s / {p['stale_frames']} frame(s); plans {p['plans']}")
        if p["frames"] < 3:
            failures.append(f"phase {i}: only {p['frames']} frames")
            continue
        if abs(p["est_err_pct"]) > 10:
            failures.append(f"phase {i}: estimate {p['est_err_pct']:+.1f}% off the shaped rate")
        if p["latency_err_pct"] > tol:
            failures.append(f"phase {i}: latency {p['latency_err_pct']:.1f}% off the prediction (bound {tol}%)")
        if i > 0 and p["adopt_s"] > 1.0 and p["stale_frames"] > 2:
            failures.append(f"phase {i}: new plan after {p['adopt_s']:.2f} s and {p['stale_frames']} frames")
    for f in failures:
        print("FAIL:", f)
    print("PASS" if not failures else f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
