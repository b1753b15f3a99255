// The kernel in Chromium (the browser's own fetch and WebSocket) against the deliberately
// misbehaving server (kernel/misbehaving-server.ts, started here), with the same cases and
// expected outcomes as kernel/misbehaving.test.ts in Node. The page is the bundled
// browser/kernel-page.ts, served by that server; no case may throw uncaught in the page.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";

import type { Browser, Page } from "playwright-core";

import { cases, checkMore, expected } from "../kernel/misbehaving-cases.ts";
import { closedPort, startMisbehaving, type Misbehaving } from "../kernel/misbehaving-server.ts";
import { launch, site } from "./helpers.ts";

let browser: Browser | undefined;
let server: Misbehaving | undefined;
let page: Page;
let closed = "";
const pageErrors: string[] = [];

before(async () => {
  server = await startMisbehaving(join(site, "kernel-page.js"));
  closed = await closedPort();
  browser = await launch();
  page = await browser.newPage();
  page.on("pageerror", (e) => pageErrors.push(e.message));
  await page.goto(server.url + "/");
  await page.waitForFunction(() => !!window.__kernelCases, undefined, { timeout: 10_000 });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

for (const name of Object.keys(cases)) {
  test(name, async () => {
    assert.ok(server);
    const outcome = await page.evaluate(([name, url, closed]) => window.__kernelCases!.run(name, url, closed), [name, server.url, closed] as const);
    const want = expected[name] ?? {};
    for (const key of Object.keys(want) as (keyof typeof want)[]) assert.deepEqual(outcome[key], want[key], `${key} of ${JSON.stringify(outcome)}`);
    checkMore(name, outcome);
    assert.deepEqual(pageErrors, [], "nothing thrown uncaught in the page");
  });
}
