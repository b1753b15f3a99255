#!/usr/bin/env node
// Runs the native mizan-generate binary with this process's arguments, standard streams, exit
// code and signals. The postinstall step replaces this file with the binary itself where it can
// (faster start-up); with install scripts disabled, this launcher does the job.
"use strict";

const { spawn } = require("child_process");
const { findBinary } = require("../lib/resolve.js");

const binary = findBinary();
if (binary instanceof Error) {
  process.stderr.write(binary.message + "\n");
  process.exit(1);
}
const child = spawn(binary, process.argv.slice(2), { stdio: "inherit", windowsHide: true });
const forwarded = ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT"];
const forward = (signal) => {
  if (child.exitCode === null) child.kill(signal);
};
for (const signal of forwarded) process.on(signal, forward);
child.on("error", (e) => {
  process.stderr.write(`mizan-generate: cannot run ${binary}: ${e.message}\n`);
  process.exit(1);
});
child.on("exit", (code, signal) => {
  for (const s of forwarded) process.removeListener(s, forward);
  if (signal) {
    // Die of the same signal, so that the caller sees what the child saw.
    process.kill(process.pid, signal);
  } else {
    process.exit(code ?? 1);
  }
});
