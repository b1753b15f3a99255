// Sizes of the runtime code an app ships (esbuild --minify, ES2020, then gzip -9): the kernel,
// the framework-free cores every binding shares, and the React layer's own runtime without React,
// TanStack Query or the kernel (each React adapter alone, and with the core it renders), next to
// TanStack Query's core (QueryClient + QueryObserver, what any React Query app pulls in); the Vue
// and Svelte layers' own runtimes likewise, without the framework, TanStack, Zod, the kernel,
// query.ts and the cores. The Svelte layer's runtime is compiled by the Svelte compiler first
// (e2e/svelte's plugin and node_modules: run `npm ci` in e2e and e2e/svelte).
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { sveltePlugin } from "../e2e/svelte/plugin.mjs";

async function size(label, options) {
  const result = await build({ bundle: true, minify: true, format: "esm", target: "es2020", write: false, logLevel: "error", ...options });
  const code = result.outputFiles[0].contents;
  return { label, minified: code.length, gzipped: gzipSync(code, { level: 9 }).length };
}

const external = ["react", "react/*", "@tanstack/*", "zod", "./kernel"];
const rows = [
  await size("mizan kernel (runtime/kernel.ts, everything)", { entryPoints: ["runtime/kernel.ts"] }),
  await size("React binding: runtime/react.tsx", { entryPoints: ["runtime/react.tsx"], external: [...external, "./query"] }),
  await size("cache glue, framework-free: runtime/query.ts", { entryPoints: ["runtime/query.ts"], external }),
  await size("React layer: runtime/react.tsx + runtime/query.ts", { entryPoints: ["runtime/react.tsx"], external }),
  await size("forms core, framework-free: runtime/form-core.ts (without Zod)", { entryPoints: ["runtime/form-core.ts"], external }),
  await size("forms, React adapter: runtime/forms.ts", { entryPoints: ["runtime/forms.ts"], external: [...external, "./react", "./form-core"] }),
  await size("forms, React: runtime/forms.ts + runtime/form-core.ts", { entryPoints: ["runtime/forms.ts"], external: [...external, "./react"] }),
  await size("channels core, framework-free: runtime/channel-core.ts", { entryPoints: ["runtime/channel-core.ts"], external }),
  await size("channels, React adapter: runtime/channels.ts", { entryPoints: ["runtime/channels.ts"], external: [...external, "./react", "./channel-core"] }),
  await size("channels, React: runtime/channels.ts + runtime/channel-core.ts", { entryPoints: ["runtime/channels.ts"], external: [...external, "./react"] }),
  await size("Vue layer: runtime/vue.ts + vue-forms.ts + vue-channels.ts", {
    stdin: { contents: 'export * from "./vue"; export * from "./vue-forms"; export * from "./vue-channels";', resolveDir: "runtime", loader: "ts" },
    external: [...external, "vue", "./query", "./form-core", "./channel-core"],
  }),
  await size("Svelte layer: runtime/svelte.svelte.ts + forms.svelte.ts + channels.svelte.ts (compiled)", {
    stdin: { contents: 'export * from "./svelte.svelte"; export * from "./forms.svelte"; export * from "./channels.svelte";', resolveDir: "runtime", loader: "ts" },
    external: ["svelte", "svelte/*", "@tanstack/*", "zod", "./kernel", "./query", "./form-core", "./channel-core"],
    plugins: [sveltePlugin({ generate: "client", external: false })],
  }),
  await size("@tanstack/query-core (QueryClient, QueryObserver)", {
    stdin: { contents: 'export { QueryClient, QueryObserver } from "@tanstack/query-core";', resolveDir: "bench", loader: "js" },
  }),
];
console.log("| bundle | minified | min + gzip |\n|:---|---:|---:|");
for (const r of rows) console.log(`| ${r.label} | ${r.minified} B | ${r.gzipped} B |`);
const core = rows.at(-1).gzipped;
console.log(`\nkernel / query-core (min + gzip): ${(rows[0].gzipped / core).toFixed(2)}`);
console.log(`React layer / query-core (min + gzip): ${(rows[3].gzipped / core).toFixed(2)}`);
