// Watch latency: from saving a schema change to the regenerated file on disk.
//   node bench/watch-latency.mjs <mizan-generate> <schema.json> [runs] [label]
// Starts `mizan-generate --watch` on a copy of the schema, then edits one description at a time
// and times until the new text is in server.ts. Prints the median and the 90th percentile, and
// the same less the debounce (75 ms, the default).
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const [bin, schemaPath, runs = "15", label = schemaPath] = process.argv.slice(2);
const dir = mkdtempSync(join(tmpdir(), "mizan-watch-bench-"));
const original = readFileSync(schemaPath, "utf8");
const doc = JSON.parse(original);
const target = doc["x-mizan-functions"].find((f) => f.context == null && !f.private && !f.route);
const write = (marker) => {
  target.description = `Benchmark edit ${marker}.`;
  writeFileSync(join(dir, "schema.json"), JSON.stringify(doc));
};
write("start");
writeFileSync(join(dir, "mizan.toml"), '[source.file]\npath = "schema.json"\n[output]\ndir = "api"\n');
const child = spawn(resolve(bin), ["--watch"], { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
const index = join(dir, "api", "server.ts");
const read = () => {
  try {
    return readFileSync(index, "utf8");
  } catch {
    return "";
  }
};
const until = async (predicate, ms = 20000) => {
  const start = performance.now();
  while (!predicate()) {
    if (performance.now() - start > ms) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 1));
  }
  return performance.now();
};
await until(() => read().includes("Benchmark edit start."));
await new Promise((r) => setTimeout(r, 300));
const times = [];
for (let i = 0; i < Number(runs); i++) {
  const t0 = performance.now();
  write(`run ${i}`);
  const t1 = await until(() => read().includes(`Benchmark edit run ${i}.`));
  times.push(t1 - t0);
  await new Promise((r) => setTimeout(r, 150));
}
child.kill("SIGINT");
rmSync(dir, { recursive: true, force: true });
times.sort((a, b) => a - b);
const pct = (p) => times[Math.min(times.length - 1, Math.floor(p * times.length))];
const fmt = (n) => n.toFixed(1);
console.log(`| ${label} | ${fmt(pct(0.5))} ms | ${fmt(pct(0.9))} ms | ${fmt(pct(0.5) - 75)} ms |`);
