#!/usr/bin/env bash
# Runs mizan-generate on the bundled example: the reference backend's exported schema becomes a
# typed client in example-client/. A debug build is enough for one generation, and builds in a
# fraction of the release build's time (which uses LTO).
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== building mizan-generate (cargo build; about 1-2 minutes the first time on 2 cores)"
cargo build --locked --bin mizan-generate
echo "== validating the example schema"
./target/debug/mizan-generate validate fixtures/good/reference-3.1/schema.json
echo "== generating the client into example-client/"
./target/debug/mizan-generate --schema fixtures/good/reference-3.1/schema.json --out example-client
echo "open example-client/server.ts (calls, fetchers) and example-client/react.tsx (hooks) to see the client"
