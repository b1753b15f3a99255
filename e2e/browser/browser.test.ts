// The generated React layer (React 19, TanStack Query v5) in a real browser (Debian's Chromium,
// driven by playwright-core) against the reference backend, which also serves the app (app.tsx).
// Requests are counted from the page's side (page.on("request")); requests that a test needs to
// see in flight are held with page.route (helpers.ts `gate`).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import type { Browser, Page, Request } from "playwright-core";

import { gate, launch, mainUrl, pause, profileName, recordRequests, screenshot, startBackend, watchConsole, type Backend } from "./helpers.ts";
import type {} from "./probe.ts";

let browser: Browser;
const cleanup: (() => Promise<void>)[] = [];

before(async () => {
  assert.ok(mainUrl, "MIZAN_BROWSER_URL is set by run.mjs");
  browser = await launch();
});

after(async () => {
  for (const c of cleanup.reverse()) await c().catch((e: unknown) => console.error("cleanup:", e));
  await browser?.close();
});

interface Opened {
  page: Page;
  requests: Request[];
  problems: string[];
}

/** A new page at `path`; `prepare` runs before it loads (to hold requests, for example). */
async function open<G = undefined>(path: string, prepare?: (page: Page) => Promise<G>, on: Browser = browser): Promise<Opened & { prepared: G }> {
  const page = await on.newPage();
  page.setDefaultTimeout(10_000);
  const requests = recordRequests(page);
  const problems = watchConsole(page);
  const prepared = (await prepare?.(page)) as G;
  await page.goto(mainUrl + path);
  return { page, requests, problems, prepared };
}

/** Waits until the element `data-testid=id` holds exactly `text`. */
async function shows(page: Page, id: string, text: string, timeout = 10_000): Promise<void> {
  try {
    await page.waitForFunction(([id, text]) => document.querySelector(`[data-testid="${id}"]`)?.textContent === text, [id, text] as const, { timeout, polling: 10 });
  } catch (e) {
    const now = await page.getByTestId(id).textContent({ timeout: 1000 }).catch(() => "(absent)");
    throw new Error(`[data-testid=${id}] should show ${JSON.stringify(text)}, shows ${JSON.stringify(now)}`, { cause: e });
  }
}

const textOf = (page: Page, id: string) => page.getByTestId(id).textContent();

/** Waits until the labelled root has nothing in flight, then a little longer: a request that
 * should not happen (a duplicate, a second refetch) starts within a few milliseconds of the
 * render or the effect that causes it. */
async function settle(page: Page, label: string): Promise<void> {
  await page.waitForFunction((label) => window.__probe.idle(label), label, { polling: 10 });
  await pause(150);
  await page.waitForFunction((label) => window.__probe.idle(label), label, { polling: 10 });
}

/** "METHOD /path?query" of each request, in order; `origin` keeps the origin. */
const summary = (requests: Request[], from = 0, origin = false): string[] =>
  requests.slice(from).map((r) => {
    const u = new URL(r.url());
    return `${r.method()} ${origin ? u.origin : ""}${u.pathname}${u.search}`;
  });

const isCtx = (context: string, params?: string) => (url: URL) =>
  url.pathname.endsWith(`/api/mizan/ctx/${context}/`) && (params === undefined || url.search === params);

// ---- one page, several providers: request counts ----

const A = 4101;
const B = 4102;
let main: Opened;
let nameA = "";
let nameB = "";

test("StrictMode, several hooks per provider: one GET per distinct bundle", async () => {
  [nameA, nameB] = await Promise.all([profileName(mainUrl, A), profileName(mainUrl, B)]);
  main = await open(`/?s=main&a=${A}&b=${B}`);
  const { page, requests } = main;
  for (const label of ["a", "a2", "a3", "a-limit"]) await shows(page, `name-${label}`, nameA);
  await shows(page, "name-b", nameB);
  await shows(page, "orders-a-limit", "2 orders");
  await shows(page, "current-user", "anonymous");
  await settle(page, "main");
  // Two providers share {user_id: A}; {limit: 2, user_id: A} is another bundle.
  assert.deepEqual(summary(requests).sort(), [
    "GET /api/mizan/ctx/global/",
    `GET /api/mizan/ctx/user/?limit=2&user_id=${A}`,
    `GET /api/mizan/ctx/user/?user_id=${A}`,
    `GET /api/mizan/ctx/user/?user_id=${B}`,
  ]);
});

