// YAML twins: every good JSON fixture (every file of its folder: fixtures/good/multi-file is
// split over files) and GitHub's description, converted to YAML with the `yaml` package, must
// generate byte for byte the files their JSON generates; and so must GitHub's description split
// into one YAML file per schema. The YAML is written from the parsed JSON, so both say the same
// thing and only the syntax (and the files) differ; any difference in output is a difference in
// how the parsers, or the bundling of documents, read it.
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

/** `value` with every `$ref` to a `.json` document made one to its `.yaml` twin. */
function renameRefs(value) {
  if (Array.isArray(value)) return value.map(renameRefs);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      k === "$ref" && typeof v === "string" ? v.replace(/^([^#]*)\.json(#|$)/, "$1.yaml$2") : renameRefs(v),
    ]),
  );
}

/** Writes `doc` as `dir/openapi.yaml` plus `dir/schemas/<n>.yaml`, one per component schema:
 * the root's schemas become references to their files, and every `#/components/schemas/X...`
 * reference (in the root and in the schema files) one to X's file; the schema files' other
 * local references point back into the root. */
function writeSplit(doc, dir) {
  const names = Object.keys(doc.components?.schemas ?? {});
  const index = new Map(names.map((n, i) => [n, i]));
  const rewrite = (value, file, other) => {
    if (Array.isArray(value)) return value.map((v) => rewrite(v, file, other));
    if (value === null || typeof value !== "object") return value;
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => {
        if (k === "$ref" && typeof v === "string" && v.startsWith("#")) {
          const m = /^#\/components\/schemas\/([^/]*)(.*)$/.exec(v);
          const i = m && index.get(m[1].replaceAll("~1", "/").replaceAll("~0", "~"));
          return [k, i === undefined || i === null ? other + v : `${file(i)}#${m[2]}`];
        }
        if (["example", "examples", "default", "enum", "const"].includes(k)) return [k, v];
        return [k, rewrite(v, file, other)];
      }),
    );
  };
  mkdirSync(join(dir, "schemas"), { recursive: true });
  names.forEach((name, i) => {
    const schema = rewrite(doc.components.schemas[name], (j) => `./${j}.yaml`, "../openapi.yaml");
    writeFileSync(join(dir, "schemas", `${i}.yaml`), YAML.stringify(schema));
  });
  const root = rewrite(doc, (j) => `schemas/${j}.yaml`, "");
  names.forEach((name, i) => (root.components.schemas[name] = { $ref: `./schemas/${i}.yaml` }));
  writeFileSync(join(dir, "openapi.yaml"), YAML.stringify(root));
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
  const check = (name, jsonFile, yamlFile) => {
    const jsonOut = join(work, name, "json");
    const yamlOut = join(work, name, "yaml");
    const failed = generate(bin, jsonFile, jsonOut) ?? generate(bin, yamlFile, yamlOut);
    const problems = failed ? [failed] : compare(jsonOut, yamlOut);
    if (problems.length > 0) failures.push(`${name}:\n  ${problems.join("\n  ")}`);
    else if (files(jsonOut).size === 0) failures.push(`${name}: nothing generated`);
  };
  for (const [name, jsonFile] of inputs) {
    // Every JSON file of the fixture's folder becomes YAML, its references to the others
    // renamed alike (fixtures/good/multi-file is split over files).
    const dir = dirname(jsonFile);
    const twin = join(work, name, "src");
    for (const [path, bytes] of name === "github" ? [[relative(dir, jsonFile), readFileSync(jsonFile)]] : files(dir)) {
      if (!path.endsWith(".json")) continue;
      const out = join(twin, path.replace(/\.json$/, ".yaml"));
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, YAML.stringify(renameRefs(JSON.parse(bytes.toString("utf8")))));
    }
    check(name, jsonFile, join(twin, relative(dir, jsonFile).replace(/\.json$/, ".yaml")));
  }
  // GitHub's description split into one YAML file per schema: many documents, each schema's
  // references to the others made file references.
  const github = inputs.find(([name]) => name === "github")[1];
  const splitDir = join(work, "github-split", "src");
  writeSplit(JSON.parse(readFileSync(github, "utf8")), splitDir);
  check("github-split", github, join(splitDir, "openapi.yaml"));
  if (failures.length > 0) {
    console.error(`YAML twins generate other output than their JSON:\n${failures.join("\n")}`);
    process.exit(1);
  }
  console.log(`${inputs.length + 1} YAML twins (one of them GitHub's description in ${
    readdirSync(join(splitDir, "schemas")).length + 1
  } files) generate byte-identical output`);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) main();
