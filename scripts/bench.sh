#!/usr/bin/env bash
# Reproduces every figure of docs/performance.md in one go (about 4 minutes here once built; the release build of a
# clean tree adds much more, 48 minutes once under a load of 10-16; the report ends with both times): builds the
# release benchmarks and the hookrules command, then runs
#   - hookrules-bench: JSON bodies → Lua tables, the bundled captures through the bundled rules (three runs: the
#     machine is shared and single runs move by ±10 %), generated bodies and batches, memory per state and RSS over
#     1,000,000 hooks — each beside plain lua5.4 + lua-cjson in the same run;
#   - hookrules-queue-bench: the queue beside raw SQL, kept short (1 s per enqueue case, 10,000 requests per claim case),
#     on SQLite and on a throwaway PostgreSQL server (scripts/postgres-test-cluster.sh, fsync on: durable commits);
#   - hookrules-intake-bench: Debian's wrk posting the bundled captures, signed, to the built `hookrules serve` on
#     SQLite and on that PostgreSQL server, beside a bare Hummingbird endpoint, 5 interleaved rounds of 5 s; with
#     a perf profile of serve on SQLite when `perf` works here. Installs `wrk` when it is missing (apt-get; needs
#     root or sudo).
# Usage: scripts/bench.sh [REPORT_FILE]   (the report is printed, and also written to REPORT_FILE when given)
# Exits non-zero if a build or a run fails, if HookRules and the reference disagree on the requests produced, or if
# an intake run had an answer that was not a 2xx (its measurement would be wrong).
set -euo pipefail
cd "$(dirname "$0")/.."
report="${1:-/dev/null}"

# Debian's wrk drives the intake benchmark; installed as scripts/setup.sh installs its packages.
if ! command -v wrk >/dev/null; then
    as_root=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || { echo "bench: wrk is missing; run as root or install sudo" >&2; exit 1; }
        as_root=(sudo)
        [ -t 0 ] || as_root+=(-n)
    fi
    echo "bench: installing wrk" >&2
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=120 update -qq >&2
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=120 install -y -qq --no-install-recommends wrk >&2
    command -v wrk >/dev/null || { echo "bench: wrk is still not installed" >&2; exit 1; }
fi
# The profile of serve needs perf allowed to sample the whole machine (root, or kernel.perf_event_paranoid <= 0).
profile=()
perf stat -a -e cpu-clock true >/dev/null 2>&1 && profile=(--profile)

SECONDS=0
swift build -c release --product hookrules-bench
swift build -c release --product hookrules-queue-bench
swift build -c release --product hookrules
swift build -c release --product hookrules-intake-bench
build_seconds=$SECONDS
eval "$(scripts/postgres-test-cluster.sh start)"
trap 'scripts/postgres-test-cluster.sh stop "$HOOKRULES_TEST_POSTGRES_DIR"' EXIT
# The build and initdb leave hundreds of MB of dirty pages; their writeback's disk interrupts are charged to whatever
# process is running and moved the first rule-path runs by tens of percent.
sync

{
    echo "HookRules benchmark report, $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
    echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(. /etc/os-release && echo "$PRETTY_NAME")"
    echo "toolchain: $(swift --version 2>/dev/null | head -1); $(lua5.4 -v 2>&1); lua-cjson $(dpkg-query -W -f '${Version}' lua-cjson 2>/dev/null || echo '?')"
    echo
    echo "$ hookrules-bench --seconds 0.2 --only json"
    .build/release/hookrules-bench --seconds 0.2 --only json
    echo
    echo "$ hookrules-bench --seconds 2 --only xml"
    .build/release/hookrules-bench --seconds 2 --only xml
    for run in 1 2 3; do
        echo
        echo "$ hookrules-bench --seconds 1 --only rules   (run $run of 3)"
        .build/release/hookrules-bench --seconds 1 --only rules
    done
    echo
    echo "$ hookrules-bench --seconds 1 --only generated"
    .build/release/hookrules-bench --seconds 1 --only generated
    echo
    echo "$ hookrules-bench --only memory"
    .build/release/hookrules-bench --only memory
    echo
    echo "$ hookrules-queue-bench --seconds 1 --items 10000"
    .build/release/hookrules-queue-bench --seconds 1 --items 10000
    echo
    echo "$ hookrules-queue-bench --seconds 1 --items 10000 --postgres \$HOOKRULES_TEST_POSTGRES_URL"
    .build/release/hookrules-queue-bench --seconds 1 --items 10000 --postgres "$HOOKRULES_TEST_POSTGRES_URL"
    echo
    echo "$ hookrules-intake-bench --postgres \$HOOKRULES_TEST_POSTGRES_URL ${profile[*]}"
    .build/release/hookrules-intake-bench --postgres "$HOOKRULES_TEST_POSTGRES_URL" "${profile[@]}"
    echo
    echo "time: release build $((build_seconds / 60)) min $((build_seconds % 60)) s, runs $(((SECONDS - build_seconds) / 60)) min $(((SECONDS - build_seconds) % 60)) s"
} 2>&1 | tee "$report"
