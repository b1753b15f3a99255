// The scenarios of app/scenarios.ts in Chromium (playwright-core), each on a fresh page served by
// a reference backend of this file's own (with the Svelte page as its --static site); and a chat
// room's status through a backend restart: "open", then "connecting" (never "open") while the
// backend is down and the kernel retries, then "open" again, with messages flowing.
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";

import type { Page } from "playwright-core";

import { freePort, launch, startBackend, watchConsole, within, type Backend } from "../browser/helpers.ts";
import * as api from "./.generated/reference-3.1/index.ts";
import type {} from "./app/page.ts";

const site = fileURLToPath(new URL("./site", import.meta.url));
const browser = await launch();
const main = await startBackend("127.0.0.1:0", site);
let restarted: Backend | undefined;

after(async () => {
  await browser.close();
  await main.kill();
  await restarted?.kill();
});

async function open(url: string): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage();
  page.setDefaultTimeout(10_000);
  const problems = watchConsole(page);
  await page.goto(url);
  await page.waitForFunction(() => window.__svelte !== undefined);
  return { page, problems };
}

const names = await (async () => {
  const { page } = await open(main.url);
  const list = await page.evaluate(() => window.__svelte.names);
  await page.close();
  return list;
})();

for (const name of names)
  test(name, async () => {
    const { page, problems } = await open(main.url);
    await page.evaluate((name) => window.__svelte.run(name), name);
    // Chromium logs the answers that are errors by design (404, 422, 501) and aborted requests.
    assert.deepEqual(
      problems.filter((p) => !/status of (404|422|501)|ERR_ABORTED|ERR_FAILED/.test(p)),
      [],
    );
    await page.close();
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

test("a channel's status tells the truth while the backend restarts, and messages flow again", async () => {
  const addr = `127.0.0.1:${await freePort()}`;
  restarted = await startOn(addr);
  const room = "svelte-restart";
  const { page, problems } = await open(`${restarted.url}/?s=chat&room=${room}`);
  const status = () => page.getByTestId("status").textContent();
  const shows = (want: string, timeout: number) => page.waitForFunction((want) => document.querySelector('[data-testid="status"]')?.textContent === want, want, { timeout, polling: 10 });
  const post = async (text: string) => {
    await page.getByLabel("chat message").fill(text);
    await page.getByRole("button", { name: "Post" }).click();
  };
  await shows("open", 10_000);
  await post("before the restart");
  await page.getByText("anonymous: before the restart").waitFor();
  const opened = await page.evaluate(() => window.__svelte.sockets);

  await restarted.kill();
  await shows("connecting", 5000);
  await page.waitForFunction((opened) => window.__svelte.sockets >= opened + 2, opened, { timeout: 10_000, polling: 20 });
  assert.equal(await status(), "connecting", "still connecting after two failed attempts");
  await post("while down");
  await page.waitForFunction(() => document.querySelector('[data-testid="send-error"]')?.textContent !== "", undefined, { timeout: 5000 });
  assert.equal(await page.getByTestId("send-error").textContent(), "NOT_SUBSCRIBED");

  restarted = await startOn(addr);
  await shows("open", 15_000);
  const statuses = await page.evaluate(() => window.__svelte.status);
  assert.deepEqual(
    statuses.filter((s, i) => s !== statuses[i - 1]),
    ["connecting", "open", "connecting", "open"],
  );

  const listener = api.createMizanClient({ baseUrl: `${restarted.url}/api/mizan` });
  const heard: api.ChatMessage[] = [];
  const sub = api.subscribeChatChannel({ room }, (m) => heard.push(m), { client: listener });
  try {
    await within(sub.ready, 5000, "the Node subscriber to subscribe");
    await sub.send({ text: "from node after the restart" });
    await page.getByText("anonymous: from node after the restart").waitFor();
    await post("from the page after the restart");
    await page.getByText("anonymous: from the page after the restart").waitFor();
    await within(
      (async () => {
        while (!heard.some((m) => m.text === "from the page after the restart")) await new Promise((r) => setTimeout(r, 20));
      })(),
      5000,
      "the Node subscriber to hear the page",
    );
  } finally {
    sub.close();
    listener.disconnect();
  }
  assert.deepEqual(
    problems.filter((p) => !/WebSocket connection to .* failed/.test(p)),
    [],
  );
  await page.close();
});
