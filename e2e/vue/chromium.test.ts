// The Vue scenarios (scenarios.ts) in Chromium (playwright-core): each runs in a fresh page of the
// bundled scenario page (page.ts), served by a reference backend this file starts; the scenario
// that restarts the backend gets one of its own on a fixed port, stopped and started from here.
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";

import type { Browser } from "playwright-core";

import { freePort, launch, startBackend, watchConsole, type Backend } from "../browser/helpers.ts";
import { scenarios } from "./scenarios.ts";

/** The bundled page: built tests sit in vue/.build/vue/, the page in vue/.build/site/. */
const site = fileURLToPath(new URL("../site", import.meta.url));

let browser: Browser | undefined;
const backends: Backend[] = [];

before(async () => {
  browser = await launch();
  backends.push(await startBackend("127.0.0.1:0", site));
});

after(async () => {
  await browser?.close();
  for (const b of backends) await b.kill();
});

/** Starts a backend on `addr`; a port just released may take a moment to be free again. */
async function startOn(addr: string): Promise<Backend> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await startBackend(addr, site);
    } catch (e) {
      if (attempt >= 20) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

for (const title of Object.keys(scenarios)) {
  const restartable = title.includes("backend restart");
  test(title, async () => {
    assert.ok(browser);
    const page = await browser.newPage();
    page.setDefaultTimeout(10_000);
    const problems = watchConsole(page);
    let url = backends[0]!.url;
    if (restartable) {
      const addr = `127.0.0.1:${await freePort()}`;
      let own = await startOn(addr);
      backends.push(own);
      url = own.url;
      await page.exposeFunction("__killBackend", () => own.kill());
      await page.exposeFunction("__startBackend", async () => {
        own = await startOn(addr);
        backends.push(own);
      });
    }
    await page.goto(url + "/");
    await page.waitForFunction(() => "__vue" in window);
    const failure = await page.evaluate(
      ([title, restartable]) =>
        window.__vue.run(title, restartable).then(
          () => null,
          (e: unknown) => (e instanceof Error ? (e.stack ?? e.message) : String(e)),
        ),
      [title, restartable] as const,
    );
    assert.equal(failure, null);
    // The browser reports every 4xx answer (401, 422: the scenarios assert those answers
    // themselves; 404: the favicon) and, during a restart, the failed connection attempts;
    // nothing else may show (a Vue warning would).
    assert.deepEqual(
      problems.filter((p) => !/Failed to load resource: the server responded with a status of 4\d\d/.test(p) && !(restartable && /WebSocket connection to .* failed/.test(p))),
      [],
    );
    await page.close();
  });
}
