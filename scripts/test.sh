#!/usr/bin/env bash
# Builds edgecut with AddressSanitizer + UndefinedBehaviorSanitizer and runs
# the whole test suite with ctest. EDGECUT_SANITIZE=OFF for a plain build.
set -euo pipefail
cd "$(dirname "$0")/.."
SAN=${EDGECUT_SANITIZE:-ON}
BUILD=${EDGECUT_BUILD_DIR:-build-test}
# ccache keys on paths relative to the checkout, so any clone reuses the cache.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD}
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEDGECUT_SANITIZE="$SAN" >/dev/null
cmake --build "$BUILD" -j"$(nproc)"
# Debian's protobuf / OpenCV are not instrumented and keep process-lifetime
# allocations; leak reports there are not ours.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
cd "$BUILD"
ctest --output-on-failure -j"$(nproc)" "$@"
