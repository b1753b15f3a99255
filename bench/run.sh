#!/usr/bin/env bash
# Reproduces the numbers in BENCHMARKS.md:   bash bench/run.sh
# Builds the release binary, installs inputs and peers from bench/package-lock.json, then times
# every tool on the same input in the same run (hyperfine) and records peak memory.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release --locked --quiet
(cd bench && npm ci --no-audit --no-fund --loglevel=error)
if ! command -v hyperfine >/dev/null; then
    apt-get update -qq && apt-get install -y -qq hyperfine >/dev/null
fi

BIN=./target/release/mizan-generate
GITHUB=bench/node_modules/@octokit/openapi/generated/api.github.com.json
RESULTS=bench/results
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$RESULTS"
node bench/synthetic.mjs > "$WORK/synthetic.json"

peak() { /usr/bin/time -f "%M" "$@" 2>&1 >/dev/null | tail -1; }
mb() { echo "$(( $1 / 1024 )) MB"; }

echo "## Parse + validate GitHub's OpenAPI description ($(du -h "$GITHUB" | cut -f1), types only)"
hyperfine --style none --warmup 2 --runs "${RUNS:-10}" \
    --export-markdown "$RESULTS/validate-github.md" \
    -n "mizan-generate validate" "$BIN validate $GITHUB" \
    -n "swagger-parser validate (orval's loader)" "node bench/peers/swagger-parser-validate.mjs $GITHUB" \
    -n "node: JSON.parse only, no validation" "node bench/peers/json-parse.mjs $GITHUB"
cat "$RESULTS/validate-github.md"

echo
echo "## Generate TypeScript types from GitHub's description"
hyperfine --style none --warmup 1 --runs "${RUNS_SLOW:-5}" \
    --prepare "rm -rf $WORK/gh-mizan $WORK/gh-ots.ts" \
    --export-markdown "$RESULTS/generate-github.md" \
    -n "mizan-generate --schema … --out …" "$BIN --schema $GITHUB --out $WORK/gh-mizan" \
    -n "openapi-typescript" "node bench/node_modules/openapi-typescript/bin/cli.js $GITHUB -o $WORK/gh-ots.ts --silent"
cat "$RESULTS/generate-github.md"

echo
echo "## Full Stage 1 generation, synthetic schema: 5,000 functions in 200 contexts ($(du -h "$WORK/synthetic.json" | cut -f1))"
hyperfine --style none --warmup 2 --runs "${RUNS:-10}" \
    --prepare "rm -rf $WORK/synthetic-out" \
    --export-markdown "$RESULTS/generate-synthetic.md" \
    -n "mizan-generate, empty output directory" "$BIN --schema $WORK/synthetic.json --out $WORK/synthetic-out"
hyperfine --style none --warmup 2 --runs "${RUNS:-10}" \
    --export-markdown "$RESULTS/regenerate-synthetic.md" \
    -n "mizan-generate, output up to date (nothing written)" "$BIN --schema $WORK/synthetic.json --out $WORK/synthetic-out"
cat "$RESULTS/generate-synthetic.md" "$RESULTS/regenerate-synthetic.md"

echo
echo "## --check on the synthetic schema (output up to date, and with drift)"
"$BIN" --schema "$WORK/synthetic.json" --out "$WORK/check-out" >/dev/null
cp -r "$WORK/check-out" "$WORK/check-drift"
sed -i 's/Reads part 0/Changed part 0/' "$WORK/check-drift/react.tsx"
hyperfine --style none --warmup 2 --runs "${RUNS:-10}" -i \
    --export-markdown "$RESULTS/check-synthetic.md" \
    -n "mizan-generate --check, up to date" "$BIN --check --schema $WORK/synthetic.json --out $WORK/check-out" \
    -n "mizan-generate --check, one file drifted (full diff)" "$BIN --check --schema $WORK/synthetic.json --out $WORK/check-drift"
cat "$RESULTS/check-synthetic.md"

