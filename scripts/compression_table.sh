#!/bin/sh
# Prints the compression table of README.md: chunker's history-compression codec
# against gzip -9, xz -9 and the order-0 entropy, on the GPL-3 text found on every Debian
# machine and on the standard task's stream (lag 20, 2000 sequences, seed 1). Every
# chunker file is decompressed again and compared with the original. Also draws the
# reduced-description figures under figures/.
#
# Usage: scripts/compression_table.sh [OUTPUT_FOLDER]   (default: a temporary folder)
set -eu

cd "$(dirname "$0")/.."
cargo build --release --quiet
chunker=target/release/chunker
work=${1:-$(mktemp -d)}
mkdir -p "$work" figures

gpl=/usr/share/common-licenses/GPL-3
if [ ! -r "$gpl" ]; then
    echo "error: $gpl not found; install the base-files package or pass another text" >&2
    exit 2
fi
cp "$gpl" "$work/GPL-3"
"$chunker" trace --write-standard-stream "$work/standard-m20.bin" \
    --lag 20 --sequences 2000 --seed 1 >/dev/null

# Order-0 entropy in bits per byte: -sum p log2 p over the byte frequencies.
entropy() {
    od -An -v -tu1 "$1" | awk '
        { for (i = 1; i <= NF; i++) { count[$i]++; n++ } }
        END { for (b in count) { p = count[b] / n; h -= p * log(p) / log(2) }
              printf "%.4f", h }'
}

size() { wc -c <"$1" | tr -d ' '; }

bits() { awk -v bytes="$1" -v n="$2" 'BEGIN { printf "%.4f", 8 * bytes / n }'; }

echo "| file | bytes | order-0 entropy (bits/byte) | order-0 size (bytes) | gzip -9 | xz -9 | chunker, 1 level | chunker, 2 levels (default) | chunker time (s) |"
echo "|---|---|---|---|---|---|---|---|---|"
for name in GPL-3 standard-m20.bin; do
    file="$work/$name"
    n=$(size "$file")
    h=$(entropy "$file")
    order0=$(awk -v h="$h" -v n="$n" 'BEGIN { printf "%.0f", h * n / 8 }')
    gz=$(gzip -9 -n -c "$file" | wc -c | tr -d ' ')
    xzb=$(xz -9 -c "$file" | wc -c | tr -d ' ')

    "$chunker" compress "$file" -o "$work/$name.1.chz" --levels 1 >/dev/null
    start=$(date +%s.%N)
    stem=figures/codec_reduced_description_$(echo "$name" | tr -c 'A-Za-z0-9\n' '_' | tr 'A-Z' 'a-z')
    "$chunker" compress "$file" -o "$work/$name.2.chz" --figure "$stem" >"$work/$name.report"
    end=$(date +%s.%N)
    seconds=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
    for levels in 1 2; do
        "$chunker" decompress "$work/$name.$levels.chz" -o "$work/$name.$levels.out" >/dev/null
        cmp -s "$file" "$work/$name.$levels.out" || {
            echo "error: $name did not round-trip with $levels levels" >&2
            exit 1
        }
    done
    c1=$(size "$work/$name.1.chz")
    c2=$(size "$work/$name.2.chz")
    echo "| $name | $n | $h | $order0 | $gz ($(bits "$gz" "$n")) | $xzb ($(bits "$xzb" "$n")) | $c1 ($(bits "$c1" "$n")) | $c2 ($(bits "$c2" "$n")) | $seconds |"
done
echo
echo "Sizes in bytes, bits per input byte in brackets; the chunker sizes include its 76-byte"
echo "header and checksum. Inputs per level (2 levels):"
for name in GPL-3 standard-m20.bin; do
    echo "- $name: $(grep '^level' "$work/$name.report" | tr '\n' ';' | sed 's/;$//; s/;/; /g')"
done
