#!/usr/bin/env bash
# Bulk CSV sync at scale: enqueue 10,000 and 1,000,000 generated rows with the release `hookrules bulk` into a
# fresh SQLite queue, and report rows/s and the peak RSS of each run. Memory must not grow with the file: the
# 1M-row run's peak RSS is printed beside the 10k-row run's.
#
#   scripts/bench-bulk.sh [ROWS_LARGE]
set -euo pipefail
cd "$(dirname "$0")/.."

large=${1:-1000000}
if ! [ -x /usr/bin/time ]; then
    ${SUDO:-$( [ "$(id -u)" = 0 ] || echo sudo )} apt-get install -y -qq time >/dev/null
fi
swift build -c release --product hookrules >/dev/null
binary=.build/release/hookrules
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

run() {
    local rows=$1 csv="$work/rows-$1.csv" queue="$work/queue-$1"
    # Quoted fields with commas, ids beyond 2^53: what a real export carries.
    awk -v n="$rows" 'BEGIN { print "id,scope,note"; for (i = 1; i <= n; i++) printf "%d,product/updated,\"row, %d\"\n", 9007199254740992 + i, i }' > "$csv"
    local started ended
    started=$(date +%s.%N)
    /usr/bin/time -f "%M" -o "$work/rss" "$binary" bulk "$csv" --subscription demo-shopify --direction to \
        --queue "$queue" 2> "$work/stderr" || { cat "$work/stderr"; exit 1; }
    ended=$(date +%s.%N)
    grep -q "enqueued $rows request(s) from $rows row(s)" "$work/stderr" || { cat "$work/stderr"; exit 1; }
    local rss
    rss=$(cat "$work/rss")
    awk -v rows="$rows" -v s="$started" -v e="$ended" -v rss="$rss" 'BEGIN {
        printf "%9d rows  %6.1f s  %8.0f rows/s (both passes)  peak RSS %6.1f MB\n", rows, e - s, rows / (e - s), rss / 1024 }'
    echo "$rss" > "$work/rss-$rows"
}

echo "bulk: validate every row, then enqueue in batches of 500 with the checkpoint (SQLite, synchronous=FULL)"
run 10000
run "$large"
small=$(cat "$work/rss-10000") big=$(cat "$work/rss-$large")
awk -v large="$large" -v big="$big" -v small="$small" 'BEGIN { printf "peak RSS %d rows / 10,000 rows: %.2f\n", large, big / small }'
