// YAML twins: every good JSON fixture and GitHub's description, converted to YAML with the
// `yaml` package, must generate byte for byte the files their JSON generates. The YAML is
// written from the parsed JSON, so both documents say the same thing and only the syntax
// differs; any difference in output is a difference in how the two parsers read it.
//
//   node e2e/yaml-twins.mjs [work dir]
//
// Exits 1 naming each file that differs (or is missing on one side).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import YAML from "yaml";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");

/** A good fixture's document: schema.yaml when it is written in YAML, else schema.json. */
export function fixtureSchema(rootDir, c) {
  const yaml = join(rootDir, "fixtures", "good", c, "schema.yaml");
  return existsSync(yaml) ? yaml : join(rootDir, "fixtures", "good", c, "schema.json");
}

/** Every file under `dir`, by path relative to it, as bytes. */
function files(dir) {
  const out = new Map();
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) {
      const full = join(e.parentPath, e.name);
      out.set(relative(dir, full), readFileSync(full));
    }
  }
  return out;
}

/** Generates `schema` into `out`; returns the error output when the binary fails. */
function generate(bin, schema, out) {
  const r = spawnSync(bin, ["--schema", schema, "--out", out], { encoding: "utf8" });
  return r.status === 0 ? null : `exit ${r.status ?? r.signal}: ${r.stderr}`;
}

/** The differences between two generated directories, as lines. */
export function compare(jsonDir, yamlDir) {
  const a = files(jsonDir);
  const b = files(yamlDir);
  const problems = [];
  for (const [path, bytes] of a) {
    if (!b.has(path)) problems.push(`${path}: only in the JSON output`);
    else if (!bytes.equals(b.get(path))) problems.push(`${path}: differs`);
  }
  for (const path of b.keys()) if (!a.has(path)) problems.push(`${path}: only in the YAML output`);
  return problems;
}

function main() {
  const bin = process.env.MIZAN_GENERATE ?? join(root, "target", "debug", "mizan-generate");
  const work = process.argv[2] ?? join(here, ".yaml-twins");
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const inputs = readdirSync(join(root, "fixtures", "good"))
    .sort()
    .map((c) => [c, fixtureSchema(root, c)])
    .filter(([, schema]) => schema.endsWith(".json"));
  inputs.push(["github", join(here, "node_modules", "@octokit", "openapi", "generated", "api.github.com.json")]);
  const failures = [];
  for (const [name, jsonFile] of inputs) {
    const yamlFile = join(work, `${name}.yaml`);
    writeFileSync(yamlFile, YAML.stringify(JSON.parse(readFileSync(jsonFile, "utf8"))));
    const jsonOut = join(work, name, "json");
    const yamlOut = join(work, name, "yaml");
    const failed = generate(bin, jsonFile, jsonOut) ?? generate(bin, yamlFile, yamlOut);
    const problems = failed ? [failed] : compare(jsonOut, yamlOut);
    if (problems.length > 0) failures.push(`${name}:\n  ${problems.join("\n  ")}`);
    else if (files(jsonOut).size === 0) failures.push(`${name}: nothing generated`);
  }
  if (failures.length > 0) {
    console.error(`YAML twins generate other output than their JSON:\n${failures.join("\n")}`);
    process.exit(1);
  }
  console.log(`${inputs.length} YAML twins generate byte-identical output`);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) main();
