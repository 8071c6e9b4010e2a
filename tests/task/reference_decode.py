#!/usr/bin/python3
"""Independent reference decoding for tests/task/reference_test.cpp.

  reference_decode.py CASE.json

CASE.json (written by the C++ test) names a model, its card, and per frame
the dumped input tensor, the model's raw outputs and what the C++ decoder
made of them. This script
  1. recomputes the preprocessed input from the video with its own OpenCV
     calls (resize, channel order, range, alpha) and requires it bit for bit;
  2. decodes the raw outputs itself, in numpy, from the npm packages' shader
     logic (no code shared with the C++ decoder):
       M-LSD  Shader/Postprocess.compute: a cell with score >= threshold is a
              segment; end points (cell + offset) * 2 / input size (y down,
              the Unity y flip undone);
       BlazeFace  Shaders/Postprocess1Kernel.hlsl: anchor (cell + .5) / cells,
              sigmoid scores > threshold, box and key points anchor + v / size;
              Postprocess2.compute: candidates (here by score, descending) each
              absorb every later one with IoU >= iou into a score-weighted mean,
              with the maximum score;
  3. compares: the same number of detections, each C++ segment's end points
     within 1 px (model-input pixels) of the reference's, each face's IoU >= 0.99.
Exits 1 with the first disagreement, 0 with a one-line summary per model.
"""
import json
import os
import sys

import cv2
import numpy as np


def load(frame, name):
    t = frame["tensors"][name]
    return np.fromfile(os.path.join(frame["dir"], t["file"]), np.float32).reshape(t["shape"])


def preprocess(bgr, pre, shape):
    h, w = (shape[1], shape[2]) if pre["layout"] == "NHWC" else (shape[2], shape[3])
    interp = {"area": cv2.INTER_AREA, "bilinear": cv2.INTER_LINEAR, "nearest": cv2.INTER_NEAREST}[pre["resize"]]
    img = cv2.resize(bgr, (w, h), interpolation=interp)
    if pre["channels"].startswith("RGB"):
        img = img[:, :, ::-1]
    x = img.astype(np.float32)
    scale = np.float32(pre["scale"])
    mean = np.array(pre["mean"], np.float32)
    std = np.array(pre["std"], np.float32)
    x = (x * scale - mean) / std
    if len(pre["channels"]) == 4:
        x = np.concatenate([x, np.full((h, w, 1), pre["alpha"], np.float32)], axis=2)
    if pre["layout"] == "NCHW":
        x = x.transpose(2, 0, 1)
    return x[None].astype(np.float32)


def mlsd(frame, task):
    s = load(frame, task["scores"])[0, :, :, 0]
    o = load(frame, task["offsets"])[0]
    h, w = s.shape
    ys, xs = np.nonzero(s >= task["threshold"])  # row-major, as the C++ scan
    segs = []
    for y, x in zip(ys, xs):
        d = o[y, x].astype(np.float64)
        # Postprocess.compute: pos = id + offs; pos * 2 / Size with Size = 2 * (w, h).
        segs.append([(x + d[0]) * 2 / (2 * w), (y + d[1]) * 2 / (2 * h), (x + d[2]) * 2 / (2 * w),
                     (y + d[3]) * 2 / (2 * h), float(s[y, x])])
    return segs[:task["max_detections"]]


def iou(a, b):
    a0 = a[2] * a[3]
    a1 = b[2] * b[3]
    p0 = np.maximum(a[:2] - a[2:4] / 2, b[:2] - b[2:4] / 2)
    p1 = np.minimum(a[:2] + a[2:4] / 2, b[:2] + b[2:4] / 2)
    inner = max(0.0, p1[0] - p0[0]) * max(0.0, p1[1] - p0[1])
    return inner / (a0 + a1 - inner)


