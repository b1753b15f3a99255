#!/usr/bin/env bash
# Runs every check and test of the project. CI runs exactly this (see .ci/run).
# Each step prints its name and the minutes:seconds since the start. The npm installs run in the
# background while cargo compiles; everything else runs in order and stops at the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo >/dev/null; then
    echo "cargo is required: install Rust 1.85 or later from https://rustup.rs" >&2
    exit 1
fi

# Snapshots are compared, never written, here: a changed snapshot is a failure to review.
export INSTA_UPDATE=no
export CARGO_TERM_COLOR=never

step() { printf '== [%d:%02d] %s\n' $((SECONDS / 60)) $((SECONDS % 60)) "$*"; }

# The tools the Node side needs: NODE and CHROMIUM may point at existing ones; otherwise they
# come from Debian's packages when missing (needs root and apt).
if [ -n "${NODE:-}" ]; then
    # npm and npx come from the same installation as that node.
    PATH="$(dirname "$NODE"):$PATH"
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    step "installing Node.js (Debian packages; or set NODE=/path/to/node, version 20 or later)"
    apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null
fi
if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
    step "installing Chromium (Debian packages; or set CHROMIUM=/path/to/chromium) for the browser tests"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

# npm packages from the lockfiles, installed while cargo compiles.
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
installs=()
for dir in e2e e2e/react18 e2e/vue e2e/svelte examples/next-app examples/vue examples/svelte npm/vite-test; do
    log="$logs/$(echo "$dir" | tr / -).log"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) >"$log" 2>&1 &
    installs+=("$!:$dir:$log")
done
step "npm ci started in the background: ${#installs[@]} lockfiles"

step "cargo fmt --check"
cargo fmt --all -- --check
step "cargo clippy (warnings are errors)"
cargo clippy --locked --workspace --all-targets -- -D warnings
step "cargo test"
cargo test --locked --workspace --all-targets
cargo build --locked --workspace --quiet

step "waiting for npm ci"
for entry in "${installs[@]}"; do
    IFS=: read -r pid dir log <<<"$entry"
    if ! wait "$pid"; then
        cat "$log" >&2
        echo "npm ci failed in $dir" >&2
        exit 1
    fi
done

step "e2e: tsc --strict over generated clients; kernel, backend, React and browser tests"
node e2e/run.mjs
step "Next.js example: next build (App Router, server.ts in a server component)"
bash examples/next-app/build.sh
step "Vue example: vite build through the Vite plugin, vue-tsc"
bash examples/vue/build.sh
step "Svelte example: vite build through the Vite plugin, svelte-check"
bash examples/svelte/build.sh
step "npm package: packed, installed into a fresh project, run through npx"
node --test --test-reporter=spec npm/test.mjs
step "Vite plugin: vite build and the dev server's watch, overlay and reloads"
(cd npm/vite-test && node --test --test-reporter=spec plugin.test.mjs)
step "all passed"
