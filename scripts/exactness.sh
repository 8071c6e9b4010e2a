#!/usr/bin/env bash
# Engine exactness at full strength, in a plain (unsanitised) build: every
# torchvision export and zoo model through 20 random valid plans on OpenCV
# and on ONNX Runtime (the README's "Engine exactness"). `scripts/test.sh`
# runs the same tests under ASan with fewer plans (tests/engine/
# engine_test_util.h: sweep_plans), since ASan multiplies the cost of every
# session's weights; CI (.ci/run) runs both.
#   bash scripts/exactness.sh [ctest args...]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${EDGECUT_EXACT_BUILD_DIR:-build-exact}
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD}
start=$(date +%s)
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$BUILD" -j"$(nproc)" --target edgecut test_engine
echo "exactness: built $BUILD in $(($(date +%s) - start)) s"
cd "$BUILD"
# ctest adds the export_torchvision fixture the sweeps require.
ctest --output-on-failure -j"$(nproc)" -R 'Exactness' "$@"
echo "exactness: done in $(($(date +%s) - start)) s"
