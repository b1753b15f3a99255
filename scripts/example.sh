#!/usr/bin/env bash
# Runs mizan-generate on the bundled example: the reference backend's exported schema.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked --quiet
./target/release/mizan-generate validate fixtures/good/reference-3.1/schema.json
