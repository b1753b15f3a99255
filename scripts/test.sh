#!/usr/bin/env bash
# Runs every check and test of the project. CI runs exactly this (see .ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo >/dev/null; then
    echo "cargo is required: install Rust from https://rustup.rs" >&2
    exit 1
fi

# Snapshots are compared, never written, here: a changed snapshot is a failure to review.
export INSTA_UPDATE=no
export CARGO_TERM_COLOR=never

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy (warnings are errors)"
cargo clippy --locked --all-targets -- -D warnings
echo "== cargo test"
cargo test --locked --all-targets
