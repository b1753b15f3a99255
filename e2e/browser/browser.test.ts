// The React app in a real browser (Debian's Chromium, driven by playwright-core) against the
// reference backend, which also serves the app: load, merge with no request, affects with exactly
// one, a form error, and a chat message from a second page.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { after, before, test } from "node:test";

import { chromium, type Browser, type Page } from "playwright-core";

const url = process.env["MIZAN_BROWSER_URL"] ?? "";
const artifacts = process.env["MIZAN_ARTIFACTS"] ?? "artifacts";
let browser: Browser;
let page: Page;
const ctxRequests: string[] = [];

before(async () => {
  assert.ok(url, "MIZAN_BROWSER_URL is set by run.mjs");
  browser = await chromium.launch({
    executablePath: process.env["CHROMIUM"] ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  page = await browser.newPage();
  page.on("request", (r) => {
    if (r.url().includes("/api/mizan/ctx/user/")) ctxRequests.push(r.url());
  });
  page.on("pageerror", (e) => console.error("page error:", e));
});

after(async () => {
  await browser?.close();
});

test("the page shows the profile from one context request", async () => {
  await page.goto(url + "/");
  await page.getByTestId("name").filter({ hasText: "User 7" }).waitFor();
  await page.getByText("4 recent orders").waitFor();
  await page.waitForTimeout(200);
  assert.equal(ctxRequests.length, 1, "StrictMode, two hooks, one provider: one request");
});

test("a merge updates the page with no context request", async () => {
  const before = ctxRequests.length;
  await page.getByRole("button", { name: "Rename (merge)" }).click();
  await page.getByTestId("name").filter({ hasText: "Merged Name" }).waitFor();
  await page.waitForTimeout(300);
  assert.equal(ctxRequests.length, before);
});

test("an affects mutation updates the page with exactly one context request", async () => {
  const before = ctxRequests.length;
  await page.getByRole("button", { name: "Update (affects)" }).click();
  await page.getByTestId("name").filter({ hasText: "Updated Name" }).waitFor();
  await page.waitForTimeout(300);
  assert.equal(ctxRequests.length, before + 1);
});

test("the contact form shows an invalid email", async () => {
  await page.locator("input[name=name]").fill("Ada");
  await page.locator("input[name=email]").fill("not-an-email");
  await page.locator("input[name=message]").fill("Hello from the browser test");
  await page.getByRole("button", { name: "Send" }).click();
  await page.getByText("Enter a valid email address.").waitFor();
  await page.locator("input[name=email]").fill("ada@example.com");
  await page.getByRole("button", { name: "Send" }).click();
  await page.getByText("Sent.").waitFor();
});

test("a chat message posted from a second page arrives", async () => {
  await page.getByText("Chat (open)").waitFor();
  const second = await browser.newPage();
  await second.goto(url + "/");
  await second.getByText("Chat (open)").waitFor();
  await second.getByLabel("chat message").fill("Hello from page two");
  await second.getByRole("button", { name: "Post" }).click();
  await page.getByText("anonymous: Hello from page two").waitFor();
  await second.close();
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: `${artifacts}/browser-final.png`, fullPage: true });
});
