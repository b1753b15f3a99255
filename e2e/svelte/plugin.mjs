// esbuild plugin for the Svelte tests: `.svelte` components go through svelte/compiler's
// `compile`, and `.svelte.ts` / `.svelte.js` modules (runes outside components) through esbuild's
// type stripping, then `compileModule`. `generate` is "client" for jsdom and Chromium, "server"
// for server rendering. Svelte and svelte-query are bundled (with the `browser` condition for the
// client, so that jsdom gets Svelte's client runtime, not its server one); every other package
// stays external and loads from the node_modules above the bundle at run time.
import { readFile } from "node:fs/promises";
import { dirname } from "node:path";
import { transform } from "esbuild";
import { compile, compileModule } from "svelte/compiler";

/** Packages bundled into the tests: one Svelte runtime (and one svelte-query) per bundle. */
const bundled = /^(svelte|esm-env|clsx|devalue|@tanstack\/(svelte-query|query-core))(\/|$)/;

/** @param {{ generate: "client" | "server", external?: boolean }} options */
export function sveltePlugin({ generate, external = true }) {
  return {
    name: "svelte",
    setup(build) {
      if (external)
        build.onResolve({ filter: /^[^./#]/ }, (args) => (bundled.test(args.path) || args.kind === "entry-point" ? undefined : { path: args.path, external: true }));
      build.onLoad({ filter: /\.svelte$/ }, async (args) => {
        const source = await readFile(args.path, "utf8");
        const { js, warnings } = compile(source, { filename: args.path, generate, dev: false });
        return { contents: js.code, loader: "js", resolveDir: dirname(args.path), warnings: own(args.path, warnings) };
      });
      build.onLoad({ filter: /\.svelte\.(ts|js)$/ }, async (args) => {
        let source = await readFile(args.path, "utf8");
        if (args.path.endsWith(".ts")) source = (await transform(source, { loader: "ts", sourcefile: args.path, target: "es2022" })).code;
        const { js, warnings } = compileModule(source, { filename: args.path, generate, dev: false });
        return { contents: js.code, loader: "js", resolveDir: dirname(args.path), warnings: own(args.path, warnings) };
      });
    },
  };
}

const asWarning = (w) => ({ text: `${w.code}: ${w.message}`, location: w.start ? { file: w.filename, line: w.start.line, column: w.start.column } : null });

/** The esbuild options shared by every Svelte bundle. */
export const svelteBuild = (generate) => ({
  bundle: true,
  format: "esm",
  target: "es2022",
  conditions: generate === "client" ? ["browser", "svelte"] : ["svelte"],
  logLevel: "warning",
});

/** The compiler's warnings about our files (svelte-query's own are its business). */
const own = (path, warnings) => (path.includes("/node_modules/") ? [] : warnings.map(asWarning));
