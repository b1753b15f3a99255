import { defineConfig } from "vite";
import { svelte } from "@sveltejs/vite-plugin-svelte";
import mizan from "mizan-generate/vite";

// Where the dev server forwards the client's calls: the reference backend mounts Mizan at
// /api/mizan (`cargo run -p mizan-reference-backend -- serve --addr 127.0.0.1:8000`).
const backend = process.env.MIZAN_BACKEND ?? "http://127.0.0.1:8000";

export default defineConfig({
  // mizan() generates src/mizan from mizan.toml before the build, and regenerates it while
  // `vite` serves whenever the schema changes.
  plugins: [mizan(), svelte()],
  server: { proxy: { "/api/mizan": { target: backend, ws: true } } },
});
