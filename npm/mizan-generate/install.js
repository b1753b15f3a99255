// postinstall: check that the platform package's binary runs and is this version, then put it in
// place of the JavaScript launcher so that `mizan-generate` starts without Node. Anything that
// goes wrong leaves the launcher, which still works (and explains what is missing).
"use strict";

const fs = require("fs");
const path = require("path");
const { execFileSync } = require("child_process");
const { findBinary } = require("./lib/resolve.js");

const version = require("./package.json").version;
const launcher = path.join(__dirname, "bin", "mizan-generate.js");

function main() {
  const binary = findBinary();
  if (binary instanceof Error) {
    console.warn(binary.message);
    return;
  }
  let reported;
  try {
    reported = execFileSync(binary, ["--version"], { encoding: "utf8" }).trim();
  } catch (e) {
    console.warn(`mizan-generate: ${binary} does not run here (${e.message}); keeping the launcher.`);
    return;
  }
  if (reported !== `mizan-generate ${version}`) {
    console.warn(`mizan-generate: ${binary} reports "${reported}", not version ${version}; keeping the launcher.`);
    return;
  }
  if (process.platform === "win32" || process.env.MIZAN_GENERATE_BINARY) return;
  // Replace the launcher with the binary: a hard link where possible, else a copy.
  const temp = `${launcher}.${process.pid}.tmp`;
  try {
    try {
      fs.linkSync(binary, temp);
    } catch {
      fs.copyFileSync(binary, temp);
    }
    fs.chmodSync(temp, 0o755);
    fs.renameSync(temp, launcher);
  } catch (e) {
    try {
      fs.unlinkSync(temp);
    } catch {}
    console.warn(`mizan-generate: could not link the binary (${e.message}); keeping the launcher.`);
  }
}

main();
