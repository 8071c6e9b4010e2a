#!/usr/bin/env bash
# Installs every Debian 12 package edgecut needs to build, test and run, then
# builds it (Release) into build/. Idempotent; quick when all is installed.
#   bash scripts/setup.sh             install + build
#   bash scripts/setup.sh --deps-only install only
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  build-essential cmake clang-format ccache
  clang libclang-rt-14-dev                        # scripts/fuzz.sh: libFuzzer targets in fuzz/
  libgrpc++-dev protobuf-compiler-grpc            # KServe v2 protocol (net/)
  libonnx-dev libprotobuf-dev protobuf-compiler   # ONNX protobuf + shape inference
  libopencv-dev                                   # engine: OpenCV DNN, videoio
  libzstd-dev liblz4-dev                          # codec: lossless tensor encodings
  nlohmann-json3-dev libcli11-dev libfmt-dev liblemon-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  python3-torch python3-torchvision python3-onnx  # test fixtures only (torchvision exports)
  python3-grpcio python3-grpc-tools python3-numpy # test only: an independent KServe v2 client
  graphviz opencv-doc iproute2 zstd jq            # jq: scripts/accuracy_table.sh
  util-linux                                      # taskset: the demo pins the edge client
)

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
[ "${1:-}" = "--deps-only" ] && exit 0

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DEDGECUT_TESTS=OFF >/dev/null
cmake --build build -j"$(nproc)" --target edgecut
echo "setup: built build/edgecut"
