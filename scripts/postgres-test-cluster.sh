#!/usr/bin/env bash
# A throwaway PostgreSQL server for tests and benchmarks: its data, socket and log in one temporary folder,
# listening on 127.0.0.1 only, on a free port.
#
#   eval "$(scripts/postgres-test-cluster.sh start)"     # exports HOOKRULES_TEST_POSTGRES_URL and _DIR
#   swift test
#   scripts/postgres-test-cluster.sh stop                # stops it and removes the folder ($HOOKRULES_TEST_POSTGRES_DIR)
#
# Fault tests take the server down and bring it back without losing the cluster (same folder, same port):
#
#   scripts/postgres-test-cluster.sh pause DIR [fast|immediate]      # pg_ctl stop in that mode (default: fast)
#   scripts/postgres-test-cluster.sh resume DIR                      # starts the paused server again
#   scripts/postgres-test-cluster.sh restart DIR [fast|immediate]    # pg_ctl restart in that mode
#
# Only do that to a cluster of your own: other test suites share the one scripts/test.sh starts.
#
# `start` installs Debian's `postgresql` when its server binaries are missing (apt-get; needs root or sudo),
# initialises a cluster (trust authentication, user `hookrules`, database `hookrules`), starts it, and prints the
# two `export` lines on stdout; everything else goes to stderr. `start --no-fsync` turns fsync and synchronous
# commits off: fine for tests, which never pull the plug, wrong for a benchmark of durable commits.
# initdb and postgres refuse to run as root, so as root the server runs as the `postgres` user Debian's package
# creates, in a folder that user owns.
set -euo pipefail

user=hookrules
database=hookrules

# The server outlives this script, so it must not hold descriptors the caller passed down: Foundation's Process on
# Linux learns that its child has ended when a socket it passed down closes, and a server holding that socket kept a
# test that ran this script waiting until the server stopped. (255 is the script itself, which bash reads.)
for fd in /proc/$$/fd/*; do
    fd=${fd##*/}
    if [ "$fd" -gt 2 ] && [ "$fd" -ne 255 ]; then eval "exec $fd>&-"; fi
done

die() { echo "postgres-test-cluster: $*" >&2; exit 1; }

