// The npm package as a user gets it: packed tarballs installed into a fresh React project, with
// and without install scripts; a real generation through npx; exit codes, signals, the binary
// override, and the message when the platform package is missing.
//   node --test npm/test.mjs   (after building the release binary; npm/pack.mjs packs)
import assert from "node:assert/strict";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
// The test command builds the debug binary; the bench uses the release one.
const binary = process.env.MIZAN_NPM_TEST_BINARY ?? join(root, "target", "debug", "mizan-generate");
const version = /^version = "([^"]+)"/m.exec(readFileSync(join(root, "Cargo.toml"), "utf8"))[1];
const work = mkdtempSync(join(tmpdir(), "mizan-npm-"));
let packed;

const npm = (cwd, args) => execFileSync("npm", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
const run = (cwd, args, env = {}) => spawnSync("npx", ["--no-install", "mizan-generate", ...args], { cwd, encoding: "utf8", env: { ...process.env, ...env } });

function project(name, installArgs, tarballs = [packed.main, packed.platform]) {
  const dir = join(work, name);
  cpSync(join(root, "fixtures", "good", "reference-3.1", "schema.json"), join(dir, "schema.json"), { recursive: false, force: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name, private: true, version: "1.0.0", dependencies: { react: "19.3.1" } }, null, 2));
  writeFileSync(join(dir, "mizan.toml"), '[source.file]\npath = "schema.json"\n\n[output]\ndir = "src/api"\n');
  npm(dir, ["install", "--no-audit", "--no-fund", "--loglevel=error", ...installArgs, ...tarballs]);
  return dir;
}

before(() => {
  const out = execFileSync(process.execPath, [join(root, "npm", "pack.mjs"), "--binary", binary, "--out", join(work, "tarballs")], { encoding: "utf8" });
  packed = JSON.parse(out.trim().split("\n").pop());
  assert.equal(packed.version, version, "packages are versioned like Cargo.toml");
});

after(() => rmSync(work, { recursive: true, force: true }));

test("the committed package.json is in lockstep with Cargo.toml", () => {
  const manifest = JSON.parse(readFileSync(join(root, "npm", "mizan-generate", "package.json"), "utf8"));
  const platforms = Object.keys(JSON.parse(readFileSync(join(root, "npm", "platforms.json"), "utf8"))).sort();
  assert.equal(manifest.version, version);
  assert.deepEqual(manifest.optionalDependencies, Object.fromEntries(platforms.map((k) => [`@mizan-generate/${k}`, version])));
});

test("installed with scripts: the binary replaces the launcher and generates", () => {
  const dir = project("with-scripts", []);
  const linked = readFileSync(join(dir, "node_modules", "mizan-generate", "bin", "mizan-generate.js"));
  assert.equal(linked.subarray(1, 4).toString(), "ELF", "postinstall put the native binary in place");
  assert.equal(run(dir, ["--version"]).stdout.trim(), `mizan-generate ${version}`);
  const gen = run(dir, []);
  assert.equal(gen.status, 0, gen.stderr);
  assert.match(readFileSync(join(dir, "src", "api", "react.tsx"), "utf8"), /export \{\n  MizanContext,/);
  assert.match(readFileSync(join(dir, "src", "api", "runtime", "react.tsx"), "utf8"), /export function MizanContext/);
  assert.equal(run(dir, ["--check"]).status, 0);
  const schema = JSON.parse(readFileSync(join(dir, "node_modules", "mizan-generate", "mizan.schema.json"), "utf8"));
  assert.equal(schema.title, "mizan.toml", "the package ships the config's JSON Schema");
  // The Vite plugin is exported with its types (its behaviour: npm/vite-test).
  const plugin = execFileSync(process.execPath, ["--input-type=module", "-e", 'const m = await import("mizan-generate/vite"); console.log(typeof m.default, m.default().name)'], { cwd: dir, encoding: "utf8" });
  assert.equal(plugin.trim(), "function mizan-generate");
  const exports = JSON.parse(readFileSync(join(dir, "node_modules", "mizan-generate", "package.json"), "utf8")).exports["./vite"];
  assert.match(readFileSync(join(dir, "node_modules", "mizan-generate", exports.types), "utf8"), /export default function mizan\(options\?: MizanGenerateOptions\): Plugin;/);
});

test("installed with --ignore-scripts: the launcher finds and runs the binary", () => {
  const dir = project("ignore-scripts", ["--ignore-scripts"]);
  const launcher = readFileSync(join(dir, "node_modules", "mizan-generate", "bin", "mizan-generate.js"), "utf8");
  assert.match(launcher, /^#!\/usr\/bin\/env node/, "no postinstall: still the launcher");
  assert.equal(run(dir, ["--version"]).stdout.trim(), `mizan-generate ${version}`);
  const gen = run(dir, []);
  assert.equal(gen.status, 0, gen.stderr);
  // Every file it reports is on disk (the manifest, .mizan-generate.json, is not one of them).
  const written = readdirSync(join(dir, "src", "api"), { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && !e.name.startsWith("."));
  assert.ok(written.length > 10, `a full client, not ${written.length} files`);
  assert.match(gen.stdout, new RegExp(`^src/api: ${written.length} files \\(${written.length} written, 0 unchanged\\)`));

  // Exit codes come through: invalid input is 1, a usage error 2, drift 1.
  writeFileSync(join(dir, "broken.json"), "{ not json");
  const bad = run(dir, ["--schema", "broken.json", "--out", "x"]);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /mizan::json::syntax/, "stderr comes through");
  assert.equal(run(dir, ["--frobnicate"]).status, 2);
  writeFileSync(join(dir, "src", "api", "index.ts"), "// edited\n");
  assert.equal(run(dir, ["--check", "--diff", "none"]).status, 1);

  // MIZAN_GENERATE_BINARY wins.
  const override = run(dir, ["--version"], { MIZAN_GENERATE_BINARY: binary });
  assert.equal(override.status, 0);
  const missing = run(dir, ["--version"], { MIZAN_GENERATE_BINARY: join(dir, "nope") });
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /MIZAN_GENERATE_BINARY points at .*nope/);
});

test("signals reach the binary through the launcher", async () => {
  const dir = join(work, "ignore-scripts");
  const launcher = join(dir, "node_modules", "mizan-generate", "bin", "mizan-generate.js");
  const child = spawn(process.execPath, [launcher, "--watch"], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  for (let i = 0; i < 200 && !stderr.includes("watching"); i++) await new Promise((r) => setTimeout(r, 25));
  assert.match(stderr, /watching/);
  child.kill("SIGINT");
  const code = await new Promise((resolve) => child.on("exit", (c, s) => resolve(c ?? s)));
  assert.equal(code, 0, "the binary stopped cleanly and the launcher passed its exit code on");
  assert.match(stderr, /stopped watching/);
});

test("a missing platform package says which package to install", () => {
  const dir = project("no-platform", ["--ignore-scripts", "--omit=optional"], [packed.main]);
  const r = run(dir, ["--version"]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, new RegExp(`the package @mizan-generate/${packed.key} is not installed`));
  assert.match(r.stderr, new RegExp(`npm install --save-dev @mizan-generate/${packed.key}@${version.replace(/\./g, "\\.")}`));
});
