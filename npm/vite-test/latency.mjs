// Dev-server latency through the Vite plugin: from saving a schema change to the page's reload
// message on the HMR socket (what a browser's Vite client receives).
//   node npm/vite-test/latency.mjs [runs]   (MIZAN_GENERATE_BINARY: the binary; default debug)
// Vite's dev server with mizan() runs on a copy of the reference fixture; each run edits one
// function's description and times until `full-reload` arrives. Prints the median and p90.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createServer } from "vite";
import WebSocket from "ws";
import mizan from "mizan-generate/vite";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
process.env.MIZAN_GENERATE_BINARY ??= join(root, "target", "debug", "mizan-generate");
const runs = Number(process.argv[2] ?? 15);
const dir = mkdtempSync(join(tmpdir(), "mizan-vite-latency-"));
cpSync(join(here, "app"), dir, { recursive: true });
const doc = JSON.parse(readFileSync(join(root, "fixtures", "good", "reference-3.1", "schema.json"), "utf8"));
const target = doc["x-mizan-functions"].find((f) => f.name === "echo");
const write = (marker) => {
  target.description = `Benchmark edit ${marker}.`;
  writeFileSync(join(dir, "schema.json"), JSON.stringify(doc, null, 2));
};
write("start");
const server = await createServer({ root: dir, configFile: false, logLevel: "silent", server: { host: "127.0.0.1", port: 0 }, plugins: [mizan()] });
await server.listen();
const ws = new WebSocket(`ws://127.0.0.1:${server.httpServer.address().port}/`, "vite-hmr");
await new Promise((r) => ws.once("open", r));
let waiting = null;
ws.on("message", (data) => {
  if (JSON.parse(String(data)).type === "full-reload" && waiting) waiting(performance.now());
});
const times = [];
for (let i = 0; i < runs; i++) {
  await new Promise((r) => setTimeout(r, 200));
  const reloaded = new Promise((r) => (waiting = r));
  const start = performance.now();
  write(i);
  times.push((await reloaded) - start);
  waiting = null;
}
ws.close();
await server.close();
rmSync(dir, { recursive: true, force: true });
times.sort((a, b) => a - b);
const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
console.log(`edit → full-reload over ${runs} runs: median ${at(0.5).toFixed(1)} ms, p90 ${at(0.9).toFixed(1)} ms`);