def blazeface(frame, task, size):
    cand = []  # (score, geometry[16])
    for layer in task["layers"]:
        cells, anchors = layer["cells"], layer["anchors"]
        sc = load(frame, layer["scores"]).reshape(-1).astype(np.float64)
        bx = load(frame, layer["boxes"]).reshape(-1, 16).astype(np.float64)
        for i in range(cells * cells * anchors):
            cell = i // anchors
            anchor = np.array([(cell % cells + 0.5) / cells, (cell // cells + 0.5) / cells])
            score = 1 / (1 + np.exp(-sc[i]))
            if not score > task["threshold"]:
                continue
            g = np.empty(16)
            g[0:2] = anchor + bx[i, 0:2] / size
            g[2:4] = bx[i, 2:4] / size
            for k in range(6):
                g[4 + 2 * k:6 + 2 * k] = anchor + bx[i, 4 + 2 * k:6 + 2 * k] / size
            cand.append((score, g))
    cand.sort(key=lambda c: -c[0])  # stable
    gone = [False] * len(cand)
    out = []
    for i, (si, gi) in enumerate(cand):
        if gone[i] or len(out) >= task["max_detections"]:
            continue
        acc, ssum, smax = gi * si, si, si
        for j in range(i + 1, len(cand)):
            sj, gj = cand[j]
            if gone[j] or iou(gi, gj) < task["iou"]:
                continue
            acc, ssum, smax = acc + gj * sj, ssum + sj, max(smax, sj)
            gone[j] = True
        out.append((smax, acc / ssum))
    return out


def read_frame(cap, index, cache):
    while cache["next"] <= index:
        ok, img = cap.read()
        if not ok:
            raise SystemExit(f"reference: cannot read frame {cache['next']}")
        cache["img"], cache["next"] = img, cache["next"] + 1
    return cache["img"]


def compare_segments(cpp, ref, w, h, where):
    if len(cpp) != len(ref):
        raise SystemExit(f"{where}: C++ decoded {len(cpp)} segments, the reference {len(ref)}")
    scale = np.array([w, h, w, h], np.float64)
    worst = 0.0
    for a, b in zip(cpp, ref):
        d = np.abs((np.array(a[:4]) - np.array(b[:4])) * scale).reshape(2, 2)
        dist = float(np.hypot(d[:, 0], d[:, 1]).max())
        worst = max(worst, dist)
        if dist > 1.0:
            raise SystemExit(f"{where}: segment {a} vs reference {b}: end points {dist:.3f} px apart")
    return worst


def compare_faces(cpp, ref, where):
    if len(cpp) != len(ref):
        raise SystemExit(f"{where}: C++ decoded {len(cpp)} faces, the reference {len(ref)}")
    worst = 1.0
    for a, (s, g) in zip(cpp, ref):
        v = iou(np.array(a["box"], np.float64), g)
        worst = min(worst, v)
        if v < 0.99 or abs(a["score"] - s) > 1e-4:
            raise SystemExit(f"{where}: face {a} vs reference score {s} box {g[:4]}: IoU {v:.4f}")
    return worst


def main():
    case = json.load(open(sys.argv[1]))
    card, task = case["card"], case["card"]["task"]
    cap = cv2.VideoCapture(case["video"])
    cache = {"next": 0, "img": None}
    counts, worst_px, worst_iou = [], 0.0, 1.0
    for fr in case["frames"]:
        where = f"{case['model']} frame {fr['frame']}"
        x = load(fr, fr["input"])
        want = preprocess(read_frame(cap, fr["frame"], cache), card["preprocess"], x.shape)
        if not np.array_equal(x, want):
            raise SystemExit(f"{where}: input differs from the reference preprocessing by "
                             f"{np.abs(x - want).max()}")
        shape = x.shape
        w, h = (shape[2], shape[1]) if card["preprocess"]["layout"] == "NHWC" else (shape[3], shape[2])
        if task["kind"] == "line_segments":
            ref = mlsd(fr, task)
            worst_px = max(worst_px, compare_segments(fr["decoded"]["segments"], ref, w, h, where))
        else:
            ref = blazeface(fr, task, w)
            worst_iou = min(worst_iou, compare_faces(fr["decoded"]["faces"], ref, where))
        counts.append(len(ref))
    print(f"reference: {case['model']}: {len(counts)} frames agree; detections per frame "
          f"{min(counts)}..{max(counts)} (total {sum(counts)}); worst end point {worst_px:.4f} px, "
          f"worst IoU {worst_iou:.5f}")


if __name__ == "__main__":
    main()
