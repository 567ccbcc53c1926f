#!/usr/bin/env bash
# Runs every test: installs what is missing (scripts/setup.sh), lints the rule files with luacheck (their globals
# are the rule API's, rules/.luacheckrc, so a misspelt global fails here) and the host's own Lua (the sandbox and the
# rule API, embedded in the binary at build time; .luacheckrc), builds every product (`swift build`, so the
# executables and the benchmark must compile too), checks the project's own rules and runs their fixtures with the
# built CLI (`hookrules check rules/`, `hookrules test rules/ --coverage --fail-under 100`: every case passes and
# every line and mapping of the bundled rules is exercised), writes the package's module graph for the
# architecture tests, then `swift test` with a throwaway PostgreSQL server
# for the queue's PostgreSQL cases (scripts/postgres-test-cluster.sh; stopped and removed on exit); extra arguments
# go to `swift test` (e.g. `scripts/test.sh --filter Sandbox`). Exits non-zero at the first failing step.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
luacheck --no-color --config rules/.luacheckrc rules/*.lua
luacheck --quiet --no-color Sources/LuaRuntime/Sandbox/Sandbox.lua Sources/HookRules/Rules/RuleLanguage.lua
swift build
# The module graph the architecture tests check against docs/architecture.md (SwiftPM cannot be asked while
# `swift test` holds the build folder).
swift package describe --type json > .build/package-description.json
.build/debug/hookrules check rules/
.build/debug/hookrules test rules/ --coverage --fail-under 100
# fsync off: the tests never pull the plug, and each makes and drops a database.
eval "$(scripts/postgres-test-cluster.sh start --no-fsync)"
trap 'scripts/postgres-test-cluster.sh stop "$HOOKRULES_TEST_POSTGRES_DIR"' EXIT
swift test "$@"
