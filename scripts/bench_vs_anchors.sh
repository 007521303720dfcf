#!/usr/bin/env bash
# Runs the numpy anchor benchmarks and `chunker bench` back to back on one thread and
# stores their outputs in OUT (default bench-results/). Needs a Python with numpy and
# threadpoolctl (PYTHON, default python3) and the anchor scripts in ANCHORS.
# Usage: ANCHORS=/path/to/anchors PYTHON=.venv/bin/python scripts/bench_vs_anchors.sh
set -euo pipefail
ANCHORS=${ANCHORS:?set ANCHORS to a writable copy of the anchor benchmark folder}
PYTHON=${PYTHON:-python3}
OUT=${OUT:-bench-results}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1

cargo build --release --quiet
{ echo "date: $(date -u +%FT%TZ)"; echo "load before: $(cat /proc/loadavg)"; lscpu | grep -E 'Model name|^CPU\(s\)|L2'; } > "$OUT/machine.txt"
(cd "$ANCHORS" && "$PYTHON" bench_numpy.py --threads 1 --variants karpathy opt:float64 --out "$OUT/numpy.json") | tee "$OUT/numpy.log"
(cd "$ANCHORS" && "$PYTHON" bench_rtrl_numpy.py --threads 1 --dtypes float64 --out "$OUT/rtrl_numpy.json") | tee "$OUT/rtrl_numpy.log"
./target/release/chunker bench --json > "$OUT/chunker.json"
./target/release/chunker bench --json --cpu-time > "$OUT/chunker_cpu_time.json"
echo "load after: $(cat /proc/loadavg)" >> "$OUT/machine.txt"
