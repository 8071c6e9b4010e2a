#!/usr/bin/python3
"""Interop test: an independent KServe v2 client against `edgecut serve`.

The client is written from the protocol alone: Python stubs generated at test
time from src/net/proto/grpc_service.proto with grpc_tools.protoc, no edgecut
code. For each model it
  - writes plans (cloud-only, edge-only, `edgecut plan`'s, and random
    predecessor-closed sets cut inside inception / dense blocks) and replays
    each with `edgecut exec --dump`, which writes the crossing tensors and the
    outputs as raw files plus manifest.json;
  - starts `edgecut serve MODEL --listen 127.0.0.1:0` and calls ServerLive,
    ServerReady, ServerMetadata, ModelMetadata, RepositoryIndex,
    RepositoryModelLoad (each plan's tail) and ModelInfer (the whole model on
    the graph inputs, each tail on its crossing tensors): every output must be
    bit-exact equal to the dumped one;
then checks bad input (unknown model, wrong tensor name / dtype / shape / raw
size, a message over --max-message-bytes, a client that cancels mid-call) and
that SIGTERM stops the server with exit 0 within 10 s.

Usage: interop_test.py --edgecut BIN --proto grpc_service.proto [--fixtures DIR]
       [--models zoo:googlenet@96/4,...] [--seed N] [--keep]
Exits 0 when every check passed, 1 otherwise, 77 (skip) when python3-grpcio
or python3-grpc-tools is missing.
"""
import argparse
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

SKIP = 77
DEFAULT_MODELS = ["zoo:googlenet@96/4", "zoo:densenet121@64/4"]
FIXTURE_MODELS = "googlenet"  # torchvision exports used when the fixture exists


class Checker:
    """Counts checks; a failed check is reported and the test goes on."""

    def __init__(self, verbose=False):
        self.passed = 0
        self.failed = []
        self.verbose = verbose

    def check(self, cond, what):
        if cond:
            self.passed += 1
        else:
            self.failed.append(what)
            print(f"FAIL: {what}", flush=True)
        return cond

    def status(self, call, want_code, what, must_name=None):
        """Runs call(), which must fail with gRPC status `want_code`."""
        import grpc
        try:
            call()
        except grpc.RpcError as e:
            ok = e.code() == want_code
            msg = e.details() or ""
            if self.verbose:
                print(f"  {what}: {e.code().name}: {msg[:300]}", flush=True)
            if must_name is not None:
                ok = ok and must_name in msg
            return self.check(ok, f"{what}: got {e.code().name} '{msg}', want {want_code.name}"
                              + (f" naming '{must_name}'" if must_name else ""))
        return self.check(False, f"{what}: succeeded, want {want_code.name}")


def import_grpc():
    try:
        import grpc  # noqa: F401
        from grpc_tools import protoc  # noqa: F401
    except ImportError as e:
        print(f"SKIP: the interop test needs python3-grpcio and python3-grpc-tools ({e}); "
              "install them with: apt-get install python3-grpcio python3-grpc-tools")
        sys.exit(SKIP)


def generate_stubs(proto, out_dir):
    from grpc_tools import protoc
    inc = os.path.dirname(os.path.abspath(proto))
    rc = protoc.main(["protoc", f"-I{inc}", f"--python_out={out_dir}", f"--grpc_python_out={out_dir}",
                      os.path.abspath(proto)])
    if rc != 0:
        sys.exit(f"protoc failed on {proto} (exit {rc})")
    sys.path.insert(0, out_dir)
    import grpc_service_pb2 as pb
    import grpc_service_pb2_grpc as pb_grpc
    return pb, pb_grpc


def run(cmd, timeout=600):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=timeout)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)}: exit {r.returncode}: {r.stderr.strip()}")
    return r.stdout


# ---- plans -------------------------------------------------------------------

def predecessors(inspect):
    values = {v["id"]: v for v in inspect["values"]}
    preds = {}
    for n in inspect["nodes"]:
        preds[n["id"]] = {values[x]["producer"] for x in n["inputs"]
                          if not values[x]["is_weight"] and values[x]["producer"] >= 0}
    return preds


