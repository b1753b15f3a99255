// The page of browser/misbehaving.test.ts: the kernel and its failure cases, bundled for the
// browser and served by the misbehaving server itself (same origin, so the page reads every
// answer as the kernel would in an app).
import * as k from "../../runtime/kernel.ts";
import { cases, type Outcome } from "../kernel/misbehaving-cases.ts";

declare global {
  interface Window {
    __kernelCases?: { run(name: string, server: string, closed: string): Promise<Outcome> };
  }
}

window.__kernelCases = {
  run(name, server, closed) {
    const run = cases[name];
    if (!run) throw new Error(`no case ${name}`);
    return run({ k, server, closed });
  },
};
