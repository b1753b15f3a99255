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
cargo clippy --locked --workspace --all-targets -- -D warnings
echo "== cargo test"
cargo test --locked --workspace --all-targets

# The TypeScript side: tsc over every generated client, type-level tests, kernel unit tests.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "== installing Node.js (Debian packages)"
    apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null
fi
if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
    echo "== installing Chromium (Debian packages) for the browser tests"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
echo "== npm ci (e2e)"
(cd e2e && npm ci --no-audit --no-fund --loglevel=error)
(cd e2e/react18 && npm ci --no-audit --no-fund --loglevel=error)
echo "== e2e: tsc --strict over generated clients; kernel, backend, React and browser tests"
cargo build --locked --workspace --quiet
node e2e/run.mjs
echo "== Next.js example: next build (App Router, server.ts in a server component)"
bash examples/next-app/build.sh
echo "== npm package: packed, installed into a fresh project, run through npx"
node --test --test-reporter=spec npm/test.mjs
