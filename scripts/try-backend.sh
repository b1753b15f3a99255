#!/usr/bin/env bash
# Generates a client from the running reference backend's schema and takes it for a spin.
#   terminal 1:  cargo run -p mizan-reference-backend -- serve --addr 127.0.0.1:8000
#   terminal 2:  bash scripts/try-backend.sh [http://127.0.0.1:8000]
set -euo pipefail
cd "$(dirname "$0")/.."
URL="${1:-http://127.0.0.1:8000}"
cargo build --locked --quiet --workspace
(cd e2e && npm ci --no-audit --no-fund --loglevel=error)
./target/debug/mizan-reference-backend export-schema > target/reference-schema.json
./target/debug/mizan-generate --schema target/reference-schema.json --out e2e/.generated/backend
echo "the generated client is in e2e/.generated/backend/"
e2e/node_modules/.bin/esbuild e2e/demo.ts --bundle --platform=node --format=esm --log-level=warning --outfile=target/demo.mjs
node --experimental-websocket --no-warnings target/demo.mjs "$URL"
