// The Vue part of the TypeScript suite, run by ../run.mjs, over every good fixture's client that
// run.mjs generates with `--framework vue` into vue/.generated/<fixture> (Node then resolves vue
// and @tanstack/vue-query from vue/node_modules):
//   typecheck: vue-tsc over all of it, the Vue runtime modules and the type-level tests in
//     types/, under ../tsconfig.base.json's strict options;
//   bundle(): the tests for Node (into vue/.build, so packages resolve from vue/node_modules) and
//     the scenario page for Chromium (vue/.build/site, served by the backend chromium.test.ts starts);
//   groups: the scenarios on jsdom and in Chromium, each against its own reference backend.
import { rmSync, mkdirSync, writeFileSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const e2e = join(here, "..");
const out = join(here, ".build");

/** The type-check step (`collect(command, args)` runs it and keeps its output). */
export const typecheck = (collect) => ({
  title: "vue-tsc: generated Vue clients, the Vue runtime and its type-level tests",
  start: () => collect(process.execPath, [join(here, "node_modules", "vue-tsc", "bin", "vue-tsc.js"), "-p", join(here, "tsconfig.json")]),
});

/** Bundles the tests (esbuild's `build`); packages stay external. */
export async function bundle(build) {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, "site"), { recursive: true });
  await build({
    entryPoints: [join(here, "jsdom.test.ts"), join(here, "chromium.test.ts"), join(e2e, "react", "dom.ts")],
    outdir: out,
    outbase: e2e,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    // Not tsconfig.json's `paths` (for vue-tsc): bare imports stay imports.
    tsconfigRaw: {},
    logLevel: "warning",
  });
  await build({
    entryPoints: [join(here, "page.ts")],
    outfile: join(out, "site", "app.js"),
    bundle: true,
    format: "esm",
    target: "es2020",
    define: { "process.env.NODE_ENV": '"development"', __VUE_OPTIONS_API__: "true", __VUE_PROD_DEVTOOLS__: "false", __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: "false" },
    nodePaths: [join(here, "node_modules"), join(e2e, "node_modules")],
    tsconfigRaw: {},
    logLevel: "warning",
  });
  writeFileSync(join(out, "site", "index.html"), readFileSync(join(here, "index.html")));
}

const built = (f) => join(out, "vue", f);

/** The two `node --test` groups; `group(title, args)` gives each a backend of its own. */
export const groups = (group) => [
  group("Vue on jsdom", ["--import", pathToFileURL(join(out, "react", "dom.mjs")).href, built("jsdom.test.mjs")]),
  group("Vue in Chromium", [built("chromium.test.mjs")]),
];