test("a merge mutation (rename_user) updates every matching bundle with no request but its POST", async () => {
  const { page, requests, problems } = main;
  const from = requests.length;
  await page.getByLabel("new name").fill(`Merged ${A}`);
  await page.getByRole("button", { name: "Rename (merge)" }).click();
  for (const label of ["a", "a2", "a3", "a-limit"]) await shows(page, `name-${label}`, `Merged ${A}`);
  await settle(page, "main");
  assert.equal(await textOf(page, "name-b"), nameB);
  assert.deepEqual(summary(requests, from), ["POST /api/mizan/call/"]);
  assert.deepEqual(problems, []);
});

test("an affects mutation (update_profile) refetches each active matching bundle exactly once", async () => {
  const { page, requests, problems } = main;
  const from = requests.length;
  await page.getByLabel("new name").fill(`Updated ${A}`);
  await page.getByRole("button", { name: "Update (affects)" }).click();
  for (const label of ["a", "a2", "a3", "a-limit"]) await shows(page, `name-${label}`, `Updated ${A}`);
  await settle(page, "main");
  assert.equal(await textOf(page, "name-b"), nameB);
  const after = summary(requests, from);
  assert.equal(after[0], "POST /api/mizan/call/");
  assert.deepEqual(after.slice(1).sort(), [`GET /api/mizan/ctx/user/?limit=2&user_id=${A}`, `GET /api/mizan/ctx/user/?user_id=${A}`]);
  assert.deepEqual(problems, []);
  await screenshot(page, "browser-main");
});

// ---- loading, null, error ----

test("loading, null and error are shown distinctly", async () => {
  // Every Mizan request is held until the loading state has been seen.
  const { page, requests, problems, prepared: held } = await open("/?s=states&missing=999999", (page) => gate(page, () => true));
  await held.held();
  await shows(page, "state-current-user", "loading | value undefined");
  await shows(page, "state-find-user", "loading");
  await shows(page, "state-missing-profile", "loading | value undefined");
  await held.release();
  // global.current_user of an anonymous visitor: the server said null.
  await shows(page, "state-current-user", "null | value null");
  // find_user of a user that does not exist: null from a plain function's query.
  await shows(page, "state-find-user", "null");
  // The user bundle of that user fails: an error, while the slot's value stays undefined.
  await shows(page, "state-missing-profile", "error NOT_FOUND | value undefined");
  await settle(page, "states");
  // One request each: a 404 is not retried (neither by the client nor by TanStack).
  assert.deepEqual(summary(requests).sort(), [
    "GET /api/mizan/ctx/global/",
    "GET /api/mizan/ctx/user/?user_id=999999",
    "POST /api/mizan/call/",
  ]);
  // The failed bundle is the only complaint (Chromium logs the failed fetch).
  assert.deepEqual(
    problems.filter((p) => !p.includes("404")),
    [],
  );
  await page.close();
});

// ---- Suspense ----

test("useSuspense…: the fallback while the bundle loads, then the content", async () => {
  const u = 4201;
  const name = await profileName(mainUrl, u);
  const { page, requests, problems, prepared: held } = await open(`/?s=suspense&u=${u}`, (page) => gate(page, isCtx("user")));
  await held.held();
  await shows(page, "fallback", "suspense fallback");
  assert.equal(await page.getByTestId("suspense-name").count(), 0);
  await held.release();
  await shows(page, "suspense-name", name);
  assert.equal(await page.getByTestId("fallback").count(), 0);
  await settle(page, "suspense");
  assert.deepEqual(summary(requests), [`GET /api/mizan/ctx/user/?user_id=${u}`]);
  assert.deepEqual(problems, []);
  await page.close();
});

// ---- keepPrevious ----

test("keepPrevious keeps showing the previous user while the next loads: no loading flash", async () => {
  const u = 4301;
  const [first, second] = await Promise.all([profileName(mainUrl, u), profileName(mainUrl, u + 1)]);
  const { page, requests } = await open(`/?s=keep&u=${u}`);
  await shows(page, "keep", first);
  await shows(page, "plain", first);
  const held = await gate(page, isCtx("user", `?user_id=${u + 1}`));
  await page.getByRole("button", { name: "next user" }).click();
  await held.held();
  // The same bundle, observed without keepPrevious, is loading: the new params are in flight.
  await shows(page, "plain", "loading");
  assert.equal(await textOf(page, "keep"), `${first} (previous)`);
  await held.release();
  await shows(page, "keep", second);
  await shows(page, "plain", second);
  await settle(page, "keep");
  const log = await page.evaluate(() => window.__probe.log);
  const keep = log["keep"] ?? [];
  assert.ok(keep.includes(`${first} (previous)`), JSON.stringify(keep));
  assert.deepEqual(
    keep.slice(keep.indexOf(first)).filter((t) => t === "loading"),
    [],
    `keepPrevious flashed "loading": ${JSON.stringify(keep)}`,
  );
  // The control: without keepPrevious, the same change shows "loading" in between.
  const plain = log["plain"] ?? [];
  assert.ok(plain.slice(plain.indexOf(first)).includes("loading"), JSON.stringify(plain));
  assert.deepEqual(summary(requests), [`GET /api/mizan/ctx/user/?user_id=${u}`, `GET /api/mizan/ctx/user/?user_id=${u + 1}`]);
  await page.close();
});

