// Builds and packs the npm packages: the main package and the platform package for this machine
// (the others are built the same way on their own platforms), versions in lockstep with
// Cargo.toml.  node npm/pack.mjs [--binary path] [--out dir]   → prints the tarballs' paths
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? resolve(args[args.indexOf(name) + 1]) : fallback);
const out = option("--out", join(root, "target", "npm"));
const cargo = readFileSync(join(root, "Cargo.toml"), "utf8");
const version = /^version = "([^"]+)"/m.exec(cargo)[1];
const platforms = JSON.parse(readFileSync(join(here, "platforms.json"), "utf8"));
const { platformKey } = createRequire(import.meta.url)("./mizan-generate/lib/resolve.js");

let binary = option("--binary", null);
if (!binary) {
  execFileSync("cargo", ["build", "--release", "--locked", "--quiet", "-p", "mizan-generate"], { cwd: root, stdio: "inherit" });
  binary = join(root, "target", "release", process.platform === "win32" ? "mizan-generate.exe" : "mizan-generate");
}
const key = platformKey();
const platform = platforms[key];
if (!platform) throw new Error(`no platform package is defined for ${key} (npm/platforms.json)`);

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const pack = (dir) => {
  const name = execFileSync("npm", ["pack", "--silent", "--pack-destination", out], { cwd: dir, encoding: "utf8" }).trim().split("\n").pop();
  return join(out, name);
};

// The main package: its version and every optional dependency in lockstep with Cargo.toml.
const main = join(out, "stage", "mizan-generate");
cpSync(join(here, "mizan-generate"), main, { recursive: true });
copyFileSync(join(root, "mizan.schema.json"), join(main, "mizan.schema.json"));
const manifest = JSON.parse(readFileSync(join(main, "package.json"), "utf8"));
manifest.version = version;
manifest.optionalDependencies = Object.fromEntries(Object.keys(platforms).sort().map((k) => [`@mizan-generate/${k}`, version]));
writeFileSync(join(main, "package.json"), JSON.stringify(manifest, null, 2) + "\n");

// This machine's platform package.
const plat = join(out, "stage", key);
mkdirSync(join(plat, "bin"), { recursive: true });
copyFileSync(binary, join(plat, "bin", platform.binary));
chmodSync(join(plat, "bin", platform.binary), 0o755);
const platManifest = {
  name: `@mizan-generate/${key}`,
  version,
  description: `The mizan-generate binary for ${key}`,
  license: "MIT",
  os: [platform.os],
  cpu: [platform.cpu],
  ...(platform.libc ? { libc: [platform.libc] } : {}),
  files: ["bin/"],
  preferUnplugged: true,
};
writeFileSync(join(plat, "package.json"), JSON.stringify(platManifest, null, 2) + "\n");
writeFileSync(join(plat, "README.md"), `# @mizan-generate/${key}\n\nThe native binary of [mizan-generate](https://www.npmjs.com/package/mizan-generate) for ${key}. Install \`mizan-generate\`, not this.\n`);

const tarballs = { main: pack(main), platform: pack(plat) };
if (!existsSync(tarballs.main) || !existsSync(tarballs.platform)) throw new Error("npm pack produced no tarball");
console.log(JSON.stringify({ version, key, ...tarballs }));
