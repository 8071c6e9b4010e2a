#!/usr/bin/python3
"""`edgecut run` against an independent KServe v2 server that knows nothing of edgecut.

The server is written here from the protocol specification alone: Python gRPC
stubs generated at test time from src/net/proto/grpc_service.proto, configs
read with protobuf's text format against src/net/proto/model_config.proto
(Triton's schema), OpenCV's cv2.dnn as its engine, Triton's model control
mode "none" (every model of the repository loaded at start, loads of anything
else refused), and no edgecut extension: no edgecut_tails, no timing
parameters, no probe model.

It serves the repository that `edgecut export-tails` wrote for a plan file
(cloud-only, interior plans, edge-only). Then `edgecut run --algo
fixed:PLANS.json` on vtest.avi:
  - says at start that the plan whose tail was not exported is dropped (naming
    its tail) and that the server reports no timing parameters;
  - at a fast link runs cloud-only, at a slow one edge-only, and with a plan
    set of one interior plan runs that plan through its ready tail, never
    asking the server to load or build anything;
  - loses no frame (no fallback), and every frame's top-5 classes and
    scores equal an edge-only run of the same frames within the
    engines' tolerance (the server runs the tail as its own OpenCV net);
  - against a repository without the whole model, refuses to start, naming it.
With --shaped (root): `edgecut demo --cloud-command` runs this server (--serve)
in the cloud's network namespace, the link shaped by tbf at 50, then 0.3, then
50 Mbit/s; the edge switches among the exported plans with the link (a cut or
cloud-only at 50, edge-only at 0.3, back to a cut once probes, timed by the
server's refusal of the probe model, see the link again), and every frame's
top-5 equals the edge-only run of the same video frame.
Usage: stock_v2_test.py --edgecut BIN --proto-dir src/net/proto [--model zoo:googlenet@128/2] [--shaped]
       stock_v2_test.py --proto-dir DIR --serve REPO --listen HOST:PORT   (the server alone)
Exits 0 when every check passed, 1 otherwise, 77 (skip) without python3-grpcio,
grpc-tools, opencv or onnx.
"""
import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from concurrent import futures

SKIP = 77
VTEST = "/usr/share/doc/opencv-doc/examples/data/vtest.avi"
FRAMES = 6
TOLERANCE = 1e-3  # class scores (logits), the two engines' float rounding apart


def load_modules(proto_dir, out_dir):
    try:
        import cv2  # noqa: F401
        import grpc  # noqa: F401
        import numpy  # noqa: F401
        import onnx  # noqa: F401
        from grpc_tools import protoc
    except ImportError as e:
        print(f"SKIP: needs python3-grpcio, python3-grpc-tools, python3-opencv, python3-onnx ({e})")
        sys.exit(SKIP)
    for proto, grpc_out in (("grpc_service.proto", True), ("model_config.proto", False)):
        args = ["protoc", f"-I{proto_dir}", f"--python_out={out_dir}"]
        if grpc_out:
            args.append(f"--grpc_python_out={out_dir}")
        if protoc.main(args + [os.path.join(proto_dir, proto)]) != 0:
            sys.exit(f"protoc failed on {proto}")
    sys.path.insert(0, out_dir)


V2_TYPES = {"TYPE_FP32": ("FP32", "float32"), "TYPE_INT64": ("INT64", "int64"), "TYPE_UINT8": ("UINT8", "uint8")}


class ServedModel:
    """One repository entry: its config and a cv2.dnn net of its model.onnx."""

    def __init__(self, folder, config):
        import cv2
        import onnx
        self.config = config
        path = os.path.join(folder, "1", "model.onnx")
        # OpenCV names a layer "onnx_node!<node name>"; output k > 0 of a node is "<layer>.k".
        layer = {}
        for node in onnx.load(path, load_external_data=False).graph.node:
            for k, out in enumerate(node.output):
                base = f"onnx_node!{node.name}" if node.name else out
                layer[out] = base if k == 0 else f"{base}.{k}"
        self.forward_names = [layer[o.name] for o in config.output]
        self.net = cv2.dnn.readNetFromONNX(path)
        self.lock = threading.Lock()

    @staticmethod
    def dims(t):
        return list(t.reshape.shape) if t.HasField("reshape") else list(t.dims)

    def run(self, arrays):
        with self.lock:
            for name, a in arrays.items():
                self.net.setInput(a, name)
            return self.net.forward(self.forward_names)


