#!/usr/bin/env bash
# Checks a `edgecut bench paper` output folder: report.md exists and every
# experiment E1..E5 produced its CSV (a header and at least one row) and its
# figure (an SVG with an <svg> root), or says in report.md why it was skipped.
#   bash scripts/paper_check.sh DIR
set -euo pipefail
dir=${1:?usage: paper_check.sh DIR}
fail=0
[ -s "$dir/report.md" ] || { echo "paper_check: $dir/report.md missing"; exit 1; }
for e in e1 e2 e3 e4 e5; do
  E=${e^^}
  if grep -q "^| $E .*skipped:" "$dir/report.md"; then
    echo "paper_check: $E skipped ($(grep "^| $E " "$dir/report.md" | sed 's/.*skipped: //'))"
    continue
  fi
  csv=$(ls "$dir"/${e}_*.csv 2>/dev/null | head -1 || true)
  svg=$(ls "$dir"/${e}_*.svg 2>/dev/null | head -1 || true)
  if [ -z "$csv" ] || [ "$(wc -l <"$csv")" -lt 2 ]; then echo "paper_check: $E has no CSV with rows"; fail=1; fi
  if [ -z "$svg" ] || ! grep -q "<svg" "$svg" || ! grep -q "</svg>" "$svg"; then
    echo "paper_check: $E has no figure"; fail=1
  fi
  [ -n "$csv" ] && [ -n "$svg" ] && echo "paper_check: $E ok ($(basename "$csv"), $(basename "$svg"))"
done
exit $fail