echo
echo "## Many diagnostics: 1,000 errors on GitHub's description, 200 warnings on the synthetic schema"
node bench/diagnostics.mjs "$WORK"
for f in github-clean github-refs synthetic-clean synthetic-warnings; do
    for fmt in human json; do
        set -- "$@" -n "$f, $fmt" "$BIN validate --format $fmt $WORK/$f.json"
    done
done
hyperfine --style none -N -i --warmup 1 --runs "${RUNS:-10}" \
    --export-markdown "$RESULTS/diagnostics.md" "$@"
set --
cat "$RESULTS/diagnostics.md"

echo
echo "## Watch latency: saving a schema change → the regenerated file on disk (debounce 75 ms)"
printf '| schema | median | p90 | median less the debounce |\n|:---|---:|---:|---:|\n'
node bench/watch-latency.mjs "$BIN" fixtures/good/reference-3.1/schema.json 15 "reference fixture (23 functions)"
node bench/watch-latency.mjs "$BIN" "$WORK/synthetic.json" 10 "synthetic (5,000 functions, 4.6 MB)"

echo
echo "## Start-up through the npm package: \`mizan-generate --version\`"
node npm/pack.mjs --binary "$BIN" --out "$WORK/npm" | tail -1 > "$WORK/packed.json"
MAIN_TGZ=$(node -p "require('$WORK/packed.json').main")
PLAT_TGZ=$(node -p "require('$WORK/packed.json').platform")
for mode in linked launcher; do
    mkdir -p "$WORK/app-$mode" && echo '{"name":"app","private":true}' > "$WORK/app-$mode/package.json"
    extra=""; [ "$mode" = launcher ] && extra="--ignore-scripts"
    (cd "$WORK/app-$mode" && npm install --no-audit --no-fund --loglevel=error $extra "$MAIN_TGZ" "$PLAT_TGZ" >/dev/null)
done
hyperfine --style none -N --warmup 3 --runs "${RUNS:-10}" \
    --export-markdown "$RESULTS/startup.md" \
    -n "the binary itself" "$BIN --version" \
    -n "node_modules/.bin/mizan-generate (postinstall linked the binary)" "$WORK/app-linked/node_modules/.bin/mizan-generate --version" \
    -n "node_modules/.bin/mizan-generate (--ignore-scripts: the JS launcher)" "$WORK/app-launcher/node_modules/.bin/mizan-generate --version" \
    -n "npx mizan-generate (linked)" "npx --prefix $WORK/app-linked --no-install mizan-generate --version"
cat "$RESULTS/startup.md"

echo
echo "## Peak memory (max RSS)"
printf '| command | max RSS |\n|:---|---:|\n'
printf '| mizan-generate validate, GitHub | %s |\n' "$(mb "$(peak $BIN validate $GITHUB)")"
printf '| swagger-parser validate, GitHub | %s |\n' "$(mb "$(peak node bench/peers/swagger-parser-validate.mjs $GITHUB)")"
printf '| node JSON.parse only, GitHub | %s |\n' "$(mb "$(peak node bench/peers/json-parse.mjs $GITHUB)")"
rm -rf "$WORK/gh-mizan" "$WORK/synthetic-out"
printf '| mizan-generate, GitHub types | %s |\n' "$(mb "$(peak $BIN --schema $GITHUB --out $WORK/gh-mizan)")"
printf '| openapi-typescript, GitHub types | %s |\n' "$(mb "$(peak node bench/node_modules/openapi-typescript/bin/cli.js $GITHUB -o $WORK/gh-ots.ts --silent)")"
printf '| mizan-generate, synthetic 5,000 functions | %s |\n' "$(mb "$(peak $BIN --schema $WORK/synthetic.json --out $WORK/synthetic-out)")"
printf '| mizan-generate --check, synthetic | %s |\n' "$(mb "$(peak $BIN --check --schema $WORK/synthetic.json --out $WORK/synthetic-out)")"

echo
echo "## Runtime kernel size"
node bench/kernel-size.mjs
