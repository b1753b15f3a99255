// The TypeScript side of the test suite:
//   1. generate a client from every good fixture with the built binary (React, and Vue and
//      Svelte into e2e/vue/.generated and e2e/svelte/.generated), from GitHub's API
//      description, and one importing the kernel from a package instead of kernel.ts;
//   2. check that YAML twins of the JSON inputs generate the same bytes (yaml-twins.mjs),
//      type-check all of it, with the type-level tests in types/, under the strictest settings,
//      and check that the hostile fixture's schema text stayed inside literals and comments
//      (hostile.mjs), and that mutated documents are refused with a located diagnostic or
//      generate code that type-checks (mutations.mjs);
//   3. type-check and run the kernel unit tests in kernel/, and the client of the reference
//      backend (backend/) against a freshly started mizan-reference-backend, with Node's test
//      runner; the server is stopped at the end whatever happens.
// The Vue and Svelte layers' steps (vue-tsc, svelte-check, their jsdom and Chromium groups) are in
// vue/steps.mjs and svelte/steps.mjs; the lines that run them are marked `vue.` and `svelte.`.
// Independent steps run side by side (see `inParallel`); each step's output is printed whole,
// in a fixed order, once it ends, so the log reads the same whatever finished first.
import { spawn, spawnSync } from "node:child_process";
import { availableParallelism } from "node:os";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import { randomDocument } from "./random-schemas.mjs";
import { fixtureSchema } from "./yaml-twins.mjs";
import * as svelte from "./svelte/steps.mjs";
import * as vue from "./vue/steps.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const bin = process.env.MIZAN_GENERATE ?? join(root, "target", "debug", "mizan-generate");
const backend = process.env.MIZAN_REFERENCE_BACKEND ?? join(root, "target", "debug", "mizan-reference-backend");

function run(command, args, options = {}) {
  const r = spawnSync(command, args, { stdio: "inherit", ...options });
  if (r.status !== 0) {
    console.error(`failed (${r.status ?? r.signal}): ${command} ${args.join(" ")}`);
    process.exit(1);
  }
}

const generated = join(here, ".generated");
rmSync(generated, { recursive: true, force: true });
const goodFixtures = readdirSync(join(root, "fixtures", "good")).sort();
for (const c of goodFixtures) {
  run(bin, ["--schema", fixtureSchema(root, c), "--out", join(generated, c)]);
}
// Every good fixture's Vue and Svelte layers, each beside the node_modules its tests resolve
// `vue`, `svelte` and their TanStack adapters from (e2e/vue/, e2e/svelte/).
const frameworkGenerated = { vue: join(here, "vue", ".generated"), svelte: join(here, "svelte", ".generated") };
for (const [framework, dir] of Object.entries(frameworkGenerated)) {
  rmSync(dir, { recursive: true, force: true });
  for (const c of goodFixtures) {
    run(bin, ["--schema", fixtureSchema(root, c), "--out", join(dir, c), "--framework", framework], {
      stdio: ["inherit", "ignore", "inherit"],
    });
  }
}
// A large real-world document: GitHub's API description (types only).
run(bin, [
  "--schema", join(here, "node_modules", "@octokit", "openapi", "generated", "api.github.com.json"),
  "--out", join(generated, "github"),
]);
// Random documents (reproducible: fixed seeds) with shapes no fixture has: long names, long
// unions, nested objects, tuples, maps, many arguments. Their clients go through the same
// Prettier and tsc checks as the others.
const randomDocs = join(generated, "random-schemas");
mkdirSync(randomDocs, { recursive: true });
for (let seed = 1; seed <= 40; seed++) {
  const file = join(randomDocs, `random-${seed}.json`);
  writeFileSync(file, JSON.stringify(randomDocument(seed), null, 2));
  run(bin, ["--schema", file, "--out", join(generated, `random-${seed}`)], { stdio: ["inherit", "ignore", "inherit"] });
}
// The client of the reference backend, from the schema it exports.
const exported = spawnSync(backend, ["export-schema"], { encoding: "utf8" });
if (exported.status !== 0) {
  console.error(exported.stderr);
  process.exit(1);
}
mkdirSync(generated, { recursive: true });
writeFileSync(join(generated, "backend-schema.json"), exported.stdout);
run(bin, ["--schema", join(generated, "backend-schema.json"), "--out", join(generated, "backend")]);
run(bin, [
  "--schema", join(root, "fixtures", "good", "reference-3.1", "schema.json"),
  "--out", join(generated, "package-kernel"),
  "--kernel", "@mizan/base",
]);

/** Runs a command to its end, its output kept for the log. */
function collect(command, args, options = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], ...options });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("error", (e) => resolve({ status: 1, output: `${output}${e.message}\n` }));
    child.on("close", (code, signal) => resolve({ status: code ?? 1, signal, output }));
  });
}

/** Runs `steps` ({ title, start }) at most `limit` at a time and prints each one's output in
 * the order given. Resolves to the first non-zero status, or 0. */
