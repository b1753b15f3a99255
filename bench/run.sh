#!/usr/bin/env bash
# Reproduces the numbers in BENCHMARKS.md:   bash bench/run.sh
# Builds the release binary, installs the inputs and peers from bench/package-lock.json, then
# times each tool on the same input in the same run (hyperfine) and records peak memory.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release --locked --quiet
(cd bench && npm ci --no-audit --no-fund --silent)
if ! command -v hyperfine >/dev/null; then
    apt-get update -qq && apt-get install -y -qq hyperfine >/dev/null
fi

BIN=./target/release/mizan-generate
GITHUB=bench/node_modules/@octokit/openapi/generated/api.github.com.json
mkdir -p bench/results

echo "## Parse + validate GitHub's OpenAPI description ($(du -h "$GITHUB" | cut -f1), types only)"
hyperfine --style basic --warmup 2 --runs "${RUNS:-10}" \
    --export-markdown bench/results/validate-github.md \
    -n "mizan-generate validate" "$BIN validate $GITHUB" \
    -n "swagger-parser validate (orval's loader)" "node bench/peers/swagger-parser-validate.mjs $GITHUB" \
    -n "node: JSON.parse only, no validation" "node bench/peers/json-parse.mjs $GITHUB" \
    >/dev/null
cat bench/results/validate-github.md

echo
echo "## Peak memory (max RSS)"
peak() { /usr/bin/time -f "%M" "$@" 2>&1 >/dev/null | tail -1; }
printf '| command | max RSS |\n|:---|---:|\n'
printf '| mizan-generate validate | %s MB |\n' $(( $(peak $BIN validate $GITHUB) / 1024 ))
printf '| swagger-parser validate | %s MB |\n' $(( $(peak node bench/peers/swagger-parser-validate.mjs $GITHUB) / 1024 ))
printf '| node JSON.parse only | %s MB |\n' $(( $(peak node bench/peers/json-parse.mjs $GITHUB) / 1024 ))
