// Finds the native mizan-generate binary: MIZAN_GENERATE_BINARY, else the platform package that
// npm installed as an optional dependency.
"use strict";

const fs = require("fs");
const path = require("path");

/** The platform package's key for this machine, e.g. `linux-x64-gnu`. */
function platformKey() {
  const { platform, arch } = process;
  if (platform !== "linux") return `${platform}-${arch}`;
  const report = typeof process.report?.getReport === "function" ? process.report.getReport() : null;
  const glibc = report && report.header && report.header.glibcVersionRuntime;
  return `linux-${arch}-${glibc ? "gnu" : "musl"}`;
}

function packageName() {
  return `@mizan-generate/${platformKey()}`;
}

function binaryName() {
  return process.platform === "win32" ? "mizan-generate.exe" : "mizan-generate";
}

/** The binary's path, or an Error whose message says what to do. */
function findBinary() {
  const override = process.env.MIZAN_GENERATE_BINARY;
  if (override) {
    if (fs.existsSync(override)) return override;
    return new Error(`MIZAN_GENERATE_BINARY points at ${override}, which does not exist.`);
  }
  const name = packageName();
  try {
    const manifest = require.resolve(`${name}/package.json`);
    const binary = path.join(path.dirname(manifest), "bin", binaryName());
    if (fs.existsSync(binary)) return binary;
  } catch {
    // Not installed: explained below.
  }
  return new Error(
    [
      `mizan-generate: the package ${name} is not installed, and it holds the binary for this platform.`,
      `Fix: npm install --save-dev ${name}@${require("../package.json").version}`,
      "(It is an optional dependency of mizan-generate: installing with --no-optional, --omit=optional",
      "or from a lockfile made on another platform leaves it out.)",
      "Or point MIZAN_GENERATE_BINARY at a mizan-generate binary you built or downloaded.",
    ].join("\n"),
  );
}

module.exports = { platformKey, packageName, binaryName, findBinary };
