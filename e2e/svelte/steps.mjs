// The Svelte side of the TypeScript suite, as steps e2e/run.mjs runs (which generates every good
// fixture's Svelte client into .generated/ with `--framework svelte`): svelte-check over it and
// over the type-level tests (types/) and the test components (app/) with the base options of
// ../tsconfig.base.json, and the scenarios of app/scenarios.ts in jsdom and in Chromium against
// the reference backend. Svelte, svelte-query and svelte-check come from this folder's
// node_modules (package-lock.json); jsdom, typescript, esbuild and playwright-core from ../.
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

import { sveltePlugin, svelteBuild } from "./plugin.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const e2e = dirname(here);
const out = join(here, ".build");
const built = (file) => join(out, "svelte", file);

/** The type checks, as run.mjs steps ({ title, start }). */
export const checks = (collect) => [
  {
    title: "svelte-check: generated Svelte clients, type-level tests and test components",
    start: () =>
      collect(process.execPath, [
        join(here, "node_modules", "svelte-check", "bin", "svelte-check"),
        "--workspace", here,
        "--tsconfig", join(here, "tsconfig.json"),
        "--output", "human",
        "--fail-on-warnings",
      ]),
  },
];

/** Bundles the tests for Node (jsdom, and the Chromium driver) and the page for Chromium. */
export async function bundle() {
  rmSync(out, { recursive: true, force: true });
  await build({
    ...svelteBuild("client"),
    entryPoints: [join(here, "jsdom.test.ts"), join(here, "chromium.test.ts"), join(e2e, "react", "dom.ts")],
    outdir: out,
    outbase: e2e,
    outExtension: { ".js": ".mjs" },
    platform: "node",
    plugins: [sveltePlugin({ generate: "client" })],
  });
  // The server side of the server-rendering test: Svelte's server runtime, in a bundle of its own.
  await build({
    ...svelteBuild("server"),
    entryPoints: [join(here, "app", "ssr.ts")],
    outfile: built("ssr.mjs"),
    platform: "node",
    plugins: [sveltePlugin({ generate: "server" })],
  });
  const site = built("site");
  mkdirSync(site, { recursive: true });
  await build({
    ...svelteBuild("client"),
    entryPoints: [join(here, "app", "page.ts")],
    outfile: join(site, "app.js"),
    platform: "browser",
    plugins: [sveltePlugin({ generate: "client", external: false })],
  });
  copyFileSync(join(here, "app", "index.html"), join(site, "index.html"));
}

/** The test groups; `group(title, nodeArgs)` runs `node --test` against a backend of its own. */
export const groups = (group) => [
  group("Svelte 5 on jsdom", ["--import", pathToFileURL(join(out, "react", "dom.mjs")).href, built("jsdom.test.mjs")]),
  group("Svelte 5 in Chromium", [built("chromium.test.mjs")]),
];
