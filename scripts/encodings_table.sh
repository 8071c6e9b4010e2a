#!/usr/bin/env bash
# Reproduces the README's tensor-encodings table on the shaped link (root:
# network namespaces + tbf, the edge at 0.1 of a core as in `edgecut demo`).
# Per model: calibrate its encodings on frames 0-3 of vtest.avi (codec times
# as measured here: the 0.1-core quota of the demo's edge does not slow a
# 1-2 ms encode, which fits in one quota period; the frame log shows the edge
# encoding as fast as calibration measured), then three `edgecut demo` runs over
# 2, 5, 10, 20 Mbit/s (20 s each):
#   ours   qdmp with the calibrated encodings meeting --min-fidelity BOUND
#   fp32   qdmp on raw float32 tensors (the best fp32 plan)
#   jpeg   cloud-only, the input as the smallest JPEG meeting BOUND (fixed plan)
# and prints one markdown row per model and rate with the p50 latencies and
# the ratios fp32 / ours and jpeg / ours (> 1: ours is faster). Then each plan
# ours may use is checked end to end on frames 8-15 (not used to calibrate).
#   BOUND=top1=1,cosine=0.999 bash scripts/encodings_table.sh [MODELS...]
# Needs build/edgecut (Release or RelWithDebInfo, no sanitizers) and the
# torchvision exports in build/fixtures. About 6 minutes per model.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-build/encodings}
FIX=${FIX:-build/fixtures}
BOUND=${BOUND:-top1=1,cosine=0.999}
SRC=${SRC:-/usr/share/doc/opencv-doc/examples/data/vtest.avi}
PHASES=20s@2Mbps,20s@5Mbps,20s@10Mbps,20s@20Mbps
E=${E:-build/edgecut}
mkdir -p "$OUT"
models=("$@")
((${#models[@]})) || models=(googlenet resnet50)
rows=()
for m in "${models[@]}"; do
  model=$FIX/$m.onnx
  [ -f "$model" ] || model=$m
  cal=$OUT/$m.cal.json
  [ -f "$cal" ] || $E calibrate "$model" --source "$SRC" --frames 4 -o "$cal" >"$OUT/$m.cal.txt"
  $E plan "$model" --algo cloud-only --calibration "$cal" --encodings jpeg --min-fidelity "$BOUND" -b 2Mbps \
    -o "$OUT/$m.jpeg-plan.json" >/dev/null
  $E plan "$model" --calibration "$cal" --min-fidelity "$BOUND" --sweep 1Mbps:50Mbps --points 12 \
    -o "$OUT/$m.plans.json" >/dev/null
  declare -A p50=()
  for cfg in ours fp32 jpeg; do
    args=()
    case $cfg in
      ours) args=(--run-arg=--calibration --run-arg="$cal" --run-arg=--min-fidelity --run-arg="$BOUND") ;;
      jpeg) args=(--algo "fixed:$OUT/$m.jpeg-plan.json") ;;
    esac
    # A finished run is kept (delete OUT/MODEL.CFG.json to measure it again).
    jq -e '.phases | length == 4' "$OUT/$m.$cfg.json" >/dev/null 2>&1 ||
      $E demo --model "$model" --source "$SRC" --phases "$PHASES" --quiet --json --out "$OUT/$m.$cfg" "${args[@]}" \
      >"$OUT/$m.$cfg.json"
    i=0
    for v in $(jq -r '.phases[].latency_p50_ms' "$OUT/$m.$cfg.json"); do
      p50[$cfg,$i]=$v
      i=$((i + 1))
    done
  done
  i=0
  for r in 2 5 10 20; do
    rows+=("$(awk -v m="$m" -v r="$r" -v o="${p50[ours,$i]}" -v f="${p50[fp32,$i]}" -v j="${p50[jpeg,$i]}" \
      'BEGIN { printf "| %s | %s Mbit/s | %.1f | %.1f | %.1f | %.2f | %.2f |", m, r, o, f, j, f / o, j / o }')")
    i=$((i + 1))
  done
  jq -r '"jpeg baseline: input as " + (.plans[0].cut_encodings | join(","))' "$OUT/$m.jpeg-plan.json" >"$OUT/$m.jpeg.txt"
  $E calibrate "$model" --source "$SRC" --verify "$OUT/$m.plans.json" --skip 8 --frames 8 >"$OUT/$m.verify.txt"
done
echo "| model | shaped | ours p50 ms | best fp32 p50 ms | cloud-only JPEG p50 ms | fp32 / ours | JPEG / ours |"
echo "|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
for m in "${models[@]}"; do
  echo
  echo "$m: $(cat "$OUT/$m.jpeg.txt"); plans per phase (ours): $(jq -r '[.phases[].plans] | join(" | ")' "$OUT/$m.ours.json")"
  cat "$OUT/$m.verify.txt"
done
