#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ with clang (build-fuzz/, ASan + UBSan +
# coverage) and runs each one in turn, one process (one core), then prints a
# table: target, seconds, executions, exec/s, corpus, crashes, leaks, timeouts,
# ooms. Exits 1 if any target found anything (its input is kept under
# build-fuzz/artifacts/<target>/; add it to fuzz/corpus/<target>/ with the fix).
#
#   bash scripts/fuzz.sh --smoke             CI: 60,000 inputs per target from a fixed seed
#                                            and the committed corpus only, so that CI repeats
#                                            what a run here did (README "Fuzzing")
#   bash scripts/fuzz.sh --time 600          600 s per target
#   bash scripts/fuzz.sh --time 60 onnx_import_fuzz=300 plan_json_fuzz
#                                            only the named targets; NAME=SECONDS overrides --time
# Each run starts from fuzz/corpus/<target>/ (the committed seeds and past
# crash inputs) plus what earlier runs found (build-fuzz/corpus/<target>/).
set -euo pipefail
cd "$(dirname "$0")/.."
ARGS="$*"
TIME=600
SMOKE=0
SMOKE_RUNS=60000
BUILD=${EDGECUT_FUZZ_BUILD_DIR:-build-fuzz}
targets=()
while (($#)); do
  case "$1" in
    --smoke) SMOKE=1; TIME=60 ;;  # TIME caps a slow machine; RUNS bounds the work
    --time) TIME=$2; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) targets+=("$1") ;;
  esac
  shift
done
ALL=(onnx_import_fuzz profile_json_fuzz plan_json_fuzz calibration_json_fuzz wire_request_fuzz
     wire_request_structured_fuzz wire_response_fuzz repository_load_fuzz codec_decode_fuzz)
((${#targets[@]})) || targets=("${ALL[@]}")

export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD}
start=$(date +%s)
cmake -S . -B "$BUILD" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEDGECUT_FUZZ=ON >/dev/null
cmake --build "$BUILD" -j"$(nproc)" --target fuzz_targets >/dev/null
echo "fuzz: built $BUILD in $(($(date +%s) - start)) s"

dict_of() {
  case "$1" in
    onnx_*) echo fuzz/onnx.dict ;;
    profile_*|plan_*|calibration_*) echo fuzz/json.dict ;;
    wire_request_structured_fuzz|codec_*) echo "" ;;
    *) echo fuzz/wire.dict ;;
  esac
}

# detect_leaks: libFuzzer's own per-input leak check (LeakSanitizer).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
rows=()
total_exec=0
found=0
for spec in "${targets[@]}"; do
  t=${spec%%=*}
  secs=$TIME
  [[ "$spec" == *=* ]] && secs=${spec#*=}
  bin=$BUILD/fuzz/$t
  [ -x "$bin" ] || { echo "fuzz: no target $t (known: ${ALL[*]})" >&2; exit 2; }
  work=$BUILD/corpus/$t
  bound=(-max_total_time="$secs")
  if ((SMOKE)); then
    # Deterministic: what earlier runs found stays out, the seed is fixed.
    work=$BUILD/smoke-corpus/$t
    rm -rf "$work"
    bound+=(-runs="$SMOKE_RUNS" -seed=1)
  fi
  art=$BUILD/artifacts/$t
  log=$BUILD/logs/$t.log
  mkdir -p "$work" "$art" "$(dirname "$log")"
  marker=$BUILD/logs/$t.start
  touch "$marker"  # the artifacts of this run are newer
  dict=$(dict_of "$t")
  if ((SMOKE)); then echo "fuzz: $t for $SMOKE_RUNS inputs, at most $secs s (log $log)"
  else echo "fuzz: $t for $secs s (log $log)"; fi
  t0=$(date +%s)
  set +e
  "$bin" "${bound[@]}" -timeout=10 -rss_limit_mb=2048 -max_len=8192 -print_final_stats=1 \
    -artifact_prefix="$art/" ${dict:+-dict=$dict} "$work" "fuzz/corpus/$t" >"$log" 2>&1
  rc=$?
  set -e
  took=$(($(date +%s) - t0))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  execs=${execs:-0}
  count() { find "$art" -name "$1-*" -newer "$marker" 2>/dev/null | wc -l; }
  crashes=$(count crash)
  leaks=$(count leak)
  timeouts=$(count timeout)
  ooms=$(count oom)
  # A run that died without an artifact (e.g. a crash at start-up) is a crash too.
  if [ "$rc" -ne 0 ] && [ $((crashes + leaks + timeouts + ooms)) -eq 0 ]; then crashes=1; fi
  if [ $((crashes + leaks + timeouts + ooms)) -ne 0 ]; then
    grep -A30 -m1 -E "^==[0-9]+==ERROR|^SUMMARY|ERROR: libFuzzer" "$log" >&2 || tail -40 "$log" >&2
  fi
  found=$((found + crashes + leaks + timeouts + ooms))
  total_exec=$((total_exec + execs))
  rows+=("$(printf '%-30s %7s %14s %9s %7s %8s %6s %9s %5s' "$t" "$took" "$execs" \
    "$((execs / (took > 0 ? took : 1)))" "$(find "$work" -type f | wc -l)" "$crashes" "$leaks" "$timeouts" "$ooms")")
done

printf '\n%-30s %7s %14s %9s %7s %8s %6s %9s %5s\n' target seconds executions exec/s corpus crashes leaks \
  timeouts ooms
printf '%s\n' "${rows[@]}"
printf '%-30s %7s %14s\n' total "" "$total_exec"
echo "fuzz: $(($(date +%s) - start)) s in all; command: bash scripts/fuzz.sh $ARGS"
[ "$found" -eq 0 ] || { echo "fuzz: $found finding(s); inputs under $BUILD/artifacts/" >&2; exit 1; }
