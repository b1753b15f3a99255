// The TypeScript side of the test suite:
//   1. generate a client from every good fixture with the built binary, from GitHub's API
//      description, and one importing the kernel from a package instead of kernel.ts;
//   2. type-check all of it, with the type-level tests in types/, under the strictest settings;
//   3. type-check and run the kernel unit tests in kernel/, and the client of the reference
//      backend (backend/) against a freshly started mizan-reference-backend, with Node's test
//      runner; the server is stopped at the end whatever happens.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import { randomDocument } from "./random-schemas.mjs";

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
for (const c of readdirSync(join(root, "fixtures", "good")).sort()) {
  run(bin, ["--schema", join(root, "fixtures", "good", c, "schema.json"), "--out", join(generated, c)]);
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

// Every generated file is exactly as Prettier's defaults would leave it. `--ignore-path` is
// pointed at an empty list: by default Prettier skips what .gitignore lists, .generated/ included.
console.log("prettier --check: every generated file");
const generatedFiles = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? generatedFiles(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : [],
  );
const noIgnores = join(generated, ".prettierignore-none");
writeFileSync(noIgnores, "");
run(process.execPath, [
  join(here, "node_modules", "prettier", "bin", "prettier.cjs"),
  "--check", "--log-level=warn", "--ignore-path", noIgnores,
  ...generatedFiles(generated),
]);

const tsc = join(here, "node_modules", "typescript", "bin", "tsc");
console.log("tsc: generated clients and type-level tests");
run(process.execPath, [tsc, "-p", join(here, "tsconfig.generated.json")]);
console.log("tsc: generated React code against React 18's types");
run(process.execPath, [tsc, "-p", join(here, "tsconfig.react18.json")]);
console.log("tsc: kernel tests");
run(process.execPath, [tsc, "-p", join(here, "tsconfig.kernel.json")]);
console.log("tsc: the runtime modules and their unit tests");
run(process.execPath, [tsc, "-p", join(here, "tsconfig.runtime.json")]);

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

// A fresh reference backend on an ephemeral port, stopped whatever happens.
const secret = "e2e-mwt-secret";
const server = spawn(backend, ["serve", "--addr", "127.0.0.1:0", "--static", site], {
  env: { ...process.env, MIZAN_MWT_SECRET: secret },
  stdio: ["ignore", "pipe", "inherit"],
});
const stop = () => {
  if (server.exitCode === null) server.kill("SIGTERM");
};
process.on("exit", stop);
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(130));
const serverUrl = await new Promise((resolve, reject) => {
  let seen = "";
  server.stdout.on("data", (chunk) => {
    seen += chunk;
    const m = /listening on (http:\/\/\S+)/.exec(seen);
    if (m) resolve(m[1]);
  });
  server.on("exit", (code) => reject(new Error(`the reference backend exited (${code}) before listening`)));
  setTimeout(() => reject(new Error("the reference backend did not start in 30 s")), 30000);
});
console.log(`reference backend: ${serverUrl}`);

const chromium = process.env.CHROMIUM ?? "/usr/bin/chromium";
const env = {
  ...process.env,
  MIZAN_URL: serverUrl,
  MIZAN_BROWSER_URL: serverUrl,
  MIZAN_MWT_SECRET: secret,
  MIZAN_ARTIFACTS: join(here, "artifacts"),
  CHROMIUM: chromium,
  // Tests that need a backend of their own (two roots, a restart) start it from here.
  MIZAN_REFERENCE_BACKEND: backend,
  // The bundled browser app, which those backends serve too (--static).
  MIZAN_SITE: site,
};
const node = (args) => spawnSync(process.execPath, ["--experimental-websocket", "--no-warnings", ...args], { stdio: "inherit", env }).status ?? 1;
const status =
  node(["--test", "--test-reporter=spec", ...plain.map(built)]) ||
  // The React tests get a DOM before anything loads.
  node(["--import", pathToFileURL(built(dom)).href, "--test", "--test-reporter=spec", ...react.map(built)]) ||
  node(["--import", pathToFileURL(built18(dom)).href, "--test", "--test-reporter=spec", ...react.map(built18)]) ||
  (existsSync(chromium)
    ? node(["--test", "--test-reporter=spec", ...browserTests.map(built)])
    : (console.error(`no browser at ${chromium}: the test command installs Debian's chromium`), 1));
stop();
await new Promise((resolve) => (server.exitCode === null ? server.on("exit", resolve) : resolve()));
process.exit(status);