server_bin() {
    local dir
    for dir in /usr/lib/postgresql/*/bin; do
        [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && { echo "$dir"; return 0; }
    done
    return 1
}

install_server() {
    local as_root=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || die "PostgreSQL is not installed; run as root or install sudo"
        as_root=(sudo)
        [ -t 0 ] || as_root+=(-n)
    fi
    echo "postgres-test-cluster: installing postgresql" >&2
    local apt=("${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=120)
    "${apt[@]}" update -qq >&2
    "${apt[@]}" install -y -qq --no-install-recommends postgresql >&2
}

# Runs a server command as the folder's owner: root may not run initdb or postgres.
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

port_in_use() {
    # A connection that succeeds means something listens there. bash's /dev/tcp needs no extra tool.
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

start() {
    local no_fsync=false
    case "${1:-}" in
        "") ;;
        --no-fsync) no_fsync=true ;;
        *) die "usage: $0 start [--no-fsync]" ;;
    esac

    local bin
    bin=$(server_bin) || { install_server; bin=$(server_bin) || die "initdb still not found after installing postgresql"; }

    local dir
    dir=$(mktemp -d "${TMPDIR:-/tmp}/hookrules-postgres.XXXXXX")
    if [ "$(id -u)" -eq 0 ]; then
        id postgres >/dev/null 2>&1 || die "no 'postgres' user to run the server as (Debian's postgresql package creates it)"
        chown postgres: "$dir"
    fi
    chmod 700 "$dir"

    as_owner "$bin/initdb" -D "$dir/data" -A trust -U "$user" -E UTF8 --locale C.UTF-8 >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; rm -rf "$dir"; die "initdb failed"; }

    # Tests run in parallel, each with a fresh database and a few pooled connections per queue handle.
    local settings="-c listen_addresses=127.0.0.1 -k $dir -c max_connections=400 -c shared_buffers=128MB"
    $no_fsync && settings+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"

    local port attempt started=false
    for attempt in 1 2 3 4 5 6 7 8 9 10; do
        port=$((20000 + RANDOM % 40000))
        port_in_use "$port" && continue
        # Another process may take the port between the check and the start: then try the next one.
        if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -o "-p $port $settings" start >/dev/null 2>&1; then
            started=true
            break
        fi
    done
    $started || { cat "$dir/server.log" >&2 2>/dev/null; rm -rf "$dir"; die "the server did not start"; }
    # The server's options, so `resume` and `restart` start it again exactly so.
    echo "-p $port $settings" >"$dir/options"

    as_owner "$bin/createdb" -h "$dir" -p "$port" -U "$user" "$database" \
        || { stop "$dir"; die "createdb failed"; }
    # The port and bin folder, so `stop` finds them without the caller keeping anything but the folder.
    echo "$bin" >"$dir/bin"

    echo "postgres-test-cluster: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port, data in $dir" >&2
    echo "export HOOKRULES_TEST_POSTGRES_URL=postgres://$user@127.0.0.1:$port/$database"
    echo "export HOOKRULES_TEST_POSTGRES_DIR=$dir"
}

stop() {
    local dir=${1:-${HOOKRULES_TEST_POSTGRES_DIR:-}}
    [ -n "$dir" ] || die "usage: $0 stop [DIR] (or set HOOKRULES_TEST_POSTGRES_DIR)"
    # Refuse anything this script did not make: the folder is removed below.
    [ -d "$dir/data" ] && [[ $(basename "$dir") == hookrules-postgres.* ]] || die "$dir is not a cluster folder of this script"
    local bin
    bin=$(cat "$dir/bin" 2>/dev/null || server_bin) || die "pg_ctl not found"
    if [ -f "$dir/data/postmaster.pid" ]; then
        as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null 2>&1 \
            || as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    echo "postgres-test-cluster: stopped and removed $dir" >&2
}

# The folder of a running or paused cluster of this script, and its stop mode: fast unless immediate is asked for.
cluster_dir() {
    [ -n "${1:-}" ] && [ -d "$1/data" ] && [ -f "$1/options" ] || die "$1 is not a cluster folder of this script"
}
stop_mode() {
    case "${1:-fast}" in
        fast|immediate) echo "${1:-fast}" ;;
        *) die "the mode is fast or immediate, not $1" ;;
    esac
}

pause() {
    cluster_dir "${1:-}"
    local mode bin
    mode=$(stop_mode "${2:-}")
    bin=$(cat "$1/bin")
    as_owner "$bin/pg_ctl" -D "$1/data" -m "$mode" -w -t 60 stop >/dev/null || die "pg_ctl stop -m $mode failed"
}

resume() {
    cluster_dir "${1:-}"
    local bin
    bin=$(cat "$1/bin")
    as_owner "$bin/pg_ctl" -D "$1/data" -l "$1/server.log" -w -t 60 -o "$(cat "$1/options")" start >/dev/null \
        || { tail -5 "$1/server.log" >&2; die "the server did not start again"; }
}

restart() {
    cluster_dir "${1:-}"
    local mode bin
    mode=$(stop_mode "${2:-}")
    bin=$(cat "$1/bin")
    as_owner "$bin/pg_ctl" -D "$1/data" -l "$1/server.log" -m "$mode" -w -t 60 -o "$(cat "$1/options")" restart \
        >/dev/null || { tail -5 "$1/server.log" >&2; die "pg_ctl restart -m $mode failed"; }
}

case "${1:-}" in
    start) shift; start "$@" ;;
    stop) shift; stop "$@" ;;
    pause) shift; pause "$@" ;;
    resume) shift; resume "$@" ;;
    restart) shift; restart "$@" ;;
    *) die "usage: $0 start [--no-fsync] | stop [DIR] | pause DIR [fast|immediate] | resume DIR | restart DIR [fast|immediate]" ;;
esac