class Repository:
    """Triton's layout, model control "none": everything loaded at start."""

    def __init__(self, root):
        import model_config_pb2 as mc
        from google.protobuf import text_format
        self.models = {}
        for name in sorted(os.listdir(root)):
            cfg_path = os.path.join(root, name, "config.pbtxt")
            if not os.path.isfile(cfg_path):
                continue
            with open(cfg_path) as f:
                cfg = text_format.Parse(f.read(), mc.ModelConfig())
            if cfg.name != name:
                raise RuntimeError(f"{cfg_path} names {cfg.name}")
            self.models[name] = ServedModel(os.path.join(root, name), cfg)
        self.calls = {"load": 0, "infer": {}}


def make_servicer(pb, pb_grpc, repo):
    import grpc
    import model_config_pb2 as mc
    import numpy as np

    def tensor_meta(t):
        return pb.ModelMetadataResponse.TensorMetadata(
            name=t.name, datatype=V2_TYPES[mc.DataType.Name(t.data_type)][0], shape=ServedModel.dims(t))

    class Servicer(pb_grpc.GRPCInferenceServiceServicer):
        def ServerLive(self, req, ctx):
            return pb.ServerLiveResponse(live=True)

        def ServerReady(self, req, ctx):
            return pb.ServerReadyResponse(ready=True)

        def ServerMetadata(self, req, ctx):
            return pb.ServerMetadataResponse(name="python-v2", version="1", extensions=["model_repository"])

        def ModelReady(self, req, ctx):
            return pb.ModelReadyResponse(ready=req.name in repo.models)

        def ModelMetadata(self, req, ctx):
            m = repo.models.get(req.name)
            if m is None:
                ctx.abort(grpc.StatusCode.NOT_FOUND, f"model '{req.name}' is not in the repository")
            return pb.ModelMetadataResponse(name=req.name, versions=["1"], platform=m.config.platform,
                                            inputs=[tensor_meta(t) for t in m.config.input],
                                            outputs=[tensor_meta(t) for t in m.config.output])

        def RepositoryIndex(self, req, ctx):
            return pb.RepositoryIndexResponse(models=[pb.RepositoryIndexResponse.ModelIndex(
                name=n, version="1", state="READY") for n in repo.models])

        def RepositoryModelLoad(self, req, ctx):
            repo.calls["load"] += 1
            if req.model_name not in repo.models:
                ctx.abort(grpc.StatusCode.FAILED_PRECONDITION,
                          f"model control mode none: '{req.model_name}' is not in the repository")
            return pb.RepositoryModelLoadResponse()

        def ModelInfer(self, req, ctx):
            m = repo.models.get(req.model_name)
            if m is None:
                ctx.abort(grpc.StatusCode.NOT_FOUND, f"model '{req.model_name}' is not in the repository")
            want = {t.name: t for t in m.config.input}
            if len(req.inputs) != len(want) or len(req.raw_input_contents) != len(req.inputs):
                ctx.abort(grpc.StatusCode.INVALID_ARGUMENT, f"{req.model_name}: {len(want)} inputs expected")
            arrays = {}
            for t, raw in zip(req.inputs, req.raw_input_contents):
                spec = want.get(t.name)
                if spec is None or t.datatype != "FP32" or list(t.shape) != ServedModel.dims(spec):
                    ctx.abort(grpc.StatusCode.INVALID_ARGUMENT, f"{req.model_name}: bad input '{t.name}'")
                a = np.frombuffer(raw, dtype="<f4")
                if a.size != int(np.prod(t.shape)):
                    ctx.abort(grpc.StatusCode.INVALID_ARGUMENT, f"{req.model_name}: '{t.name}' raw size")
                arrays[t.name] = a.reshape(list(t.shape)).copy()
            outs = m.run(arrays)
            repo.calls["infer"][req.model_name] = repo.calls["infer"].get(req.model_name, 0) + 1
            resp = pb.ModelInferResponse(model_name=req.model_name, model_version="1", id=req.id)
            for o, value in zip(m.config.output, outs):
                value = np.ascontiguousarray(value, dtype="<f4").reshape(ServedModel.dims(o))
                resp.outputs.add(name=o.name, datatype="FP32", shape=ServedModel.dims(o))
                resp.raw_output_contents.append(value.tobytes())
            return resp

    return Servicer()


