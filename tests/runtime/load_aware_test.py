#!/usr/bin/env python3
"""Load-aware plans, end to end with real processes (issue 12).

`edgecut serve` (one engine slot, cloud core) and `edgecut run` (edge under a
0.1-core cgroup quota on the other core, fixed 1 Gbit/s plan bandwidth) run
a stream; then `edgecut bench load --server` hammers the server with N
clients. The edge must move its plans to the edge while the load lasts
(the server's queue time enters its cloud factor) and come back once it ends
(probes read the server's load while no tail runs there). No frame is lost:
frames refused by a full server finish on the edge.

Prints the frames finished on the edge during the load and the time back to
cloud plans after it ends. Root only (cgroup quota); exits 77 otherwise.
"""
import json, os, signal, subprocess, sys, tempfile, time

def main():
    edgecut, model = sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "zoo:googlenet"
    if os.geteuid() != 0 or not os.path.exists("/sys/fs/cgroup/cpu/cpu.cfs_quota_us"):
        print("skip: needs root and cgroup v1 cpu (the edge's quota)")
        return 77
    tmp = tempfile.mkdtemp(prefix="edgecut-load-aware-")
    log = os.path.join(tmp, "frames.jsonl")
    serve_log = open(os.path.join(tmp, "serve.log"), "w+")
    serve = subprocess.Popen([edgecut, "serve", model, "--listen", "127.0.0.1:0", "--workers", "1",
                              "--max-queue", "256", "--emulate-cloud", "--cloud-cpu", "1"],
                             stdout=serve_log, stderr=subprocess.STDOUT)
    procs = [serve]
    try:
        address = None
        for _ in range(1200):
            serve_log.seek(0)
            for line in serve_log.read().splitlines():
                if line.startswith("listening on "):
                    address = line.split()[2]
            if address or serve.poll() is not None:
                break
            time.sleep(0.1)
        assert address, "server did not start"
        run = subprocess.Popen([edgecut, "run", model, "--cloud", address, "--source", "synthetic",
                                "--fps", "5", "--bandwidth", "1Gbps", "--emulate-edge", "0.1",
                                "--log", log, "--quiet"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        procs.append(run)
        time.sleep(12)  # calibration, first plans, quiet phase
        t_load = time.time()
        hammer = subprocess.run(["taskset", "-c", "0", edgecut, "bench", "load", model, "--server", address,
                                 "--clients", "12", "--plans", "1", "--duration", "15s", "--json", "--quiet"],
                                capture_output=True, text=True, timeout=300)
        t_end = time.time()
        time.sleep(15)  # the load has gone: plans should come back
        run.send_signal(signal.SIGINT)
        run.wait(timeout=60)
        frames = [json.loads(l) for l in open(log) if l.strip()]
        return check(frames, t_load, t_end, hammer)
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()

def uses_cloud(f, n_nodes):
    return not f.get("fallback") and f["edge_nodes"] < n_nodes

def check(frames, t_load, t_end, hammer):
    assert frames, "no frames logged"
    n_nodes = max(f["edge_nodes"] for f in frames)
    ids = [f["frame"] for f in frames]
    assert ids == list(range(len(ids))), "frames lost or duplicated"
    before = [f for f in frames if f["unix_s"] < t_load]
    during = [f for f in frames if t_load + 4 <= f["unix_s"] < t_end]
    after = [f for f in frames if f["unix_s"] >= t_end]
    print(f"hammer: {hammer.stdout.strip()[:300]}")
    print(f"frames: {len(before)} before the load, {len(during)} during (after 4 s), {len(after)} after")
    assert before and uses_cloud(before[-1], n_nodes), f"before the load the plan should use the cloud: {before[-1:]}"
    on_edge = [f for f in during if not uses_cloud(f, n_nodes)]
    print(f"during the load: {len(on_edge)} of {len(during)} frames finished on the edge "
          f"(fc up to {max((f['fc'] for f in during), default=0):.2f})")
    assert during and len(on_edge) >= 0.7 * len(during), "plans did not move to the edge under load"
    back = next((f for f in after if uses_cloud(f, n_nodes)), None)
    assert back is not None, "plans did not come back to the cloud after the load"
    print(f"back to cloud plans {back['unix_s'] - t_end:.2f} s after the load ended")
    return 0

if __name__ == "__main__":
    sys.exit(main())