async function inParallel(steps, limit = Math.max(2, availableParallelism())) {
  const results = new Array(steps.length);
  let next = 0;
  const worker = async () => {
    while (next < steps.length) {
      const i = next++;
      const began = Date.now();
      console.log(`-- started: ${steps[i].title}`);
      results[i] = { ...(await steps[i].start()), seconds: (Date.now() - began) / 1000 };
      console.log(`-- ${results[i].status === 0 ? "passed" : "FAILED"}: ${steps[i].title}`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, steps.length) }, worker));
  let status = 0;
  steps.forEach(({ title }, i) => {
    const r = results[i];
    console.log(`== ${title} (${r.seconds.toFixed(0)} s)`);
    process.stdout.write(r.output);
    if (r.status !== 0) {
      console.error(`failed (${r.signal ?? r.status}): ${title}`);
      status ||= r.status;
    }
  });
  return status;
}

// Every generated file is exactly as Prettier's defaults would leave it. `--ignore-path` is
// pointed at an empty list: by default Prettier skips what .gitignore lists, .generated/ included.
const generatedFiles = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? generatedFiles(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : [],
  );
const noIgnores = join(generated, ".prettierignore-none");
writeFileSync(noIgnores, "");
const tsc = join(here, "node_modules", "typescript", "bin", "tsc");
const typecheck = (title, project) => ({ title, start: () => collect(process.execPath, [tsc, "-p", join(here, project)]) });
const checked = await inParallel([
  {
    title: "prettier --check: every generated file",
    start: () =>
      collect(process.execPath, [
        join(here, "node_modules", "prettier", "bin", "prettier.cjs"),
        "--check", "--log-level=warn", "--ignore-path", noIgnores,
        ...generatedFiles(generated),
        ...Object.values(frameworkGenerated).flatMap(generatedFiles),
      ]),
  },
  {
    // fixtures/good/hostile: schema text stays inside literals and comments (see hostile.mjs).
    title: "hostile schema text: only inside literals and comments",
    start: () => collect(process.execPath, [join(here, "hostile.mjs"), join(generated, "hostile")]),
  },
  {
    // Every good JSON fixture and GitHub's description, converted to YAML, generate the same
    // bytes as their JSON (yaml-twins.mjs).
    title: "YAML twins: byte-identical output from YAML and JSON",
    start: () => collect(process.execPath, [join(here, "yaml-twins.mjs")], { env: { ...process.env, MIZAN_GENERATE: bin } }),
  },
  typecheck("tsc: generated clients and type-level tests", "tsconfig.generated.json"),
  typecheck("tsc: generated React code against React 18's types", "tsconfig.react18.json"),
  typecheck("tsc: kernel tests", "tsconfig.kernel.json"),
  typecheck("tsc: the runtime modules and their unit tests", "tsconfig.runtime.json"),
  ...svelte.checks(collect),
  vue.typecheck(collect),
  {
    // Whatever the generator accepts type-checks; whatever it refuses gets a located diagnostic
    // (mutations.mjs; the long run's numbers are in BENCHMARKS.md).
    title: "mutations: 300 seeded mutants of the good fixtures",
    start: () => collect(process.execPath, [join(here, "mutations.mjs"), "--count", "300", "--jobs", "1"]),
  },
  {
    // 50 real-world descriptions from a pinned package: each generates or is refused exactly as
    // corpus/sample.json records, and what generates type-checks (see corpus/sample.mjs).
    title: "corpus sample: 50 real-world OpenAPI descriptions",
    start: () => collect(process.execPath, [join(root, "corpus", "sample.mjs")]),
  },
]);
if (checked !== 0) process.exit(checked);

const out = join(here, ".build");
rmSync(out, { recursive: true, force: true });
mkdirSync(out);
const testsIn = (dir) => readdirSync(join(here, dir)).filter((f) => /\.test\.tsx?$/.test(f)).sort().map((f) => join(here, dir, f));
const built = (f) => join(out, f.slice(here.length + 1).replace(/\.tsx?$/, ".mjs"));
// Runtime unit tests: `.ts` ones need no DOM, `.tsx` ones render React on jsdom.
const runtimeTests = testsIn("runtime");
const plain = [...testsIn("kernel"), ...runtimeTests.filter((f) => f.endsWith(".ts")), ...testsIn("backend")];
const browserTests = testsIn("browser");
const react = [...runtimeTests.filter((f) => f.endsWith(".tsx")), ...testsIn("react")];
const dom = join(here, "react", "dom.ts");
/** Bundles test files for Node. npm packages stay external and load at run time from the
 * node_modules nearest to `outdir`: one React for the app code and the tests. */
const bundleTests = (entryPoints, outdir) =>
  build({
    entryPoints,
    outdir,
    outbase: here,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    jsx: "automatic",
    packages: "external",
    logLevel: "warning",
  });
await bundleTests([...plain, ...react, ...browserTests, dom], out);
await vue.bundle(build);