def closure(seeds, preds):
    out, stack = set(), list(seeds)
    while stack:
        v = stack.pop()
        if v not in out:
            out.add(v)
            stack.extend(preds[v])
    return sorted(out)


def random_plans(inspect, rng, count):
    """Ancestor closures of 1-3 random nodes of one block: cuts inside blocks,
    most of them crossed by several tensors."""
    preds = predecessors(inspect)
    ids = [n["id"] for n in inspect["nodes"]]
    blocks = [b["interior"] for b in inspect["blocks"] if len(b["interior"]) >= 4]
    plans = []
    for i in range(count):
        pool = rng.choice(blocks) if blocks else ids
        seeds = rng.sample(pool, min(len(pool), 1 + i % 3))
        plans.append({"algo": f"random{i}", "edge_nodes": closure(seeds, preds)})
    return plans


def make_plans(edgecut, model, work, rng, count):
    inspect = json.loads(run([edgecut, "inspect", model, "--json"]))
    planned = os.path.join(work, "planned.json")
    run([edgecut, "plan", model, "--algo", "all", "--bandwidth", "20Mbps", "-o", planned])
    with open(planned) as f:
        base = json.load(f)
    if base["model_hash"] != inspect["hash"]:
        raise RuntimeError(f"plan file hash {base['model_hash']} != inspect's {inspect['hash']}")
    n = len(inspect["nodes"])
    plans = [{"algo": "cloud-only", "edge_nodes": []}, {"algo": "edge-only", "edge_nodes": list(range(n))}]
    seen = {(): True}
    for p in base["plans"] + random_plans(inspect, rng, count):
        key = tuple(p["edge_nodes"])
        if p.get("valid", True) and key not in seen and 0 < len(key) < n:
            seen[key] = True
            plans.append({"algo": p["algo"], "edge_nodes": p["edge_nodes"]})
    path = os.path.join(work, "plans.json")
    with open(path, "w") as f:
        json.dump({"model": base["model"], "model_hash": base["model_hash"], "plans": plans}, f)
    return path, plans, base["model_hash"]


def dump_plans(edgecut, model, plan_path, plans, work):
    dumps = []
    for i, p in enumerate(plans):
        d = os.path.join(work, f"dump{i}")
        run([edgecut, "exec", model, "--plan", plan_path, "--index", str(i), "--repeat", "1", "--dump", d])
        with open(os.path.join(d, "manifest.json")) as f:
            m = json.load(f)
        m["dir"], m["algo"] = d, p["algo"]
        dumps.append(m)
    return dumps


def read_file(dump, entry):
    with open(os.path.join(dump["dir"], entry["file"]), "rb") as f:
        return f.read()


# ---- server ------------------------------------------------------------------

