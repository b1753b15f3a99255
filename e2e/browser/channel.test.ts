// useChatChannel() across a backend restart: "open", then "connecting" (never "open") while the
// backend is down and the kernel retries with backoff (250 ms · 2^n, capped at 30 s), then "open"
// again on the restarted backend, with messages flowing both ways. The page talks to a backend of
// its own on a fixed port, which this test kills and restarts.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import type { Browser, Page } from "playwright-core";

import * as api from "../.generated/backend/index.ts";
import { freePort, launch, screenshot, startBackend, until, watchConsole, within, type Backend } from "./helpers.ts";
import type {} from "./probe.ts";

let browser: Browser | undefined;
let backend: Backend | undefined;
let listener: api.MizanClient | undefined;

before(async () => {
  browser = await launch();
});

after(async () => {
  listener?.disconnect();
  await browser?.close();
  await backend?.kill();
});

/** Starts the backend on `addr`; a port just released may take a moment to be free again. */
async function startOn(addr: string): Promise<Backend> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await startBackend(addr);
    } catch (e) {
      if (attempt >= 20) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

const status = (page: Page) => page.getByTestId("status").textContent();

async function showsStatus(page: Page, want: string, timeout: number): Promise<void> {
  await page
    .waitForFunction((want) => document.querySelector('[data-testid="status"]')?.textContent === want, want, { timeout, polling: 10 })
    .catch(async (e: unknown) => {
      throw new Error(`the channel status should become ${want} within ${timeout} ms; it is ${await status(page)}`, { cause: e });
    });
}

async function post(page: Page, text: string): Promise<void> {
  await page.getByLabel("chat message").fill(text);
  await page.getByRole("button", { name: "Post" }).click();
}

const messages = (page: Page) => page.getByTestId("messages").locator("li").allTextContents();

test("the channel status tells the truth while the backend restarts, and messages flow again", async () => {
  assert.ok(browser);
  const port = await freePort();
  const addr = `127.0.0.1:${port}`;
  backend = await startOn(addr);
  const room = "restart";
  const page = await browser.newPage();
  page.setDefaultTimeout(10_000);
  const problems = watchConsole(page);
  await page.goto(`${backend.url}/?s=chat&room=${room}`);
  await showsStatus(page, "open", 10_000);
  await post(page, "before the restart");
  await page.getByText("anonymous: before the restart").waitFor();
  // Sockets opened so far (StrictMode's simulated unmount may have cost one: the root closes
  // the client it made when it unmounts).
  const opened = await page.evaluate(() => window.__probe.sockets);

  // The backend dies: the socket closes, and the page keeps trying to reconnect.
  await backend.kill();
  await showsStatus(page, "connecting", 5000);
  // Two failed reconnection attempts later (about 250 + 500 ms), it still says "connecting".
  await page.waitForFunction((opened) => window.__probe.sockets >= opened + 2, opened, { timeout: 10_000, polling: 20 });
  assert.equal(await status(page), "connecting");
  const sendError = page.getByTestId("send-error");
  await post(page, "while down");
  await page.waitForFunction(() => document.querySelector('[data-testid="send-error"]')?.textContent !== "", undefined, { timeout: 5000 });
  assert.equal(await sendError.textContent(), "NOT_SUBSCRIBED");

  // Back on the same port: the next attempt (backoff 1 s, 2 s, ... by now) opens and resubscribes.
  backend = await startOn(addr);
  await showsStatus(page, "open", 15_000);
  const statuses = await page.evaluate(() => window.__probe.log["status"] ?? []);
  const changes = statuses.filter((s, i) => s !== statuses[i - 1]);
  assert.deepEqual(changes, ["connecting", "open", "connecting", "open"]);

  // Messages flow again, both ways: from another subscriber to the page, and from the page.
  listener = api.createMizanClient({ baseUrl: `${backend.url}/api/mizan` });
  const heard: api.ChatMessage[] = [];
  const sub = api.subscribeChatChannel({ room }, (m) => heard.push(m), { client: listener });
  await within(sub.ready, 5000, "the Node subscriber to subscribe");
  assert.equal(sub.status(), "open");
  await sub.send({ text: "from node after the restart" });
  await page.getByText("anonymous: from node after the restart").waitFor();
  await post(page, "from the page after the restart");
  await page.getByText("anonymous: from the page after the restart").waitFor();
  await until(() => heard.some((m) => m.text === "from the page after the restart"), 5000, "the Node subscriber to hear the page");
  assert.deepEqual(await messages(page), [
    "anonymous: before the restart",
    "anonymous: from node after the restart",
    "anonymous: from the page after the restart",
  ]);
  // The failed connection attempts are the only complaints.
  assert.deepEqual(
    problems.filter((p) => !/WebSocket connection to .* failed/.test(p)),
    [],
  );
  await screenshot(page, "browser-channel-restart");
  await page.close();
});
