#!/usr/bin/env bash
# Runs every test: installs what is missing, builds, then `swift test` (extra arguments are passed on).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift test "$@"
