#!/usr/bin/env bash
# Runs mizan-generate on the bundled example: the reference backend's exported schema becomes a
# typed client in example-client/.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked --quiet
./target/release/mizan-generate validate fixtures/good/reference-3.1/schema.json
./target/release/mizan-generate --schema fixtures/good/reference-3.1/schema.json --out example-client
echo "open example-client/server.ts (calls, fetchers) and example-client/react.tsx (hooks) to see the client"
