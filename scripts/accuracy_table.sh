#!/usr/bin/env bash
# Reproduces the README's latency-prediction accuracy table: for each model and
# thread count, `edgecut bench accuracy` profiles the model with the three
# methods in one process and runs the same plans against them; prints one
# markdown row per run and keeps the JSON in OUT (default build/accuracy).
# 1-thread runs are pinned to one core (--cpu 1), as an edge process would be.
#   bash scripts/accuracy_table.sh [MODELS...]   (default: the 4 torchvision exports)
# Needs build/edgecut (scripts/setup.sh) and the torchvision exports in
# build/fixtures or build-test/fixtures (made by scripts/test.sh); takes about
# 5 minutes per row on 2 cores. MODELS may also be zoo:NAME.
#   ENGINE=ort bash scripts/accuracy_table.sh resnet50 googlenet densenet121 vit_b_16
# makes the ONNX Runtime table instead: the segment method only (ORT reports no
# per-layer times), 10 random plans and 8 bandwidths per edge factor, and beside
# it the same runs priced with one set of weights for both sides (the baseline
# row `segment (one set)`); about 1-2 minutes per row.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-build/accuracy}
FIX=${FIX:-build/fixtures}
[ -d "$FIX" ] || FIX=build-test/fixtures  # where scripts/test.sh exports them
[ -x build/edgecut ] || { echo "accuracy_table: build/edgecut missing: run scripts/setup.sh" >&2; exit 1; }
ENGINE=${ENGINE:-opencv}
mkdir -p "$OUT"
models=("$@")
((${#models[@]})) || models=(resnet50 googlenet densenet121 mobilenet_v2)
if [ "$ENGINE" = ort ]; then
  echo "| model | threads | segment mean / p90 % | one set mean / p90 % | raw mean % | profiling s |"
  echo "|---|---|---|---|---|---|"
else
  echo "| model | threads | isolated mean / p90 % | layerwise mean / p90 % | segment mean / p90 % | segment raw mean % | segment profiling s |"
  echo "|---|---|---|---|---|---|---|"
fi
# Rows by label: "segment (one set)" has method "segment" too.
cell='def cell($r): "\($r.all.mean_abs_pct*10|round/10) / \($r.all.p90_abs_pct*10|round/10)";
      (.rows | map({(.label): .}) | add) as $r'
for m in "${models[@]}"; do
  model=$FIX/$m.onnx
  [ -f "$model" ] || model=$m  # zoo:NAME works too
  for t in 1 2; do
    pin=()
    [ "$t" = 1 ] && pin=(--cpu 1)
    json=$OUT/$(echo "$m" | tr -c 'a-zA-Z0-9_\n' '_')_${ENGINE}_t$t.json
    if [ "$ENGINE" = ort ]; then
      build/edgecut bench accuracy "$model" --engine ort --method segment --threads "$t" --plans 10 --points 8 \
        "${pin[@]}" --json -q >"$json"
      jq -r --arg m "$m" --arg t "$t" "$cell"'
        | "| \($m) | \($t) | \(cell($r.segment)) | \(cell($r["segment (one set)"])) | \($r.segment.raw_all.mean_abs_pct*10|round/10) | \($r.segment.profile_seconds|round) |"' "$json"
    else
      build/edgecut bench accuracy "$model" --engine opencv --threads "$t" --plans 20 "${pin[@]}" --json -q >"$json"
      jq -r --arg m "$m" --arg t "$t" "$cell"'
        | "| \($m) | \($t) | \(cell($r.isolated)) | \(cell($r.layerwise)) | \(cell($r.segment)) | \($r.segment.raw_all.mean_abs_pct*10|round/10) | \($r.segment.profile_seconds|round) |"' "$json"
    fi
  done
done
[ "$ENGINE" = ort ] && exit 0
# Profiling time per method on a 400+ node model (zoo ResNet-152: 515 nodes).
echo
echo "| model | nodes | threads | isolated s | layerwise s | segment s |"
echo "|---|---|---|---|---|---|"
big=${BIG_MODEL:-zoo:resnet152}
row="| $big | $(build/edgecut inspect "$big" --json | jq ".nodes | length") | 1 |"
for method in isolated layerwise segment; do
  build/edgecut profile "$big" --method "$method" --threads 1 --cpu 1 -q -o "$OUT/big_$method.json" >/dev/null
  row="$row $(jq '.extra.seconds | round' "$OUT/big_$method.json") |"
done
echo "$row"
