#!/usr/bin/env bash
# Three runs of bench/compare.sh and their median, as one table file: the figures to compare a later change with,
# and AuthApp ÷ Identity as the median of the three runs' ratios.
#   bench/baseline.sh                      → bench/results/baseline-<commit>.json
#   bench/results.py check bench/results/baseline-OLD.json bench/results/baseline-NEW.json
# Other builds share the CPU here: run it as   flock /tmp/authapp.lock bench/baseline.sh
set -euo pipefail
cd "$(dirname "$0")/.."
runs=$(mktemp -d)
trap 'rm -rf "$runs"' EXIT
for i in 1 2 3; do
  echo "run $i of 3…" >&2
  RESULTS_DIR=$runs bench/compare.sh >/dev/null
done
mkdir -p bench/results
out=bench/results/baseline-$(git rev-parse --short HEAD).json
python3 bench/results.py median "$runs"/compare-*.json >"$out"
cp "$runs"/compare-*.json bench/results/ # each run's own table, beside the median
echo "$out"
python3 bench/results.py ratios "$out"
