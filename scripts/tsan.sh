#!/usr/bin/env bash
# Builds edgecut and the runtime's and network's tests with ThreadSanitizer
# (build-tsan/) and runs them: the edge client's background thread, the
# server's workers and queue, the stream loop's stages, and the processes
# they spawn (also built with TSan; a race there fails the process, so the
# test). Debian's gRPC, protobuf and OpenCV are not instrumented: their
# internals are invisible to TSan, ours are checked. CI runs it (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${EDGECUT_TSAN_BUILD_DIR:-build-tsan}
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD}
start=$(date +%s)
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEDGECUT_TSAN=ON >/dev/null
cmake --build "$BUILD" -j"$(nproc)" --target edgecut test_runtime test_net
echo "tsan: built $BUILD in $(($(date +%s) - start)) s"
# exitcode: a process that raced exits 66 (the test that spawned it fails);
# halt_on_error=0 so that one report does not hide the next;
# ignore_noninstrumented_modules: memcpy / malloc called from inside gRPC,
# protobuf or OpenCV are theirs, synchronised where TSan cannot see (without
# it: about a thousand reports, all inside libgrpc / libabsl).
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=0:exitcode=66:second_deadlock_stack=1:ignore_noninstrumented_modules=1:suppressions=$PWD/tests/tsan.supp}
rc=0
for t in test_net test_runtime; do
  echo "tsan: $t"
  set +e
  "$BUILD/tests/$t" --gtest_brief=1 >"$BUILD/$t.log" 2>&1
  trc=$?
  set -e
  grep -E "^\[  (FAILED|PASSED) |^\[==========\]|WARNING: ThreadSanitizer|^SUMMARY" "$BUILD/$t.log" || true
  if [ "$trc" -ne 0 ] || grep -q "WARNING: ThreadSanitizer" "$BUILD/$t.log"; then
    rc=1
    grep -A40 -m3 "WARNING: ThreadSanitizer" "$BUILD/$t.log" >&2 || tail -60 "$BUILD/$t.log" >&2
  fi
done
echo "tsan: $(($(date +%s) - start)) s in all"
exit $rc
