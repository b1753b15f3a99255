#!/usr/bin/env bash
# Builds the Svelte example from scratch: installs the pinned packages from package-lock.json, runs
# `vite build` (whose mizan-generate plugin first generates src/mizan/, not committed, from
# mizan.toml), then type-checks the app and the generated code with svelte-check (tsconfig.json,
# strict).
# MIZAN_GENERATE: the mizan-generate binary to use. Default: ../../target/debug/mizan-generate.
set -euo pipefail
generate="${MIZAN_GENERATE:-$(dirname "$0")/../../target/debug/mizan-generate}"
case "$generate" in /*) ;; */*) generate="$PWD/$generate" ;; esac
cd "$(dirname "$0")"
# The plugin runs the binary this names (the npm package's platform binary is not installed
# here: mizan-generate comes from ../../npm/mizan-generate).
export MIZAN_GENERATE_BINARY="$generate"

# Installs only when the lockfile is newer than the last install (the test command installs
# before it calls this).
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error
fi
npx vite build --logLevel warn
npx svelte-check --tsconfig ./tsconfig.json --fail-on-warnings