// The React tests once more, built where Node resolves React 18 (react18/node_modules).
const react18 = join(here, "react18", ".build");
rmSync(react18, { recursive: true, force: true });
await bundleTests([...react, dom], react18);
const built18 = (f) => join(react18, f.slice(here.length + 1).replace(/\.tsx?$/, ".mjs"));
// Make sure those bundles really get React 18, not the React 19 one level up.
writeFileSync(join(react18, "version.mjs"), 'import { version } from "react"; process.stdout.write(version);');
const version18 = spawnSync(process.execPath, [join(react18, "version.mjs")], { encoding: "utf8" }).stdout;
if (!version18.startsWith("18.")) {
  console.error(`the React 18 run would use React ${version18}: run npm ci in e2e/react18`);
  process.exit(1);
}

// The browser app: bundled for the browser, served by the reference backend (same origin).
const site = join(out, "site");
mkdirSync(site, { recursive: true });
await build({
  entryPoints: [join(here, "browser", "app.tsx")],
  outfile: join(site, "app.js"),
  bundle: true,
  format: "esm",
  target: "es2020",
  jsx: "automatic",
  define: { "process.env.NODE_ENV": '"development"' },
  logLevel: "warning",
});
writeFileSync(join(site, "index.html"), readFileSync(join(here, "browser", "index.html")));
// The kernel's failure cases for Chromium, served by the misbehaving server that
// browser/misbehaving.test.ts starts.
await build({
  entryPoints: [join(here, "browser", "kernel-page.ts")],
  outfile: join(site, "kernel-page.js"),
  bundle: true,
  format: "esm",
  target: "es2020",
  logLevel: "warning",
});

// The Svelte tests and the page their Chromium group drives.
await svelte.bundle();

// Each test group gets a fresh reference backend on an ephemeral port (so groups running side
// by side share no server state), stopped whatever happens.
const secret = "e2e-mwt-secret";
const servers = new Set();
const stopAll = () => {
  for (const server of servers) if (server.exitCode === null) server.kill("SIGTERM");
};
process.on("exit", stopAll);
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(130));
async function startBackend() {
  const server = spawn(backend, ["serve", "--addr", "127.0.0.1:0", "--static", site], {
    env: { ...process.env, MIZAN_MWT_SECRET: secret },
    stdio: ["ignore", "pipe", "pipe"],
  });
  servers.add(server);
  let log = "";
  server.stderr.on("data", (chunk) => (log += chunk));
  const url = await new Promise((resolve, reject) => {
    let seen = "";
    server.stdout.on("data", (chunk) => {
      seen += chunk;
      const m = /listening on (http:\/\/\S+)/.exec(seen);
      if (m) resolve(m[1]);
    });
    server.on("exit", (code) => reject(new Error(`the reference backend exited (${code}) before listening:\n${log}`)));
    setTimeout(() => reject(new Error("the reference backend did not start in 30 s")), 30000);
  });
  const stop = () =>
    new Promise((resolve) => {
      if (server.exitCode !== null) return resolve();
      server.on("exit", resolve);
      server.kill("SIGTERM");
    });
  return { url, stop, log: () => log };
}

const chromium = process.env.CHROMIUM ?? "/usr/bin/chromium";
/** One `node --test` run against a backend of its own; the backend's log follows the tests'. */
const group = (title, args) => ({
  title,
  start: async () => {
    const server = await startBackend();
    const env = {
      ...process.env,
      MIZAN_URL: server.url,
      MIZAN_BROWSER_URL: server.url,
      MIZAN_MWT_SECRET: secret,
      MIZAN_ARTIFACTS: join(here, "artifacts"),
      CHROMIUM: chromium,
      // Tests that need a backend of their own (two roots, a restart) start it from here.
      MIZAN_REFERENCE_BACKEND: backend,
      // The bundled browser app, which those backends serve too (--static).
      MIZAN_SITE: site,
    };
    const r = await collect(process.execPath, ["--experimental-websocket", "--no-warnings", "--test", "--test-reporter=spec", ...args], { env });
    await server.stop();
    const log = server.log();
    return { ...r, output: `reference backend: ${server.url}\n${r.output}${log ? `-- reference backend log\n${log}` : ""}` };
  },
});
if (!existsSync(chromium)) {
  console.error(`no browser at ${chromium}: the test command installs Debian's chromium, or set CHROMIUM`);
  process.exit(1);
}
// Two groups at a time: the tests measure request counts and reconnect delays, which a
// saturated machine would make flaky.
const status = await inParallel(
  [
    group("kernel, runtime and generated client against the reference backend (Node)", plain.map(built)),
    // The React tests get a DOM before anything loads.
    group("React 19 on jsdom", ["--import", pathToFileURL(built(dom)).href, ...react.map(built)]),
    group("React 18 on jsdom", ["--import", pathToFileURL(built18(dom)).href, ...react.map(built18)]),
    group("Chromium", browserTests.map(built)),
    ...svelte.groups(group),
    ...vue.groups(group),
  ],
  2,
);
stopAll();
process.exit(status);