def start_server(pb, pb_grpc, root, listen="127.0.0.1:0"):
    import grpc
    repo = Repository(root)
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4),
                         options=[("grpc.max_receive_message_length", 1 << 30),
                                  ("grpc.max_send_message_length", 1 << 30)])
    pb_grpc.add_GRPCInferenceServiceServicer_to_server(make_servicer(pb, pb_grpc, repo), server)
    port = server.add_insecure_port(listen)
    server.start()
    return server, repo, f"{listen.rsplit(':', 1)[0]}:{port}"


def serve_forever(proto_dir, root, listen):
    """The server alone, until SIGTERM (edgecut demo --cloud-command)."""
    import signal
    work = tempfile.mkdtemp(prefix="edgecut_stock_v2_serve_")
    try:
        load_modules(proto_dir, work)
        import grpc_service_pb2 as pb
        import grpc_service_pb2_grpc as pb_grpc
        server, _, address = start_server(pb, pb_grpc, root, listen)
        done = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: done.set())
        print(f"listening on {address}", flush=True)
        done.wait()
        server.stop(0)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def run(cmd, timeout=600):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=timeout)


def frames_of(log_path):
    """Per frame of `edgecut run --log`: (origin, edge nodes, fallback, [(class, score)])."""
    out = []
    with open(log_path) as f:
        for line in f:
            j = json.loads(line)
            top = [(int(c), float(s)) for c, s in j.get("task", {}).get("classes", [])]
            out.append((j["origin"], int(j["edge_nodes"]), bool(j["fallback"]), top))
    return out


def same_top(a, b):
    """Two top-5 lists agree within TOLERANCE; classes whose probabilities tie
    within it may trade places (or the fifth place) between engines."""
    if len(a) != len(b) or not a:
        return False
    pa, pb = dict(a), dict(b)
    for c in set(pa) | set(pb):
        if c in pa and c in pb:
            if abs(pa[c] - pb[c]) > TOLERANCE:
                return False
        elif (pa.get(c, -1) > min(pb.values()) + TOLERANCE) or (pb.get(c, -1) > min(pa.values()) + TOLERANCE):
            return False
    return True


