#!/usr/bin/env bash
# Runs the numpy anchor benchmarks and `chunker bench` back to back on one thread and
# stores their outputs in OUT (default bench-results/). Everything runs twice: first
# timed with the wall clock (the anchors as published), then with the thread's CPU time.
# For the second pass a temporary copy of the anchors reads time.thread_time instead of
# time.perf_counter in common.py. CPU time stays meaningful when other processes share
# the cores.
# Needs a Python with numpy and threadpoolctl (PYTHON, default python3) and the anchor
# scripts in ANCHORS. Takes about 4 minutes.
# Usage: ANCHORS=/path/to/anchors PYTHON=.venv/bin/python scripts/bench_vs_anchors.sh
set -euo pipefail
ANCHORS=${ANCHORS:?set ANCHORS to the anchor benchmark folder}
PYTHON=${PYTHON:-python3}
OUT=${OUT:-bench-results}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1

CPU_ANCHORS=$(mktemp -d)
trap 'rm -rf "$CPU_ANCHORS"' EXIT
cp "$ANCHORS"/*.py "$CPU_ANCHORS"/
sed -i 's/time\.perf_counter()/time.thread_time()/g' "$CPU_ANCHORS/common.py"

cargo build --release --quiet
{
    echo "date: $(date -u +%FT%TZ)"
    echo "load before: $(cat /proc/loadavg)"
    lscpu | grep -E 'Model name|^CPU\(s\)|L2'
    rustc --version
    "$PYTHON" -c 'import numpy; print("numpy", numpy.__version__)'
} > "$OUT/machine.txt"

# /usr/bin/time records the share of one CPU each program got: on a shared machine, a
# share well below 100 % means other processes took turns on the core.
: > "$OUT/cpu_share.txt"
run() {
    local label=$1
    shift
    echo "$label:" >> "$OUT/cpu_share.txt"
    /usr/bin/time -f "%e s elapsed, %U s user, %P of one CPU" -a -o "$OUT/cpu_share.txt" "$@"
}
for clock in wall cpu_time; do
    dir=$ANCHORS
    flag=()
    if [ "$clock" = cpu_time ]; then
        dir=$CPU_ANCHORS
        flag=(--cpu-time)
    fi
    (cd "$dir" && run "numpy bptt ($clock)" "$PYTHON" bench_numpy.py --threads 1 \
        --variants karpathy opt:float64 --out "$OUT/numpy_$clock.json") | tee "$OUT/numpy_$clock.log"
    (cd "$dir" && run "numpy rtrl ($clock)" "$PYTHON" bench_rtrl_numpy.py --threads 1 \
        --dtypes float64 --out "$OUT/rtrl_numpy_$clock.json") | tee "$OUT/rtrl_numpy_$clock.log"
    run "chunker ($clock)" ./target/release/chunker bench --json "${flag[@]}" > "$OUT/chunker_$clock.json"
done
echo "load after: $(cat /proc/loadavg)" >> "$OUT/machine.txt"
