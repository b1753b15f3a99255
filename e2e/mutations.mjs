// The generative property behind `validate`: whatever the generator accepts, it turns into
// strict-clean TypeScript, and whatever it refuses, it refuses with a located diagnostic, never
// a crash. Valid documents (the good fixtures and the reference backend's export) are mutated
// structurally with a seeded generator: keys deleted, renamed or copied from elsewhere in the
// document, values replaced by other JSON types or by subtrees taken from elsewhere, array
// elements duplicated, dropped and swapped. Each mutant goes through the built binary; the
// accepted ones with distinct output are then type-checked under the project's strictest
// settings (see mutations-tsc.mjs).
//
//   node mutations.mjs [--count N] [--seed S] [--jobs J] [--keep]
//
// Prints one summary line of counts and exits 1 if any mutant crashed the generator, was
// refused without a coded and located diagnostic, or was accepted and then failed tsc. Failing
// mutants are kept under e2e/.mutations/failures/ to be replayed by hand.
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { availableParallelism } from "node:os";
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, renameSync, existsSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import YAML from "yaml";
import { rng } from "./random-schemas.mjs";
import { fixtureSchema } from "./yaml-twins.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const bin = process.env.MIZAN_GENERATE ?? join(root, "target", "debug", "mizan-generate");
const backend = process.env.MIZAN_REFERENCE_BACKEND ?? join(root, "target", "debug", "mizan-reference-backend");

const argv = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
};
const count = flag("count", 300);
const seed = flag("seed", 1);
const jobs = flag("jobs", Math.max(2, availableParallelism()));

/** Every (parent, key) position in `doc`, in document order. */
function positions(doc) {
  const out = [];
  const walk = (node, depth) => {
    if (depth > 40 || node === null || typeof node !== "object") return;
    for (const key of Array.isArray(node) ? node.keys() : Object.keys(node)) {
      out.push({ parent: node, key });
      walk(node[key], depth + 1);
    }
  };
  walk(doc, 0);
  return out;
}

const scalars = [null, true, false, 0, -1, 1.5, 2 ** 53, "", "x", "string", "integer", "object", "array",
  "null", "__proto__", "constructor", "a b", "1abc", "/", "/x/<int:id>/", [], {}, [null], { type: "string" }];

/** Applies one to three structural mutations to `doc` in place. */
export function mutate(doc, r) {
  const int = (n) => Math.floor(r() * n);
  const pick = (xs) => xs[int(xs.length)];
  const clone = (v) => (v === undefined ? null : structuredClone(v));
  const rounds = 1 + int(3);
  const applied = [];
  for (let i = 0; i < rounds; i++) {
    const all = positions(doc);
    if (all.length === 0) break;
    // Most of what matters lives in the extension: aim there three times out of four.
    const mizan = all.filter((p) => p.parent === doc["x-mizan-functions"] || isInside(doc["x-mizan-functions"], p.parent));
    const { parent, key } = mizan.length > 0 && r() < 0.75 ? pick(mizan) : pick(all);
    const other = pick(all);
    const op = int(9);
    const isArray = Array.isArray(parent);
    switch (op) {
      case 0: // delete
        if (isArray) parent.splice(key, 1);
        else delete parent[key];
        applied.push(`delete ${key}`);
        break;
      case 1: // replace with a scalar or an empty container
        parent[key] = clone(pick(scalars));
        applied.push(`scalar ${key}`);
        break;
      case 2: // replace with a subtree from elsewhere
        parent[key] = clone(other.parent[other.key]);
        applied.push(`graft ${key}<-${other.key}`);
        break;
      case 3: // rename the key to another key of the document
        if (!isArray && typeof other.key === "string" && !(other.key in parent)) {
          parent[other.key] = parent[key];
          delete parent[key];
          applied.push(`rename ${key}->${other.key}`);
        }
        break;
      case 4: // duplicate an array element / copy a key from elsewhere into this object
        if (isArray) parent.splice(key, 0, clone(parent[key]));
        else if (typeof other.key === "string") parent[other.key] = clone(other.parent[other.key]);
        applied.push(`dup ${key}`);
        break;
      case 5: // swap with a sibling
        if (isArray && parent.length > 1) {
          const j = int(parent.length);
          [parent[key], parent[j]] = [parent[j], parent[key]];
          applied.push(`swap ${key}`);
        }
        break;
      case 6: { // replace a string with another string of the document
        const strings = all.map((p) => p.parent[p.key]).filter((v) => typeof v === "string");
        if (strings.length > 0) parent[key] = pick(strings);
        applied.push(`string ${key}`);
        break;
      }
      case 7: // wrap in an array or an object
        parent[key] = r() < 0.5 ? [parent[key]] : { [typeof key === "string" ? key : "value"]: parent[key] };
        applied.push(`wrap ${key}`);
        break;
      default: { // numbers and booleans flipped, strings edited
        const v = parent[key];
        if (typeof v === "string") parent[key] = r() < 0.5 ? v.slice(0, int(v.length + 1)) : `${v}${pick(["_", ".", "-", " ", "<", "{", "2"])}`;
        else if (typeof v === "number") parent[key] = pick([-v, v + 1, v * 1e6, 0.5]);
        else if (typeof v === "boolean") parent[key] = !v;
        applied.push(`edit ${key}`);
      }
    }
  }
  return applied;
}

