// Writes the inputs of BENCHMARKS.md's "Many diagnostics" section into DIR:
//   node bench/diagnostics.mjs DIR
// - github-clean.json / github-refs.json: GitHub's description (from @octokit/openapi, installed
//   by `npm ci` here), re-serialised the same way; the second with its first 1,000 `$ref`s
//   pointing at schemas that do not exist (1,000 mizan::schema::dangling-ref errors).
// - synthetic-clean.json / synthetic-warnings.json: bench/synthetic.mjs's 5,000 functions; the
//   second with a misspelt field in 200 of them (200 mizan::schema::unknown-field warnings).
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const dir = process.argv[2];
const github = JSON.parse(
  readFileSync(join(here, "node_modules/@octokit/openapi/generated/api.github.com.json"), "utf8"),
);
writeFileSync(join(dir, "github-clean.json"), JSON.stringify(github, null, 2));
let broken = 0;
(function walk(node) {
  if (broken >= 1000 || node === null || typeof node !== "object") return;
  if (typeof node.$ref === "string" && node.$ref.startsWith("#/components/schemas/")) {
    node.$ref += "-gone";
    broken++;
  }
  for (const v of Object.values(node)) walk(v);
})(github.components.schemas);
if (broken !== 1000) throw new Error(`only ${broken} references found`);
writeFileSync(join(dir, "github-refs.json"), JSON.stringify(github, null, 2));

const synthetic = JSON.parse(execFileSync("node", [join(here, "synthetic.mjs")], { maxBuffer: 1 << 30 }));
writeFileSync(join(dir, "synthetic-clean.json"), JSON.stringify(synthetic));
const functions = synthetic["x-mizan-functions"];
for (let i = 0; i < 200; i++) functions[i * 25].cahce = 60;
writeFileSync(join(dir, "synthetic-warnings.json"), JSON.stringify(synthetic));