def random_interior(edgecut, model, rng, count):
    inspect = json.loads(run([edgecut, "inspect", model, "--json"]).stdout)
    values = {v["id"]: v for v in inspect["values"]}
    preds = {n["id"]: {values[x]["producer"] for x in n["inputs"]
                       if not values[x]["is_weight"] and values[x]["producer"] >= 0} for n in inspect["nodes"]}
    topo = [n["id"] for n in inspect["nodes"]]
    plans = []
    while len(plans) < count:
        seed = rng.choice(topo[2:len(topo) // 3])
        out, stack = set(), [seed]
        while stack:
            v = stack.pop()
            if v not in out:
                out.add(v)
                stack.extend(preds[v])
        if sorted(out) not in plans:
            plans.append(sorted(out))
    return inspect, plans


def shaped_link(edgecut, model, proto_dir, work, repo, plans_path, n, check):
    """The plan follows the shaped link; outputs equal edge-only's frame by frame."""
    out = os.path.join(work, "demo")
    serve = (f"{sys.executable} {os.path.abspath(__file__)} --proto-dir {os.path.abspath(proto_dir)} "
             f"--serve {repo} --listen {{listen}}")
    phases = [(20, 50), (20, 0.3), (25, 50)]
    r = run([edgecut, "demo", "--model", model, "--algo", f"fixed:{plans_path}", "--out", out, "--json", "-q",
             "--phases", ",".join(f"{t}s@{m}Mbps" for t, m in phases), "--cloud-command", serve,
             "--run-arg=--engine", "--run-arg=opencv", "--run-arg=--cloud-gflops", "--run-arg=1000"], timeout=500)
    if r.returncode != 0:
        log = os.path.join(out, "server.log")
        tail = open(log).read()[-600:] if os.path.exists(log) else ""
        check(False, f"demo against the stock server: exit {r.returncode}: {r.stderr.strip()[-600:]} {tail}")
        return
    report = json.loads(r.stdout)
    log = []
    with open(os.path.join(out, "frames.jsonl")) as f:
        for line in f:
            j = json.loads(line)
            top = [(int(c), float(s)) for c, s in j.get("task", {}).get("classes", [])]
            log.append((int(j["frame"]), float(j["unix_s"]), int(j["edge_nodes"]), bool(j["fallback"]), top))
    for i, (p, (_, mbps)) in enumerate(zip(report["phases"], phases)):
        frames = [f for f in log if p["from_unix"] <= f[1] < p["to_unix"]]
        steady = frames[len(frames) // 2:]
        cut = sum(1 for f in steady if f[2] < n and not f[3])
        print(f"shaped phase {i} at {mbps} Mbit/s: {len(frames)} frames, {cut} of the second half's "
              f"{len(steady)} through the cloud; plans {p['plans']}", flush=True)
        check(len(steady) >= 3, f"phase {i}: {len(frames)} frames")
        if mbps >= 50:
            check(cut * 2 > len(steady), f"phase {i} at {mbps} Mbit/s: {cut} of {len(steady)} frames cut")
        else:
            check(cut == 0, f"phase {i} at {mbps} Mbit/s: {cut} of {len(steady)} frames still cut")
    # The same video frames edge-only, in one process (the demo loops the video).
    count = min(800, max(f[0] for f in log) + 1)
    ref_log = os.path.join(work, "shaped-edge-only.jsonl")
    ref = run([edgecut, "run", model, "--cloud", "127.0.0.1:1", "--source", VTEST, "--frames", str(count),
               "--engine", "opencv", "--algo", "edge-only", "--log", ref_log])  # no cloud there: none needed
    check(ref.returncode == 0, f"edge-only reference: exit {ref.returncode}: {ref.stderr.strip()[-400:]}")
    if ref.returncode != 0:
        return
    want = {k: w[3] for k, w in enumerate(frames_of(ref_log))}
    period = len(want)
    bad = [f for f in log if not same_top(f[4], want.get(f[0] % period, []))]
    print(f"shaped: {len(log)} frames, {len(bad)} whose top-5 differ from edge-only's", flush=True)
    check(not bad, f"{len(bad)} frames differ from edge-only, first: frame {bad[0][0] if bad else -1}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--edgecut")
    ap.add_argument("--proto-dir", required=True)
    ap.add_argument("--model", default="zoo:googlenet@128/2")  # over the CPU quota's 1-ms slice
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--shaped", action="store_true", help="the shaped-link check (root) instead")
    ap.add_argument("--serve", metavar="REPO", help="only serve REPO (Triton layout) on --listen")
    ap.add_argument("--listen", default="127.0.0.1:0")
    args = ap.parse_args()
    if args.serve:
        return serve_forever(args.proto_dir, args.serve, args.listen)
    if not args.edgecut:
        ap.error("--edgecut is required")
    if args.shaped and os.geteuid() != 0:
        print("SKIP: the shaped-link check needs root (network namespaces, tc, cgroups)")
        return SKIP
    if not os.path.exists(VTEST):
        print(f"SKIP: {VTEST} missing (Debian's opencv-doc)")
        return SKIP
    work = tempfile.mkdtemp(prefix="edgecut_stock_v2_")
    load_modules(args.proto_dir, work)
    import grpc_service_pb2 as pb
    import grpc_service_pb2_grpc as pb_grpc
    failures = []

    def check(cond, what):
        if not cond:
            failures.append(what)
            print(f"FAIL: {what}", flush=True)

    try:
        edgecut, model = args.edgecut, args.model
        inspect, interior = random_interior(edgecut, model, random.Random(22), 3)
        n = len(inspect["nodes"])
        exported = [[], interior[0], interior[1], list(range(n))]

        def plan_file(name, sets):
            path = os.path.join(work, name)
            with open(path, "w") as f:
                json.dump({"model": inspect["name"], "model_hash": inspect["hash"],
                           "plans": [{"algo": f"p{i}", "edge_nodes": s} for i, s in enumerate(sets)]}, f)
            return path

        repo = os.path.join(work, "repo")
        r = run([edgecut, "export-tails", model, "--plans", plan_file("exported.json", exported), "-o", repo])
        if r.returncode != 0:
            print(f"FAIL: export-tails: {r.stderr.strip()}")
            return 1
        if args.shaped:
            shaped_link(edgecut, model, args.proto_dir, work, repo, plan_file("shaped.json", exported), n, check)
            return finish(failures)
        server, served, address = start_server(pb, pb_grpc, repo)
        common = ["run", model, "--cloud", address, "--source", VTEST, "--frames", str(FRAMES), "--engine",
                  "opencv", "--emulate-edge", "0.02", "--cloud-gflops", "1000"]  # a slow edge: the cloud pays
        local_log = os.path.join(work, "edge-only.jsonl")
        local = run([edgecut, *common, "--algo", "edge-only", "--log", local_log])
        check(local.returncode == 0, f"edge-only run: exit {local.returncode}: {local.stderr.strip()[-400:]}")
        want = frames_of(local_log) if local.returncode == 0 else []
        check(len(want) == FRAMES and all(f[3] for f in want), f"edge-only run printed {len(want)} frames")

        def run_and_check(what, plans_path, bandwidth, origin_ok):
            log = os.path.join(work, f"run-{len(os.listdir(work))}.jsonl")
            r = run([edgecut, *common, "--algo", f"fixed:{plans_path}", "--bandwidth", bandwidth, "--log", log])
            check(r.returncode == 0, f"{what}: exit {r.returncode}: {r.stderr.strip()[-600:]}")
            got = frames_of(log) if r.returncode == 0 else []
            check(len(got) == FRAMES, f"{what}: {len(got)} frames")
            for k, (g, w) in enumerate(zip(got, want)):
                check(not g[2], f"{what}: frame {k} fell back")
                check(origin_ok(g), f"{what}: frame {k} ran {g[0]} with {g[1]} edge nodes")
                check(same_top(g[3], w[3]), f"{what}: frame {k} top-5 {g[3]} differs from edge-only's {w[3]}")
            return r

        # The plan file the edge gets has one plan more than was exported.
        plans_all = plan_file("plans.json", exported + [interior[2]])
        fast = run_and_check("1 Gbit/s", plans_all, "1Gbps", lambda f: f[1] == 0)
        dropped_tail = f"{inspect['name']}.tail."
        check("plan dropped: fixed#4" in fast.stderr and dropped_tail in fast.stderr,
              f"no start note on the dropped plan: {fast.stderr.strip()[-600:]}")
        check("reports no edgecut timing parameters" in fast.stderr,
              f"no start note on the missing timing: {fast.stderr.strip()[-600:]}")
        run_and_check("10 kbit/s", plans_all, "10kbps", lambda f: f[1] == n)
        one = plan_file("one.json", [interior[0], list(range(n))])
        run_and_check("interior plan", one, "1Gbps", lambda f: f[1] == len(interior[0]))
        tail = [t for t in served.models if t.startswith(inspect["name"] + ".tail.")]
        check(any(served.calls["infer"].get(t, 0) >= FRAMES for t in tail),
              f"no tail ran {FRAMES} frames on the server: {served.calls['infer']}")
        check(served.calls["load"] == 0, f"{served.calls['load']} RepositoryModelLoad call(s) to a server "
                                         "whose models are all ready")
        server.stop(0)

        shutil.rmtree(os.path.join(repo, inspect["name"]))
        server, served, address = start_server(pb, pb_grpc, repo)
        r = run([edgecut, "run", model, "--cloud", address, "--source", VTEST, "--frames", "1", "--engine", "opencv",
                 "--algo", f"fixed:{plans_all}"])
        check(r.returncode != 0 and f"lacks the whole model '{inspect['name']}'" in r.stderr,
              f"a server without the whole model: exit {r.returncode}: {r.stderr.strip()[-400:]}")
        server.stop(0)
    finally:
        if args.keep:
            print(f"work directory kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return finish(failures)


def finish(failures):
    print("PASS" if not failures else f"{len(failures)} failure(s)")
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
