#!/bin/sh
# Reruns every cargo-fuzz target for a bounded time, one process each (libFuzzer's
# default), at low priority.
#
# Usage: fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]
#   SECONDS_PER_TARGET defaults to 180; the targets default to all four.
#
# cargo-fuzz passes nightly-only flags (-Z sanitizer=address) to rustc; on a stable
# toolchain RUSTC_BOOTSTRAP=1 lets it do so. Each target starts from the committed seeds
# in fuzz/seeds/TARGET and keeps what it learns in fuzz/corpus/TARGET (not committed). A
# crash is saved under fuzz/artifacts/TARGET/; turn it into a test in tests/ before fixing it.
set -eu

seconds=${1:-180}
[ $# -gt 0 ] && shift
targets=${*:-decompress saved_model config plot_csv}

cd "$(dirname "$0")"
export RUSTC_BOOTSTRAP=1
nice -n 10 cargo fuzz build -O
for target in $targets; do
    mkdir -p "corpus/$target"
    echo "fuzzing $target for $seconds s"
    nice -n 10 cargo fuzz run -O "$target" "corpus/$target" "seeds/$target" -- \
        -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 \
        -print_final_stats=1
done
