#!/usr/bin/env bash
# Installs every Debian 12 package edgecut needs to build, test and run, then
# builds it (Release) into build/. Idempotent; quick when all is installed.
#   bash scripts/setup.sh             install + build
#   bash scripts/setup.sh --deps-only install only
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  build-essential cmake clang-format ccache lld    # lld: links the test build in a quarter of the time
  clang libclang-rt-14-dev                        # scripts/fuzz.sh: libFuzzer targets in fuzz/
  libgrpc++-dev protobuf-compiler-grpc            # KServe v2 protocol (net/)
  libonnx-dev libprotobuf-dev protobuf-compiler   # ONNX protobuf + shape inference
  libopencv-dev                                   # engine: OpenCV DNN, videoio
  libzstd-dev liblz4-dev                          # codec: lossless tensor encodings
  nlohmann-json3-dev libcli11-dev libfmt-dev liblemon-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  python3-torch python3-torchvision python3-onnx  # test fixtures only (torchvision exports)
  python3-grpcio python3-grpc-tools python3-numpy # test only: an independent KServe v2 client
  python3-opencv                                  # test only: reference decoders of the real models (tests/task)
  graphviz opencv-doc iproute2 zstd jq            # jq: scripts/accuracy_table.sh
  util-linux                                      # taskset: the demo pins the edge client
  ca-certificates                                 # npm fetches ONNX Runtime (below)
)

# npm fetches ONNX Runtime; a nodejs that bundles npm (nodesource) will do too.
command -v npm >/dev/null || PACKAGES+=(npm)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# ONNX Runtime (the default engine where present): Debian packages none. The
# official Microsoft build (1.29.0, CPU, MIT) ships in an npm package; fetch it,
# check it against the pinned sha256, unpack the Linux library and the C/C++
# headers into third_party/onnxruntime/{lib,include} (git-ignored; the layout of
# an official release tarball, so ONNXRUNTIME_ROOT can point at one instead).
# A failed fetch is not fatal: edgecut builds with OpenCV only.
ORT_PKG=com.github.asus4.onnxruntime@0.4.9
ORT_SHA256=e59788788818fdde1b2e522e766a21ba0f7d8391de55737abf81e32cc801785d
ORT_DIR=third_party/onnxruntime
# shellcheck source=scripts/npm_fetch.sh
source scripts/npm_fetch.sh
install_ort() {
  if [ -f "$ORT_DIR/.sha256" ] && [ "$(cat "$ORT_DIR/.sha256")" = "$ORT_SHA256" ] &&
    [ -e "$ORT_DIR/lib/libonnxruntime.so.1" ] && [ -f "$ORT_DIR/include/onnxruntime_cxx_api.h" ]; then
    return 0
  fi
  local tmp tgz
  tmp=$(mktemp -d)
  if ! npm_fetch "$ORT_PKG" "$ORT_SHA256" "$tmp" setup; then
    rm -rf "$tmp"
    return 1
  fi
  tgz=$NPM_FETCH_TGZ
  local hdr='package/Plugins/iOS~/onnxruntime.xcframework/ios-arm64/onnxruntime.framework/Headers'
  tar xzf "$tgz" -C "$tmp" package/Plugins/Linux/x64/libonnxruntime.so "$hdr"
  rm -rf "$ORT_DIR"
  mkdir -p "$ORT_DIR/lib" "$ORT_DIR/include"
  cp "$tmp/package/Plugins/Linux/x64/libonnxruntime.so" "$ORT_DIR/lib/"
  cp "$tmp/$hdr"/*.h "$ORT_DIR/include/"
  # The library's SONAME is libonnxruntime.so.1: without that name beside it
  # a binary linked against it does not start.
  ln -sf libonnxruntime.so "$ORT_DIR/lib/libonnxruntime.so.1"
  echo "$ORT_SHA256" >"$ORT_DIR/.sha256"
  rm -rf "$tmp"
  echo "setup: ONNX Runtime 1.29 in $ORT_DIR"
}
if ! install_ort; then
  echo "setup: ONNX Runtime is not available; building with the OpenCV engine only" \
    "(tests that need ORT will skip)"
fi

# Pretrained models (M-LSD line segments, BlazeFace faces) for `npm:` model
# names and the real-model tests: npm packages, pinned sha256, into
# third_party/models/ (scripts/models.sh). Not fatal: the zoo models need none.
# shellcheck source=scripts/models.sh
source scripts/models.sh
if ! fetch_models; then
  echo "setup: some pretrained models are not available; npm: model names and their tests" \
    "will say so (the zoo models still run); retry with bash scripts/models.sh"
fi

[ "${1:-}" = "--deps-only" ] && exit 0

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DEDGECUT_TESTS=OFF >/dev/null
cmake --build build -j"$(nproc)" --target edgecut
echo "setup: built build/edgecut"