// ---- optimistic merges ----

test("an optimistic merge shows at once, stays on success, and rolls back on failure", async () => {
  const u = 4401;
  const name = await profileName(mainUrl, u);
  const { page, requests, problems } = await open(`/?s=optimistic&u=${u}`);
  await shows(page, "opt-name", name);
  const isCall = (url: URL) => url.pathname.endsWith("/api/mizan/call/");

  // Success: the prediction shows while the POST is held, then the server's value.
  let held = await gate(page, isCall);
  await page.getByRole("button", { name: "save", exact: true }).click();
  await held.held();
  await shows(page, "opt-name", `${name} (saving)`, 2000);
  assert.equal(await textOf(page, "opt-status"), "pending");
  await held.release();
  await shows(page, "opt-name", "Saved Name");
  await shows(page, "opt-status", "success");

  // Failure (the connection drops): the prediction shows, then the slot is rolled back.
  held = await gate(page, isCall);
  await page.getByRole("button", { name: "save and fail" }).click();
  await held.held();
  await shows(page, "opt-name", "Doomed Name", 2000);
  await held.fail();
  await shows(page, "opt-status", "error NETWORK_ERROR");
  await shows(page, "opt-name", "Saved Name");
  await settle(page, "optimistic");
  assert.equal(await profileName(mainUrl, u), "Saved Name");
  // No refetch anywhere: one bundle fetch, two calls.
  assert.deepEqual(summary(requests), [`GET /api/mizan/ctx/user/?user_id=${u}`, "POST /api/mizan/call/", "POST /api/mizan/call/"]);
  const log = await page.evaluate(() => window.__probe.log["optimistic"] ?? []);
  assert.deepEqual(
    log.filter((t, i) => t !== log[i - 1]),
    ["loading", name, `${name} (saving)`, "Saved Name", "Doomed Name", "Saved Name"],
  );
  // Chromium logs the dropped request; nothing else (no unhandled rejection) may show.
  assert.deepEqual(
    problems.filter((p) => !p.includes("net::ERR_FAILED")),
    [],
  );
  await page.close();
});

// ---- abort on unmount ----

test("unmounting the only provider of a bundle in flight aborts its request", async () => {
  const u = 4501;
  const { page, requests, prepared: held } = await open(`/?s=abort&u=${u}`, (page) => gate(page, isCtx("user")));
  await held.held();
  const target = `${mainUrl}/api/mizan/ctx/user/?user_id=${u}`;
  const failed = page.waitForEvent("requestfailed", { predicate: (r) => r.url() === target, timeout: 5000 });
  await page.getByRole("button", { name: "hide" }).click();
  const request = await failed;
  assert.match(request.failure()?.errorText ?? "", /ABORTED/);
  // The app saw the abort through the request's signal, too.
  assert.deepEqual(await page.evaluate(() => window.__probe.aborts), [new URL(target).pathname + new URL(target).search]);
  await held.release();
  assert.deepEqual(summary(requests), [`GET /api/mizan/ctx/user/?user_id=${u}`]);
  assert.equal(await page.getByTestId("name-abort").count(), 0);
  await page.close();
});

// ---- a form ----

test("the contact form validates on the client and submits to the server", async () => {
  const { page, requests, problems } = await open("/?s=form");
  await page.locator("input[name=name]").fill("Ada");
  await page.locator("input[name=email]").fill("not-an-email");
  await page.locator("input[name=message]").fill("Hello from the browser test");
  await page.getByRole("button", { name: "Send" }).click();
  await shows(page, "error-email", " Enter a valid email address. (client)");
  // Invalid on the client: nothing was sent.
  assert.deepEqual(summary(requests), []);
  await page.locator("input[name=email]").fill("ada@example.com");
  assert.equal(await page.getByTestId("error-email").count(), 0);
  await page.getByRole("button", { name: "Send" }).click();
  await page.getByTestId("sent").waitFor();
  assert.deepEqual(summary(requests), ["POST /api/mizan/call/"]);
  assert.deepEqual(JSON.parse(requests[0]?.postData() ?? "null"), {
    fn: "contact.submit",
    args: { data: { name: "Ada", email: "ada@example.com", message: "Hello from the browser test", topic: "general" } },
  });
  assert.deepEqual(problems, []);
  await page.close();
});

