#!/usr/bin/env bash
# Generates a client from the running reference backend's schema and takes it for a spin.
#   terminal 1:  cargo run -p mizan-reference-backend -- serve --addr 127.0.0.1:8000
#   terminal 2:  bash scripts/try-backend.sh [http://127.0.0.1:8000]
set -euo pipefail
cd "$(dirname "$0")/.."
URL="${1:-http://127.0.0.1:8000}"
if ! node -e 'fetch(process.argv[1] + "/api/mizan/session/").then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$URL"; then
    echo "no reference backend answers at $URL. Start it in another terminal:" >&2
    echo "  cargo run -p mizan-reference-backend -- serve --addr 127.0.0.1:8000" >&2
    exit 1
fi
cargo build --locked --quiet --workspace
# Install the pinned TypeScript tools only when the lockfile changed since the last install.
if [ ! -f e2e/node_modules/.package-lock.json ] || [ e2e/package-lock.json -nt e2e/node_modules/.package-lock.json ]; then
    (cd e2e && npm ci --no-audit --no-fund --loglevel=error)
fi
./target/debug/mizan-reference-backend export-schema > target/reference-schema.json
./target/debug/mizan-generate --schema target/reference-schema.json --out e2e/.generated/backend
echo "the generated client is in e2e/.generated/backend/"
e2e/node_modules/.bin/esbuild e2e/demo.ts --bundle --platform=node --format=esm --log-level=warning --outfile=target/demo.mjs
node --experimental-websocket --no-warnings target/demo.mjs "$URL"
