#!/usr/bin/env bash
# clang-format over every tracked C++ file (.clang-format at the root).
#   bash scripts/format.sh           rewrite in place
#   bash scripts/format.sh --check   list what is not formatted; exit 1 if any
# ctest runs the check (test `format`).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v clang-format >/dev/null || { echo "format: clang-format missing (apt install clang-format)"; exit 77; }
mapfile -t files < <(git ls-files --cached --others --exclude-standard '*.cpp' '*.h' '*.cc' 2>/dev/null || find src tests fuzz -name '*.cpp' -o -name '*.h')
if [ "${1:-}" = --check ]; then
  clang-format --dry-run -Werror "${files[@]}"
else
  clang-format -i "${files[@]}"
fi