test("the contact form shows the server's field errors with their codes, and __all__, from validate and from submit", async () => {
  const { page, requests, problems } = await open("/?s=form");
  // Valid on the client; the server trims the name and finds it missing.
  await page.locator("input[name=name]").fill("   ");
  await page.locator("input[name=email]").fill("ada@example.com");
  await page.locator("input[name=message]").fill("Hello from the browser test");
  await page.getByRole("button", { name: "Check" }).click();
  await shows(page, "checked", "invalid");
  await shows(page, "error-name", " This field is required. (server, required)");
  assert.equal(await page.getByTestId("error-__all__").count(), 0);
  // A rule about no one field, from contact.validate: under __all__.
  await page.locator("input[name=name]").fill("Hello there");
  await page.locator("input[name=message]").fill("hello THERE");
  await page.getByRole("button", { name: "Check" }).click();
  await shows(page, "error-__all__", " The message only repeats the name. (server, repeated)");
  assert.equal(await page.getByTestId("error-name").count(), 0);
  // The same from contact.submit's VALIDATION_FAILED.
  await page.getByRole("button", { name: "Send" }).click();
  await shows(page, "error-__all__", " The message only repeats the name. (server, repeated)");
  assert.equal(await page.getByTestId("sent").count(), 0);
  await page.locator("input[name=message]").fill("Something else entirely");
  await page.getByRole("button", { name: "Send" }).click();
  await page.getByTestId("sent").waitFor();
  assert.equal(await page.getByTestId("error-__all__").count(), 0);
  assert.deepEqual(
    requests.map((r) => (JSON.parse(r.postData() ?? "null") as { fn: string }).fn),
    ["contact.validate", "contact.validate", "contact.submit", "contact.submit"],
  );
  // Chromium logs the 422 answer itself; nothing else went wrong.
  assert.deepEqual(
    problems.filter((p) => !p.includes("status of 422")),
    [],
  );
  await page.close();
});

// ---- two roots, two backends ----

test("two roots in one page talk to two backends and keep separate caches", async () => {
  const u = 4601;
  const other: Backend = await startBackend("127.0.0.1:0", undefined);
  cleanup.push(() => other.kill());
  // The reference backend sends no CORS headers (and is not to be changed for this test): this
  // page runs in a Chromium without the same-origin policy, so root B can use an absolute
  // baseUrl on another origin as it would with a CORS-enabled backend.
  const loose = await launch(["--disable-web-security"]);
  cleanup.push(() => loose.close());
  // The backends start out different: the second one already renamed the user.
  const renamed = await fetch(`${other.url}/api/mizan/call/`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ fn: "rename_user", args: { user_id: u, name: "Named on B" } }),
  });
  assert.equal(renamed.status, 200);
  const nameOnA = await profileName(mainUrl, u);
  const { page, requests, problems } = await open(`/?s=two&u=${u}&other=${encodeURIComponent(other.url)}`, undefined, loose);
  await shows(page, "name-a", nameOnA);
  await shows(page, "name-b", "Named on B");
  await settle(page, "a");
  await settle(page, "b");
  const a = new URL(mainUrl).origin;
  const b = new URL(other.url).origin;
  assert.deepEqual(summary(requests, 0, true).sort(), [`GET ${a}/api/mizan/ctx/user/?user_id=${u}`, `GET ${b}/api/mizan/ctx/user/?user_id=${u}`].sort());

  // A merge in root B: only root B's cache changes, and only backend B is called.
  let from = requests.length;
  const rootA = page.getByTestId("root-a");
  const rootB = page.getByTestId("root-b");
  await rootB.getByLabel("new name").fill("Merged on B");
  await rootB.getByRole("button", { name: "Rename (merge)" }).click();
  await shows(page, "name-b", "Merged on B");
  await settle(page, "b");
  assert.equal(await textOf(page, "name-a"), nameOnA);
  assert.deepEqual(summary(requests, from, true), [`POST ${b}/api/mizan/call/`]);

  // An affects mutation in root A: root A refetches from backend A; root B makes no request.
  from = requests.length;
  await rootA.getByLabel("new name").fill("Updated on A");
  await rootA.getByRole("button", { name: "Update (affects)" }).click();
  await shows(page, "name-a", "Updated on A");
  await settle(page, "a");
  await settle(page, "b");
  assert.equal(await textOf(page, "name-b"), "Merged on B");
  assert.deepEqual(summary(requests, from, true), [`POST ${a}/api/mizan/call/`, `GET ${a}/api/mizan/ctx/user/?user_id=${u}`]);
  assert.equal(await profileName(mainUrl, u), "Updated on A");
  assert.equal(await profileName(other.url, u), "Merged on B");
  assert.deepEqual(problems, []);
  await screenshot(page, "browser-two-roots");
});
