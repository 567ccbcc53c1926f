#!/usr/bin/env bash
# Installs what HookRules needs on Debian 12 when it is missing: pkg-config and Lua 5.4's headers and library to
# build (the CLua system library), SQLite's headers and library for the queue (GRDB builds against the system's
# SQLite), libxml2's headers and library for XML bodies (the CLibXML2 system library), lua5.4 + lua-cjson for the JSON benchmark's reference (bench/reference/decode.lua), lua-check
# (luacheck) to lint the rule files (rules/.luacheckrc) and the host's own Lua (.luacheckrc), and the PostgreSQL
# server the PostgreSQL queue's tests run on (scripts/postgres-test-cluster.sh starts a throwaway one). Idempotent:
# when everything is there it only checks, and never runs apt-get.
# Needs root or sudo only when something has to be installed. Prints one summary line on stdout.
set -euo pipefail

packages=(pkg-config liblua5.4-dev libsqlite3-dev libxml2-dev lua5.4 lua-cjson lua-check postgresql)

installed() {
    [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

command -v dpkg-query >/dev/null || { echo "setup: dpkg-query not found; this script supports Debian only" >&2; exit 1; }

missing=() present=()
for package in "${packages[@]}"; do
    if installed "$package"; then present+=("$package"); else missing+=("$package"); fi
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "setup: nothing to install; found ${present[*]}"
    exit 0
fi

as_root=()
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "setup: missing ${missing[*]}; run as root or install sudo" >&2; exit 1; }
    as_root=(sudo)
    [ -t 0 ] || as_root+=(-n) # no terminal (CI): fail instead of waiting for a password
fi

# apt's own output goes to stderr, so stdout keeps only the summary. `env` because sudo drops the environment.
apt=("${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=120)
echo "setup: installing ${missing[*]}" >&2
"${apt[@]}" update -qq >&2
"${apt[@]}" install -y -qq --no-install-recommends "${missing[@]}" >&2

for package in "${missing[@]}"; do
    installed "$package" || { echo "setup: $package is still not installed" >&2; exit 1; }
done
pkg-config --exists lua5.4 || { echo "setup: pkg-config does not find lua5.4" >&2; exit 1; }
pkg-config --exists libxml-2.0 || { echo "setup: pkg-config does not find libxml-2.0" >&2; exit 1; }

echo "setup: installed ${missing[*]}${present[*]:+; found ${present[*]}}"
