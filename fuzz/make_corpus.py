#!/usr/bin/python3
"""Writes the seed corpora of fuzz/ (committed; re-run only to change them).

  /usr/bin/python3 fuzz/make_corpus.py [EDGECUT_BINARY]

ONNX seeds are tiny hand-built models (a few nodes, KB-sized) that walk the
importer's paths: convs and pooling, joins, weights through Constant /
Identity, a Reshape whose target is computed (data propagation), a symbolic
batch dimension, and models it must refuse (If, a dangling input). Wire seeds
are KServe v2 messages that pass or just miss fuzz/wire_specs.h. Profile and
plan seeds are written by EDGECUT_BINARY for zoo:random1@16/32 (the model of
fuzz/fuzz_model.h), plus plans with split edge sets made from them.
Needs Debian's python3-onnx and python3-grpc-tools (/usr/bin/python3).
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")


def out(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def w(name, shape, seed=0):
    return numpy_helper.from_array(np.random.RandomState(seed).randn(*shape).astype(np.float32) * 0.1, name)


def model(nodes, inputs, outputs, inits=(), opset=13):
    g = helper.make_graph(nodes, "fuzzseed", inputs, outputs, list(inits))
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = 7
    return m.SerializeToString()


def onnx_seeds():
    f = TensorProto.FLOAT
    x = helper.make_tensor_value_info("input", f, [1, 3, 4, 4])
    xn = helper.make_tensor_value_info("input", f, ["N", 3, 4, 4])
    y = helper.make_tensor_value_info("output", f, None)
    out("onnx_import_fuzz", "conv_pool_gemm.onnx", model([
        helper.make_node("Conv", ["input", "w0", "b0"], ["c0"], name="conv0", pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c0"], ["r0"], name="relu0"),
        helper.make_node("MaxPool", ["r0"], ["p0"], name="pool0", kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Flatten", ["p0"], ["f0"], name="flat0"),
        helper.make_node("Gemm", ["f0", "w1", "b1"], ["output"], name="fc0", transB=1),
    ], [x], [y], [w("w0", [2, 3, 3, 3]), w("b0", [2]), w("w1", [5, 8]), w("b1", [5])]))
    out("onnx_import_fuzz", "joins_bn_softmax.onnx", model([
        helper.make_node("Conv", ["input", "w0"], ["a"], name="conva", pads=[1, 1, 1, 1]),
        helper.make_node("Conv", ["input", "w1"], ["b"], name="convb"),
        helper.make_node("BatchNormalization", ["b", "s", "bb", "m", "v"], ["bn"], name="bn"),
        helper.make_node("Add", ["a", "bn"], ["s0"], name="add"),
        helper.make_node("Concat", ["s0", "a"], ["cat"], name="cat", axis=1),
        helper.make_node("GlobalAveragePool", ["cat"], ["gap"], name="gap"),
        helper.make_node("Flatten", ["gap"], ["fl"], name="flat"),
        helper.make_node("Softmax", ["fl"], ["output"], name="softmax", axis=1),
    ], [x], [y], [w("w0", [2, 3, 3, 3]), w("w1", [2, 3, 1, 1], 1), w("s", [2], 2), w("bb", [2], 3),
                  w("m", [2], 4), numpy_helper.from_array(np.ones(2, np.float32), "v")]))
    out("onnx_import_fuzz", "constant_reshape_batch.onnx", model([
        helper.make_node("Constant", [], ["k"], name="const",
                         value=numpy_helper.from_array(np.array([0, -1], np.int64))),
        helper.make_node("Identity", ["w0"], ["w0i"], name="ident"),
        helper.make_node("Conv", ["input", "w0i"], ["c"], name="conv", pads=[1, 1, 1, 1]),
        helper.make_node("Shape", ["c"], ["sh"], name="shape"),
        helper.make_node("Gather", ["sh", "zero"], ["n"], name="gather", axis=0),
        helper.make_node("Unsqueeze", ["n", "axes"], ["n1"], name="unsq"),
        helper.make_node("Concat", ["n1", "minus1"], ["tgt"], name="tgtcat", axis=0),
        helper.make_node("Reshape", ["c", "tgt"], ["rs"], name="reshape"),
        helper.make_node("Reshape", ["rs", "k"], ["output"], name="reshape2"),
    ], [xn], [y], [w("w0", [2, 3, 3, 3]), numpy_helper.from_array(np.array(0, np.int64), "zero"),
                   numpy_helper.from_array(np.array([0], np.int64), "axes"),
                   numpy_helper.from_array(np.array([-1], np.int64), "minus1")]))
    then_g = helper.make_graph([helper.make_node("Identity", ["input"], ["t"])], "then", [],
                               [helper.make_tensor_value_info("t", f, [1, 3, 4, 4])])
    out("onnx_import_fuzz", "refused_if.onnx", model([
        helper.make_node("ReduceSum", ["input"], ["s"], name="sum", keepdims=0),
        helper.make_node("Cast", ["s"], ["cond"], name="cast", to=TensorProto.BOOL),
        helper.make_node("If", ["cond"], ["output"], name="if", then_branch=then_g, else_branch=then_g),
    ], [x], [y]))
    out("onnx_import_fuzz", "refused_dangling.onnx", model([
        helper.make_node("Add", ["input", "nowhere"], ["output"], name="add"),
    ], [x], [y]))


def wire_seeds(pb):
    def tensor(msg, name, dt, shape, raw, contents):
        t = msg.add()
        t.name, t.datatype = name, dt
        t.shape.extend(shape)
        contents.append(raw)
    good = [("input", "FP32", [1, 3, 2, 2], bytes(48)), ("ids", "INT64", [2], bytes(16)),
            ("mask", "BOOL", [1, 0], b""), ("scale", "FP16", [], b"\x00\x3c")]
    variants = {
        "valid": good,
        "reordered": good[::-1],
        "wrong_shape": [good[0], ("ids", "INT64", [3], bytes(16))] + good[2:],
        "short_raw": [("input", "FP32", [1, 3, 2, 2], bytes(47))] + good[1:],
        "missing": good[:2],
        "repeated": good + good[:1],
        "wrong_dtype": [("input", "FP16", [1, 3, 2, 2], bytes(24))] + good[1:],
    }
    for name, tensors in variants.items():
        q = pb.ModelInferRequest(model_name="random1.tail.00ff00ff00ff00ff", id="1")
        for n, dt, shape, raw in tensors:
            tensor(q.inputs, n, dt, shape, raw, q.raw_input_contents)
        q.parameters["edgecut_compute_us"].int64_param = 5
        out("wire_request_fuzz", name + ".pb", q.SerializeToString())
        r = pb.ModelInferResponse(model_name="random1", id="1")
        for n, dt, shape, raw in tensors:
            tensor(r.outputs, n, dt, shape, raw, r.raw_output_contents)
        r.parameters["edgecut_compute_us"].int64_param = 1200
        r.parameters["edgecut_queue_us"].int64_param = 30
        out("wire_response_fuzz", name + ".pb", r.SerializeToString())
    q = pb.ModelInferRequest(model_name="edgecut.probe")
    tensor(q.inputs, "payload", "UINT8", [5], b"probe", q.raw_input_contents)
    out("wire_request_fuzz", "probe.pb", q.SerializeToString())
    # Structure-aware target: its own byte layout; a few varied blobs.
    for i, blob in enumerate([bytes(range(64)), b"\x01" * 80, b"\xff\x00" * 40, os.urandom(0) + b"model\x04"]):
        out("wire_request_structured_fuzz", f"seed{i}", blob)
    for name, ranges in [("prefix", "0-3"), ("single", "0"), ("ranges", "0-2,4,6-9"), ("all", "0-21"),
                         ("bad_order", "5,3"), ("out_of_range", "0-99")]:
        q = pb.RepositoryModelLoadRequest(model_name="random1.tail.0123456789abcdef")
        q.parameters["edge_nodes"].string_param = ranges
        q.parameters["model_hash"].string_param = "0000000000000000"
        out("repository_load_fuzz", name + ".pb", q.SerializeToString())


def json_seeds(edgecut):
    spec = "zoo:random1@16/32"
    with tempfile.TemporaryDirectory() as d:
        def run(*a):
            subprocess.run([edgecut, *a], check=True, stdout=subprocess.DEVNULL)
        ep, cp = os.path.join(d, "edge.json"), os.path.join(d, "cloud.json")
        run("profile", spec, "--estimate", "--gflops", "0.05", "--overhead-us", "1", "-o", ep)
        run("profile", spec, "--estimate", "--gflops", "400", "--device", "cloud", "-o", cp)
        pa = os.path.join(d, "plans.json")
        run("plan", spec, "--edge-profile", ep, "--cloud-profile", cp, "-a", "all", "-b", "20Mbps", "-o", pa)
        for src, name in [(ep, "edge.json"), (cp, "cloud.json")]:
            out("profile_json_fuzz", name, open(src).read())
        plans = json.load(open(pa))
    out("plan_json_fuzz", "all_algos.json", json.dumps(plans, indent=1))
    edge_only = next(p for p in plans["plans"] if p["algo"] == "edge-only")
    split = dict(plans)
    split["plans"] = []
    for k in (1, 3, 8, 15):  # node ids are topological: a prefix is predecessor-closed
        p = dict(edge_only, algo=f"prefix{k}", edge_nodes=edge_only["edge_nodes"][:k],
                 edge_node_names=edge_only["edge_node_names"][:k])
        split["plans"].append(p)
    out("plan_json_fuzz", "split_prefixes.json", json.dumps(split))


def main():
    onnx_seeds()
    with tempfile.TemporaryDirectory() as d:
        proto_dir = os.path.join(HERE, "..", "src", "net", "proto")
        subprocess.run([sys.executable, "-m", "grpc_tools.protoc", "-I", proto_dir, "--python_out", d,
                        os.path.join(proto_dir, "grpc_service.proto")], check=True)
        sys.path.insert(0, d)
        import grpc_service_pb2
        wire_seeds(grpc_service_pb2)
    if len(sys.argv) > 1:
        json_seeds(sys.argv[1])


if __name__ == "__main__":
    main()
