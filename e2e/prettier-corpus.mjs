// Writes tests/prettier-corpus/expected/: the generated files of every good fixture and of every
// document in tests/prettier-corpus/cases/, as the Prettier this directory pins formats them.
// `cargo test --test prettier_corpus` then checks that the generator writes exactly that.
//
//   cargo build && node e2e/prettier-corpus.mjs
//
// Run it after changing a case, adding one, or moving to another Prettier release (then also
// change PRETTIER_VERSION in src/emit/prettier/mod.rs). The kernel and the runtime modules are
// copied sources, not laid out by the generator, and are left out.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import * as prettier from "prettier";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const bin = process.env.MIZAN_GENERATE ?? join(root, "target", "debug", "mizan-generate");
const corpus = join(root, "tests", "prettier-corpus");
/** A good fixture's document: schema.yaml when it is written in YAML, else schema.json. */
const fixtureSchema = (c) => {
  const yaml = join(root, "fixtures", "good", c, "schema.yaml");
  return existsSync(yaml) ? yaml : join(root, "fixtures", "good", c, "schema.json");
};

const locked = JSON.parse(readFileSync(join(here, "package-lock.json"), "utf8")).packages["node_modules/prettier"].version;
if (prettier.version !== locked) {
  console.error(`prettier ${prettier.version} is installed, the lockfile pins ${locked}: run npm ci in e2e/`);
  process.exit(1);
}

const inputs = [
  ...readdirSync(join(root, "fixtures", "good")).map((c) => ["fixtures", c, fixtureSchema(c)]),
  ...readdirSync(join(corpus, "cases"))
    .filter((f) => f.endsWith(".json"))
    .map((f) => ["cases", f.slice(0, -".json".length), join(corpus, "cases", f)]),
].sort((a, b) => `${a[0]}/${a[1]}`.localeCompare(`${b[0]}/${b[1]}`));

const laidOut = (dir) =>
  readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name))
    .map((e) => relative(dir, join(e.parentPath, e.name)).split("\\").join("/"))
    .filter((p) => p !== "kernel.ts" && !p.startsWith("runtime/"))
    .sort();

/** The Vue and Svelte files kept in the corpus: the framework's own. */
const layerFiles = {
  vue: ["vue.ts", "forms.ts", "channels.ts", "index.ts"],
  svelte: ["svelte.svelte.ts", "forms.svelte.ts", "channels.svelte.ts", "index.ts"],
};

const expected = join(corpus, "expected");
rmSync(expected, { recursive: true, force: true });
const scratch = mkdtempSync(join(tmpdir(), "prettier-corpus-"));
let files = 0;
let differing = 0;
try {
  for (const [kind, name, schema] of inputs) for (const framework of ["react", "vue", "svelte"]) {
    // React's whole output under expected/<kind>/<name>/; Vue's and Svelte's own files under
    // expected/<framework>/<kind>/<name>/ (tests/prettier_corpus.rs lists them the same way).
    const folder = framework === "react" ? join(kind, name) : join(framework, kind, name);
    const out = join(scratch, folder);
    const r = spawnSync(bin, ["--schema", schema, "--out", out, "--framework", framework], { encoding: "utf8" });
    if (r.status !== 0) {
      console.error(`${schema}: the generator failed (${r.status ?? r.signal})\n${r.stderr}`);
      process.exit(1);
    }
    for (const path of laidOut(out).filter((p) => framework === "react" || layerFiles[framework].includes(p))) {
      const generated = readFileSync(join(out, path), "utf8");
      // Prettier's defaults; the path only picks the parser.
      const formatted = await prettier.format(generated, { filepath: path });
      const target = join(expected, folder, path);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, formatted);
      files += 1;
      if (formatted !== generated) {
        differing += 1;
        console.log(`differs from the generator's output: ${folder}/${path}`);
      }
    }
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
console.log(`prettier ${prettier.version}: ${files} files written to ${relative(root, expected)}, ${differing} unlike the generator's`);
