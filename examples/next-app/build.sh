#!/usr/bin/env bash
# Builds the Next.js example from scratch: generates its client (src/mizan/, not committed) with
# this repository's mizan-generate, installs the pinned packages from package-lock.json, and runs
# `next build` (which type-checks the app and the generated code with tsconfig.json, strict).
# MIZAN_GENERATE: the mizan-generate binary to use. Default: ../../target/debug/mizan-generate.
set -euo pipefail
generate="${MIZAN_GENERATE:-$(dirname "$0")/../../target/debug/mizan-generate}"
case "$generate" in /*) ;; */*) generate="$PWD/$generate" ;; esac
cd "$(dirname "$0")"
export NEXT_TELEMETRY_DISABLED=1

"$generate" --config mizan.toml
# Installs only when the lockfile is newer than the last install (the test command installs
# before it calls this).
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error
fi
npx next build
