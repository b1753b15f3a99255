// Server rendering for two signed-in users at once in one Node process (a security property: no
// request state may leak between renders), then hydration of one of those pages in Chromium.
//
// Each render has its own client (with that user's MWT) and its own QueryClient, prefetches the
// `global` bundle, and streams the page with renderToPipeableStream; the page's `whoami` sits in
// a Suspense boundary and is fetched while streaming. Neither render's `whoami` request may leave
// before both shells have been sent, so both streams are in flight together.
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { Writable } from "node:stream";
import { after, before, test } from "node:test";

import { QueryClient } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { renderToPipeableStream } from "react-dom/server";
import type { Browser } from "playwright-core";

import * as api from "../.generated/backend/index.ts";
import { artifacts, env, launch, mainUrl, mwt, pause, recordRequests, screenshot, watchConsole, within } from "./helpers.ts";
import type {} from "./probe.ts";
import { SsrTree } from "./ssr-app.tsx";

const apiUrl = env("MIZAN_URL");
let browser: Browser | undefined;

before(async () => {
  assert.ok(apiUrl && mainUrl, "MIZAN_URL and MIZAN_BROWSER_URL are set by run.mjs");
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

interface Streamed {
  /** What was written before the Suspense boundary's data was let through. */
  shell: string;
  html: string;
  chunks: number;
}

/** Streams `element` to a string. `onShell` runs when the shell is ready; `gate()` is read when
 * the boundary's request is let through, to cut the shell off the rest. */
function stream(element: ReactNode, onShell: () => void): { done: Promise<Streamed>; cut: () => void } {
  const chunks: Buffer[] = [];
  let cutAt = -1;
  const done = new Promise<Streamed>((resolve, reject) => {
    const sink = new Writable({
      write(chunk: Buffer | string, _encoding, callback) {
        chunks.push(Buffer.from(chunk));
        callback();
      },
      final(callback) {
        clearTimeout(timer);
        resolve({
          shell: Buffer.concat(chunks.slice(0, cutAt)).toString("utf8"),
          html: Buffer.concat(chunks).toString("utf8"),
          chunks: chunks.length,
        });
        callback();
      },
    });
    const { pipe, abort } = renderToPipeableStream(element, {
      onShellReady() {
        pipe(sink);
        onShell();
      },
      onShellError: reject,
      onError(error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    });
    const timer = setTimeout(() => abort(new Error("the render did not finish in 15 s")), 15_000);
  });
  return { done, cut: () => (cutAt = chunks.length) };
}

interface Page {
  user: { id: number; username: string };
  token: string;
  document: string;
  streamed: Streamed;
  bundle: api.GlobalContextData;
  /** "METHOD path" and the X-Mizan-Token of every request this render's client made. */
  sent: { request: string; token: string | undefined }[];
}

const users = [
  { id: 1, username: "ada" },
  { id: 2, username: "grace" },
];
let pages: Page[] = [];

function documentOf(html: string, data: unknown): string {
  const json = JSON.stringify(data).replace(/</g, "\\u003c");
  return (
    '<!doctype html><html lang="en"><head><meta charset="utf-8" /><link rel="icon" href="data:," /><title>SSR</title>' +
    `<script>window.__MIZAN_SSR_DATA__ = ${json};</script></head>` +
    `<body><div id="root" data-ssr="">${html}</div><script type="module" src="/app.js"></script></body></html>`
  );
}

test("two users rendered concurrently in one process each see only themselves", async () => {
  let shells = 0;
  let bothShells: () => void = () => {};
  const shellsReady = within(new Promise<void>((r) => (bothShells = r)), 15_000, "both shells to be ready");
  const started: string[] = [];
  const finished: string[] = [];

  const render = async (user: { id: number; username: string }): Promise<Page> => {
    const token = mwt(user.id);
    const sent: Page["sent"] = [];
    let cut = () => {};
    const client = api.createMizanClient({
      baseUrl: `${apiUrl}/api/mizan`,
      getHeaders: () => ({ "X-Mizan-Token": token }),
      fetch: async (input, init) => {
        const url = new URL(String(input));
        const headers = (init?.headers ?? {}) as Record<string, string>;
        sent.push({ request: `${init?.method ?? "GET"} ${url.pathname}`, token: headers["X-Mizan-Token"] });
        if (url.pathname.endsWith("/call/")) {
          // The boundary's request waits until both renders have sent their shells.
          await shellsReady;
          cut();
        }
        return fetch(input, init);
      },
    });
    const queryClient = new QueryClient();
    const bundle = await queryClient.fetchQuery(api.globalContextQuery({}, client));
    started.push(user.username);
    const s = stream(<SsrTree client={client} queryClient={queryClient} />, () => {
      if (++shells === 2) bothShells();
    });
    cut = s.cut;
    const streamed = await s.done;
    finished.push(user.username);
    const data = { contexts: { global: { [api.stableKey({})]: bundle } } };
    return { user, token, document: documentOf(streamed.html, data), streamed, bundle, sent };
  };

  pages = await Promise.all(users.map(render));
  mkdirSync(artifacts, { recursive: true });
  for (const page of pages) writeFileSync(`${artifacts}/ssr-${page.user.username}.html`, page.document);
  // Both renders were under way before either finished.
  assert.equal(started.length, 2);
  assert.deepEqual([...finished].sort(), ["ada", "grace"]);

  for (const [i, page] of pages.entries()) {
    const other = pages[1 - i];
    assert.ok(other);
    const { username } = page.user;
    // Each client sent only its own user's token.
    assert.deepEqual(page.sent, [
      { request: "GET /api/mizan/ctx/global/", token: page.token },
      { request: "POST /api/mizan/call/", token: page.token },
    ]);
    assert.equal(page.bundle.current_user?.username, username);
    const email = page.bundle.current_user?.email ?? "";
    const otherEmail = other.bundle.current_user?.email ?? "";
    assert.notEqual(email, otherEmail);
    // Streamed: the shell carries the prefetched user and the boundary's fallback; the
    // boundary's content follows in later chunks.
    assert.ok(page.streamed.shell.includes(`Signed in as <b>${username}</b>`), page.streamed.shell);
    assert.ok(page.streamed.shell.includes("checking who you are"), page.streamed.shell);
    assert.ok(!page.streamed.shell.includes("whoami:"), page.streamed.shell);
    assert.ok(page.streamed.chunks > 1);
    const html = page.document;
    assert.match(html, new RegExp(`Signed in as <b>${username}</b> \\((<!-- -->)?${email.replace(/[.]/g, "\\.")}`));
    assert.match(html, new RegExp(`whoami: (<!-- -->)?${username}<`));
    assert.match(html, new RegExp(`"username":"${username}"`));
    // And nothing of the other user: not the name, not the email.
    assert.doesNotMatch(html, new RegExp(`\\b${other.user.username}\\b`));
    assert.ok(!html.includes(otherEmail), `${username}'s page holds ${otherEmail}`);
  }
});

test("the server-rendered page hydrates in Chromium without fetching global again", async () => {
  const page = pages[0];
  assert.ok(browser && page, "the server-rendering test ran first");
  const tab = await browser.newPage();
  tab.setDefaultTimeout(10_000);
  const problems = watchConsole(tab);
  const requests = recordRequests(tab);
  await tab.addInitScript((token) => {
    window.__MIZAN_TOKEN__ = token;
  }, page.token);
  const path = `/ssr/${page.user.username}.html`;
  await tab.route(mainUrl + path, (route) => route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: page.document }));
  await tab.goto(mainUrl + path);
  await tab.waitForFunction(() => window.__probe?.hydrated === true, undefined, { polling: 10 });
  await tab.getByText(`whoami: ${page.user.username}`).waitFor();
  await tab.waitForFunction(() => window.__probe.idle("ssr"), "ssr", { polling: 10 });
  await pause(150);
  // The bundle came from __MIZAN_SSR_DATA__: no GET /ctx/global/. The whoami boundary (not in
  // the SSR data) is read once.
  assert.deepEqual(
    requests.map((r) => `${r.method()} ${new URL(r.url()).pathname}`),
    ["POST /api/mizan/call/"],
  );
  const cached = await tab.evaluate(() => window.__probe.queryClients["ssr"]?.getQueryData(["mizan", "ctx", "global", {}]));
  assert.deepEqual(cached, page.bundle);
  assert.deepEqual(await tab.evaluate(() => window.__probe.recoverable), []);
  assert.deepEqual(problems, []);
  assert.equal(await tab.getByTestId("signed-in").locator("b").textContent(), page.user.username);
  await screenshot(tab, "browser-ssr-hydrated");
  await tab.close();
});

test("the hydration check sees a mismatch when there is one", async () => {
  // Grace's page hydrated with Ada's credentials: whoami differs from the server's HTML.
  const [ada, grace] = pages;
  assert.ok(browser && ada && grace, "the server-rendering test ran first");
  const tab = await browser.newPage();
  tab.setDefaultTimeout(10_000);
  const problems = watchConsole(tab);
  await tab.addInitScript((token) => {
    window.__MIZAN_TOKEN__ = token;
  }, ada.token);
  await tab.route(mainUrl + "/ssr/mismatch.html", (route) => route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: grace.document }));
  await tab.goto(mainUrl + "/ssr/mismatch.html");
  await tab.waitForFunction(() => window.__probe?.recoverable.length > 0, undefined, { polling: 10 });
  assert.match((await tab.evaluate(() => window.__probe.recoverable))[0] ?? "", /[Hh]ydrat/);
  assert.ok(problems.some((p) => /[Hh]ydrat/.test(p)), problems.join("\n"));
  await tab.close();
});
