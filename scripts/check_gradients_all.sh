#!/usr/bin/env bash
# Cross-checks `chunker gradients` with scripts/check_gradients.py (numpy) for all 16
# combinations of activations, --direct and --fully-recurrent, and prints the largest
# relative difference of each. Exits non-zero on the first mismatch.
# Usage: PYTHON=python3 scripts/check_gradients_all.sh   (PYTHON needs numpy)
set -euo pipefail
PYTHON=${PYTHON:-python3}
cargo build --release --quiet
for flags in "" "--direct" "--fully-recurrent" "--direct --fully-recurrent"; do
    for hidden in logistic tanh; do
        for output in logistic softmax; do
            # $flags is deliberately unquoted because it contains zero, one or two flags.
            # shellcheck disable=SC2086
            result=$(./target/release/chunker gradients --seed 5 --inputs 4 --hidden 5 \
                --outputs 3 --steps 7 --hidden-activation "$hidden" \
                --output-activation "$output" $flags | "$PYTHON" scripts/check_gradients.py)
            echo "$hidden $output ${flags:-(no flags)}: $(echo "$result" | grep largest)"
        done
    done
done
