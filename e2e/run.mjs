// The TypeScript side of the test suite:
//   1. generate a client from every good fixture with the built binary, from GitHub's API
//      description, and one importing the kernel from a package instead of kernel.ts;
//   2. type-check all of it, with the type-level tests in types/, under the strictest settings;
//   3. type-check and run the kernel unit tests in kernel/ with Node's test runner.
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const bin = process.env.MIZAN_GENERATE ?? join(root, "target", "debug", "mizan-generate");

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
run(bin, [
  "--schema", join(root, "fixtures", "good", "reference-3.1", "schema.json"),
  "--out", join(generated, "package-kernel"),
  "--kernel", "@mizan/base",
]);

const tsc = join(here, "node_modules", "typescript", "bin", "tsc");
console.log("tsc: generated clients and type-level tests");
run(process.execPath, [tsc, "-p", join(here, "tsconfig.generated.json")]);
console.log("tsc: kernel tests");
run(process.execPath, [tsc, "-p", join(here, "tsconfig.kernel.json")]);

const out = join(here, ".build");
rmSync(out, { recursive: true, force: true });
mkdirSync(out);
const tests = readdirSync(join(here, "kernel")).filter((f) => f.endsWith(".test.ts")).sort();
await build({
  entryPoints: tests.map((f) => join(here, "kernel", f)),
  outdir: out,
  outExtension: { ".js": ".mjs" },
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  logLevel: "warning",
});
run(process.execPath, ["--test", "--test-reporter=spec", ...tests.map((f) => join(out, f.replace(/\.ts$/, ".mjs")))]);
