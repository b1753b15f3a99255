// The Vue scenarios (scenarios.ts) on jsdom, against the reference backend run.mjs started
// (MIZAN_URL); the scenario that restarts its backend gets one of its own on a fixed port. The
// DOM is preloaded with --import (../react/dom.ts).
import { after, afterEach, test } from "node:test";

import { freePort, startBackend, type Backend } from "../browser/helpers.ts";
import { tidy, type Env } from "./harness.ts";
import { scenarios } from "./scenarios.ts";

const url = process.env["MIZAN_URL"] ?? "";
const backends: Backend[] = [];

afterEach(tidy);
after(async () => {
  for (const b of backends) await b.kill();
});

/** Starts a backend on `addr`; a port just released may take a moment to be free again. */
async function startOn(addr: string): Promise<Backend> {
  for (let attempt = 0; ; attempt++) {
    try {
      const b = await startBackend(addr, undefined);
      backends.push(b);
      return b;
    } catch (e) {
      if (attempt >= 20) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

for (const [title, run] of Object.entries(scenarios))
  test(title, async () => {
    const env: Env = { url };
    if (title.includes("backend restart")) {
      const addr = `127.0.0.1:${await freePort()}`;
      let own = await startOn(addr);
      env.restartable = {
        url: own.url,
        kill: () => own.kill(),
        start: async () => void (own = await startOn(addr)),
      };
    }
    await run(env);
  });