function isInside(container, node) {
  if (container === null || typeof container !== "object") return false;
  const stack = [container];
  while (stack.length > 0) {
    const n = stack.pop();
    if (n === node) return true;
    for (const v of Object.values(n)) if (v !== null && typeof v === "object") stack.push(v);
  }
  return false;
}

/** Runs a command and resolves with its status, signal and both outputs. */
function collect(command, args, options = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], ...options });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    child.on("error", (e) => resolve({ status: null, signal: null, stdout, stderr: `${stderr}${e.message}` }));
    child.on("close", (status, signal) => resolve({ status, signal, stdout, stderr }));
  });
}

/** Generated text without its comment lines, which carry no types: outputs that differ only in
 * doc comments are type-checked once. (Prettier puts every comment on lines of its own.) */
function withoutComments(text) {
  return text.replace(/^\s*(\/\/|\/\*\*|\*).*$/gm, "");
}

function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]))
    .sort();
}

async function main() {
  const work = join(here, ".mutations");
  rmSync(work, { recursive: true, force: true });
  mkdirSync(join(work, "docs"), { recursive: true });
  mkdirSync(join(work, "failures"), { recursive: true });

  // Each mutant is written as schema.json into a copy of its base's folder: a description split
  // over files (fixtures/good/multi-file) finds the files it refers to, which refer back to it.
  const bases = readdirSync(join(root, "fixtures", "good"))
    .sort()
    // YAML.parse reads JSON too.
    .map((c) => ({
      name: c,
      dir: join(root, "fixtures", "good", c),
      doc: YAML.parse(readFileSync(fixtureSchema(root, c), "utf8")),
    }));
  const exported = spawnSync(backend, ["export-schema"], { encoding: "utf8" });
  if (exported.status === 0) bases.push({ name: "backend", dir: null, doc: JSON.parse(exported.stdout) });
  /** A folder holding the base's other files, for a document to be written into as schema.json. */
  const folder = (base, name) => {
    const dir = join(work, "docs", name);
    if (base.dir) cpSync(base.dir, dir, { recursive: true });
    else mkdirSync(dir, { recursive: true });
    return join(dir, "schema.json");
  };

  const counts = { tried: 0, accepted: 0, refused: 0, crashed: 0, unlocated: 0, distinct: 0, tscFailing: 0 };
  const seen = new Map(); // output hash -> output dir
  const failures = [];
  const fail = (kind, i, detail, docFile) => {
    const kept = join(work, "failures", `${kind}-${i}.json`);
    renameSync(docFile, kept);
    failures.push(`${kind}: ${relative(root, kept)}\n${detail}`);
  };

  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const r = rng(seed * 1_000_003 + i);
      const base = bases[i % bases.length];
      const doc = structuredClone(base.doc);
      mutate(doc, r);
      const docFile = folder(base, String(i));
      writeFileSync(docFile, JSON.stringify(doc, null, r() < 0.5 ? 2 : 0));
      const out = join(work, "out", String(i));
      const res = await collect(bin, ["--schema", docFile, "--out", out, "--color", "never"]);
      counts.tried++;
      if (res.signal || res.status === null || res.status > 2 || /panicked|internal error|mizan::internal/.test(res.stderr)) {
        counts.crashed++;
        fail("crash", i, res.stderr.slice(0, 2000), docFile);
      } else if (res.status !== 0) {
        counts.refused++;
        // Every refusal names a code and points into the document.
        if (!/mizan::[a-z-]+::[a-z-]+/.test(res.stderr) || !/╭─\[[^\]\n]+:\d+:\d+\]/.test(res.stderr)) {
          counts.unlocated++;
          fail("unlocated", i, res.stderr.slice(0, 2000), docFile);
        }
        if (existsSync(out)) {
          counts.unlocated++;
          failures.push(`refused but wrote output: ${i}`);
        }
      } else {
        counts.accepted++;
        const hash = createHash("sha256");
        for (const f of filesUnder(out)) hash.update(relative(out, f)).update(withoutComments(readFileSync(f, "utf8")));
        const key = hash.digest("hex");
        if (seen.has(key)) rmSync(out, { recursive: true, force: true });
        else seen.set(key, { out, i, docFile });
      }
    }
  };
  const began = Date.now();
  await Promise.all(Array.from({ length: jobs }, worker));
  counts.distinct = seen.size;
  const generated = Date.now();

  // Type-check the distinct accepted outputs against their unmutated bases, in worker threads.
  const baseOuts = bases.map((base) => {
    const { name, doc } = base;
    const file = folder(base, `base-${name}`);
    writeFileSync(file, JSON.stringify(doc));
    const out = join(work, "base", name);
    const r = spawnSync(bin, ["--schema", file, "--out", out], { stdio: "ignore" });
    if (r.status !== 0) throw new Error(`the unmutated ${name} was refused`);
    return out;
  });
  const distinct = [...seen.values()].sort((a, b) => a.i - b.i);
  const threads = Math.max(1, Math.min(jobs, distinct.length));
  const shares = Array.from({ length: threads }, (_, t) => distinct.filter((_, k) => k % threads === t));
  const reports = await Promise.all(
    shares.map(
      (share) =>
        new Promise((resolve, reject) => {
          const worker = new Worker(new URL("./mutations-tsc.mjs", import.meta.url), {
            workerData: {
              configPath: join(here, "tsconfig.base.json"),
              mountDir: join(work, "mount"),
              bases: baseOuts,
              outputs: share.map(({ out, i }) => ({ out, base: i % bases.length })),
              batch: 40,
            },
          });
          worker.once("message", resolve);
          worker.once("error", reject);
        }),
    ),
  );
  const byOut = new Map(distinct.map((d) => [d.out, d]));
  for (const report of reports.flat()) {
    if (report.base !== undefined) {
      failures.push(`the unmutated ${bases[report.base].name} fails tsc:\n${report.errors.slice(0, 8).join("\n")}`);
      continue;
    }
    const { i, docFile } = byOut.get(report.out);
    counts.tscFailing++;
    fail("tsc", i, report.errors.slice(0, 8).join("\n"), docFile);
  }

  if (!argv.includes("--keep")) {
    rmSync(join(work, "out"), { recursive: true, force: true });
    rmSync(join(work, "docs"), { recursive: true, force: true });
  }
  console.log(
    `mutations (seed ${seed}): ${counts.tried} tried, ${counts.accepted} accepted ` +
      `(${counts.distinct} distinct outputs type-checked), ${counts.refused} refused; ` +
      `${counts.crashed} crashed, ${counts.unlocated} refused without a located diagnostic, ` +
      `${counts.tscFailing} accepted but failing tsc ` +
      `(generation ${((generated - began) / 1000).toFixed(0)} s, tsc ${((Date.now() - generated) / 1000).toFixed(0)} s)`,
  );
  for (const f of failures.slice(0, 20)) console.log(`\n${f}`);
  if (failures.length > 20) console.log(`\n… and ${failures.length - 20} more under e2e/.mutations/failures/`);
  process.exit(failures.length === 0 ? 0 : 1);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