class Server:
    """`edgecut serve` as a subprocess; the address comes from its first line."""

    def __init__(self, edgecut, model, extra=()):
        self.proc = subprocess.Popen([edgecut, "serve", model, "--listen", "127.0.0.1:0", *extra],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        m = re.match(r"listening on (\S+:\d+) ", line)
        if not m:
            self.proc.kill()
            raise RuntimeError(f"edgecut serve {model}: no 'listening on' line: "
                               f"{line!r} {self.proc.stderr.read()!r}")
        self.address = m.group(1)

    def stop(self, timeout=10.0):
        """SIGTERM by pid; the exit code, or None when it did not exit in time."""
        os.kill(self.proc.pid, signal.SIGTERM)
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return None


def connect(address, max_bytes=1 << 30):
    import grpc
    opts = [("grpc.max_receive_message_length", max_bytes), ("grpc.max_send_message_length", max_bytes)]
    channel = grpc.insecure_channel(address, options=opts)
    grpc.channel_ready_future(channel).result(timeout=30)
    return channel


def infer_request(pb, model, tensors):
    """tensors: [(name, datatype, shape, raw bytes)]"""
    req = pb.ModelInferRequest(model_name=model, id="interop")
    for name, dt, shape, raw in tensors:
        req.inputs.add(name=name, datatype=dt, shape=shape)
        req.raw_input_contents.append(raw)
    return req


def dump_tensors(dump, key):
    return [(e["name"], e["datatype"], e["shape"], read_file(dump, e)) for e in dump[key]]


# ---- checks ------------------------------------------------------------------

def same_specs(meta_tensors, entries):
    got = sorted((t.name, t.datatype, list(t.shape)) for t in meta_tensors)
    want = sorted((e["name"], e["datatype"], list(e["shape"])) for e in entries)
    return got == want


def check_outputs(c, resp, dump, what):
    """Every output in the response equals the dumped graph output of that name, bit for bit."""
    want = {e["name"]: (e, read_file(dump, e)) for e in dump["outputs"]}
    c.check(len(resp.outputs) == len(resp.raw_output_contents) and len(resp.outputs) > 0,
            f"{what}: {len(resp.outputs)} outputs, {len(resp.raw_output_contents)} raw contents")
    for meta, raw in zip(resp.outputs, resp.raw_output_contents):
        if not c.check(meta.name in want, f"{what}: unexpected output '{meta.name}'"):
            continue
        e, data = want[meta.name]
        c.check(meta.datatype == e["datatype"] and list(meta.shape) == e["shape"],
                f"{what}: output '{meta.name}' is {meta.datatype} {list(meta.shape)}, "
                f"dump has {e['datatype']} {e['shape']}")
        c.check(raw == data, f"{what}: output '{meta.name}' differs from the dump ({len(raw)} vs {len(data)} bytes)")
    c.check("edgecut_compute_us" in resp.parameters, f"{what}: no edgecut_compute_us parameter")


def check_health(c, pb, stub, model):
    c.check(stub.ServerLive(pb.ServerLiveRequest(), timeout=10).live, "ServerLive")
    c.check(stub.ServerReady(pb.ServerReadyRequest(), timeout=10).ready, "ServerReady")
    meta = stub.ServerMetadata(pb.ServerMetadataRequest(), timeout=10)
    c.check(meta.name == "edgecut" and "model_repository" in meta.extensions,
            f"ServerMetadata: {meta.name} {list(meta.extensions)}")
    index = stub.RepositoryIndex(pb.RepositoryIndexRequest(), timeout=10)
    states = {m.name: m.state for m in index.models}
    c.check(states.get(model) == "READY", f"RepositoryIndex: {states}")


def check_whole(c, pb, stub, dump):
    """The whole model on the graph inputs (a cloud-only dump's crossing tensors)."""
    model = dump["model"]
    meta = stub.ModelMetadata(pb.ModelMetadataRequest(name=model), timeout=10)
    c.check(meta.name == model, f"ModelMetadata name {meta.name}")
    c.check(same_specs(meta.inputs, dump["crossing"]), f"ModelMetadata {model}: inputs {meta.inputs}")
    c.check(same_specs(meta.outputs, dump["outputs"]), f"ModelMetadata {model}: outputs {meta.outputs}")
    resp = stub.ModelInfer(infer_request(pb, model, dump_tensors(dump, "crossing")), timeout=120)
    check_outputs(c, resp, dump, f"{model} whole")


def check_tail(c, pb, stub, dump, model_hash):
    tail, what = dump["tail_model"], f"{dump['model']} plan {dump['algo']}"
    req = pb.RepositoryModelLoadRequest(model_name=tail)
    req.parameters["edge_nodes"].string_param = dump["edge_nodes"]
    req.parameters["model_hash"].string_param = model_hash
    stub.RepositoryModelLoad(req, timeout=120)
    meta = stub.ModelMetadata(pb.ModelMetadataRequest(name=tail), timeout=10)
    c.check(same_specs(meta.inputs, dump["crossing"]), f"{what}: tail inputs {list(meta.inputs)}")
    resp = stub.ModelInfer(infer_request(pb, tail, dump_tensors(dump, "crossing")), timeout=120)
    c.check(resp.model_name == tail, f"{what}: response names {resp.model_name}")
    check_outputs(c, resp, dump, what)
    return len(dump["crossing"])


def check_bad_input(c, pb, stub, dump):
    """dump: a cloud-only dump (its crossing tensors are the whole model's inputs)."""
    import grpc
    model = dump["model"]
    good = dump_tensors(dump, "crossing")
    name, dt, shape, raw = good[0]
    bad = "edgecut.no_such_model"
    c.status(lambda: stub.ModelInfer(infer_request(pb, bad, good), timeout=10),
             grpc.StatusCode.NOT_FOUND, "unknown model (ModelInfer)", bad)
    c.status(lambda: stub.ModelMetadata(pb.ModelMetadataRequest(name=bad), timeout=10),
             grpc.StatusCode.NOT_FOUND, "unknown model (ModelMetadata)", bad)
    tail = bad + ".tail.0123456789abcdef"
    c.status(lambda: stub.ModelInfer(infer_request(pb, tail, good), timeout=10),
             grpc.StatusCode.NOT_FOUND, "unknown tail (ModelInfer)", tail)
    cases = [
        ("wrong tensor name", [("not_" + name, dt, shape, raw)] + good[1:], "not_" + name),
        ("wrong dtype", [(name, "INT32" if dt != "INT32" else "FP32", shape, raw)] + good[1:], name),
        ("wrong shape", [(name, dt, list(reversed(shape)) + [1], raw)] + good[1:], name),
        ("raw size", [(name, dt, shape, raw[:-1])] + good[1:], name),
        ("missing tensor", good[1:], name),
    ]
    for what, tensors, must_name in cases:
        c.status(lambda: stub.ModelInfer(infer_request(pb, model, tensors), timeout=30),
                 grpc.StatusCode.INVALID_ARGUMENT, what, must_name)
    probe = infer_request(pb, "edgecut.probe", [("payload", "FP32", [4], b"\0" * 16)])
    c.status(lambda: stub.ModelInfer(probe, timeout=10), grpc.StatusCode.INVALID_ARGUMENT, "probe dtype")
    load = pb.RepositoryModelLoadRequest(model_name=model + ".tail.0000000000000000")
    load.parameters["edge_nodes"].string_param = "0-2"
    load.parameters["model_hash"].string_param = "wrong"
    c.status(lambda: stub.RepositoryModelLoad(load, timeout=30), grpc.StatusCode.FAILED_PRECONDITION,
             "tail for a different model hash")
    # The server still answers correctly after all of that.
    resp = stub.ModelInfer(infer_request(pb, model, good), timeout=120)
    check_outputs(c, resp, dump, f"{model} after bad input")


def probe_request(pb, n):
    return infer_request(pb, "edgecut.probe", [("payload", "UINT8", [n], os.urandom(16) * (n // 16))])


def check_limits_and_cancel(c, pb, edgecut, model):
    """A server with a small message limit; oversized and cancelled calls."""
    import grpc
    server = Server(edgecut, model, ["--max-message-bytes", "1000000"])
    try:
        stub = connect_stub(pb, server.address)
        stub.ModelInfer(probe_request(pb, 4096), timeout=10)
        c.status(lambda: stub.ModelInfer(probe_request(pb, 4 << 20), timeout=30),
                 grpc.StatusCode.RESOURCE_EXHAUSTED, "message over --max-message-bytes")
        c.check(stub.ServerLive(pb.ServerLiveRequest(), timeout=10).live, "live after an oversized message")
        stub.ModelInfer(probe_request(pb, 4096), timeout=10)
        c.passed += 1
    finally:
        c.check(server.stop() == 0, "limited server: SIGTERM exit 0 within 10 s")
    server = Server(edgecut, model)
    try:
        stub = connect_stub(pb, server.address)
        big = probe_request(pb, 128 << 20)
        for t in (0.005, 0.02, 0.05):  # a deadline that expires mid-upload
            c.status(lambda: stub.ModelInfer(big, timeout=t), grpc.StatusCode.DEADLINE_EXCEEDED,
                     f"{t * 1000:g} ms deadline on a 128 MB request")
        fut = stub.ModelInfer.future(big, timeout=60)  # an explicit cancel mid-call
        time.sleep(0.01)
        fut.cancel()
        c.check(fut.cancelled() or fut.done(), "cancelled future")
        resp = stub.ModelInfer(big, timeout=120)
        c.check(resp.model_name == "edgecut.probe", "a 128 MB probe works after cancelled calls")
        c.check(stub.ServerLive(pb.ServerLiveRequest(), timeout=10).live, "live after cancelled calls")
    finally:
        c.check(server.stop() == 0, "server: SIGTERM exit 0 within 10 s after cancelled calls")


def connect_stub(pb, address):
    import grpc_service_pb2_grpc as pb_grpc
    return pb_grpc.GRPCInferenceServiceStub(connect(address))


# ---- driver ------------------------------------------------------------------

def test_model(c, pb, args, model, work, rng):
    os.makedirs(work, exist_ok=True)
    t0 = time.time()
    plan_path, plans, model_hash = make_plans(args.edgecut, model, work, rng, args.random_plans)
    dumps = dump_plans(args.edgecut, model, plan_path, plans, work)
    cloud_only = dumps[0]
    c.check(cloud_only["tail_model"] and dumps[1]["tail_model"] == "", f"{model}: tail names {cloud_only['tail_model']}")
    server = Server(args.edgecut, model)
    crossings = []
    try:
        stub = connect_stub(pb, server.address)
        check_health(c, pb, stub, cloud_only["model"])
        check_whole(c, pb, stub, cloud_only)
        for d in dumps:
            if d["tail_model"]:
                crossings.append(check_tail(c, pb, stub, d, model_hash))
        index = stub.RepositoryIndex(pb.RepositoryIndexRequest(), timeout=10)
        names = {m.name for m in index.models}
        c.check(all(d["tail_model"] in names for d in dumps if d["tail_model"]), f"{model}: tails in the index")
        if args.bad_input:
            check_bad_input(c, pb, stub, cloud_only)
    finally:
        c.check(server.stop() == 0, f"{model}: SIGTERM exit 0 within 10 s")
    c.check(max(crossings, default=0) >= 3, f"{model}: no plan with 3+ crossing tensors ({crossings})")
    print(f"{model}: {len(dumps)} plans ({len(crossings)} tails, crossing tensors per tail {sorted(crossings)}), "
          f"bit-exact checks done in {time.time() - t0:.1f} s", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--edgecut", required=True)
    ap.add_argument("--proto", required=True)
    ap.add_argument("--fixtures", default="")
    ap.add_argument("--models", default=",".join(DEFAULT_MODELS))
    ap.add_argument("--fixture-models", default=FIXTURE_MODELS,
                    help="torchvision exports in --fixtures to test too (comma-separated; empty: none)")
    ap.add_argument("--random-plans", type=int, default=6)
    ap.add_argument("--seed", type=int, default=int(os.environ.get("EDGECUT_INTEROP_SEED", "1")))
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    ap.add_argument("--verbose", action="store_true", help="print the status of every refused call")
    args = ap.parse_args()
    import_grpc()
    work = tempfile.mkdtemp(prefix="edgecut_interop_")
    c = Checker(args.verbose)
    try:
        pb, _ = generate_stubs(args.proto, work)
        models = [m for m in args.models.split(",") if m]
        for name in [m for m in args.fixture_models.split(",") if m]:
            path = os.path.join(args.fixtures, name + ".onnx")
            if args.fixtures and os.path.exists(path):
                models.append(path)
            else:
                print(f"note: {path} not found (torchvision fixture): not tested", flush=True)
        rng = random.Random(args.seed)
        for i, model in enumerate(models):
            args.bad_input = i == 0
            try:
                test_model(c, pb, args, model, os.path.join(work, f"m{i}"), rng)
            except Exception as e:  # noqa: BLE001  (one model's error must not hide the others)
                c.check(False, f"{model}: {type(e).__name__}: {e}")
        try:
            check_limits_and_cancel(c, pb, args.edgecut, models[0])
        except Exception as e:  # noqa: BLE001
            c.check(False, f"limits / cancel: {type(e).__name__}: {e}")
    finally:
        if args.keep:
            print(f"work directory kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(f"interop: {c.passed} checks passed, {len(c.failed)} failed (seed {args.seed})")
    for f in c.failed:
        print(f"  failed: {f}")
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
