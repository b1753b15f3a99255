// Size of the runtime kernel as an app ships it (esbuild --minify, then gzip -9), next to
// TanStack Query's core (QueryClient + QueryObserver, what a React Query app pulls in).
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

async function size(label, options) {
  const result = await build({ bundle: true, minify: true, format: "esm", target: "es2020", write: false, logLevel: "error", ...options });
  const code = result.outputFiles[0].contents;
  return { label, minified: code.length, gzipped: gzipSync(code, { level: 9 }).length };
}

const rows = [
  await size("mizan kernel (runtime/kernel.ts, everything)", { entryPoints: ["runtime/kernel.ts"] }),
  await size("@tanstack/query-core (QueryClient, QueryObserver)", {
    stdin: { contents: 'export { QueryClient, QueryObserver } from "@tanstack/query-core";', resolveDir: "bench", loader: "js" },
  }),
];
console.log("| bundle | minified | min + gzip |\n|:---|---:|---:|");
for (const r of rows) console.log(`| ${r.label} | ${r.minified} B | ${r.gzipped} B |`);
console.log(`\nkernel / query-core (min + gzip): ${(rows[0].gzipped / rows[1].gzipped).toFixed(2)}`);
