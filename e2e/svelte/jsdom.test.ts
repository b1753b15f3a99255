// The scenarios of app/scenarios.ts in jsdom (preloaded by react/dom.ts), against the reference
// backend that run.mjs starts for this group (MIZAN_URL); and a page rendered with svelte/server
// (app/ssr.ts, bundled for the server) and hydrated here.
import assert from "node:assert/strict";
import { afterEach, test } from "node:test";

import { flushSync, hydrate, unmount } from "svelte";

import * as api from "./.generated/reference-3.1/index.ts";
import { recorder } from "../shared/recorder.ts";
import { settle, text, until } from "./app/harness.ts";
import { scenarios, tidy } from "./app/scenarios.ts";
import Screen from "./app/Screen.svelte";

const base = process.env["MIZAN_URL"] ?? "";

afterEach(tidy);

for (const [name, run] of Object.entries(scenarios)) test(name, () => run({ base }));

test("rendered on the server with svelte/server, then hydrated with the data it had: the same text, no request", async () => {
  const server: typeof import("./app/ssr.ts") = await import(new URL("./ssr.mjs", import.meta.url).href);
  const baseUrl = `${base}/api/mizan`;
  await api.callRenameUser({ user_id: 7551, name: "Vi" }, { client: api.createMizanClient({ baseUrl }) });
  // The server: one client and one QueryClient for this request, prefetched, then rendered.
  const client = server.createMizanClient({ baseUrl });
  const queryClient = new server.QueryClient({ defaultOptions: { queries: { staleTime: 60_000 } } });
  const user = server.userContextQuery({ user_id: 7551 }, client);
  const global = server.globalContextQuery({}, client);
  await Promise.all([queryClient.prefetchQuery(user), queryClient.prefetchQuery(global)]);
  const html = server.renderScreen({ options: { client, queryClient }, users: [7551], site: true });
  assert.match(html, />Vi</);
  assert.match(html, />Mizan</);
  (window as { __MIZAN_SSR_DATA__?: unknown }).__MIZAN_SSR_DATA__ = {
    contexts: { user: { [api.stableKey({ user_id: 7551 })]: queryClient.getQueryData(user.queryKey) }, global: { "{}": queryClient.getQueryData(global.queryKey) } },
  };
  // A fetch that ends after clear() would start a gc timer that keeps Node up: let it end first.
  await until(() => assert.equal(queryClient.isFetching(), 0));
  queryClient.clear();

  // The browser: the same component hydrated over the server's markup.
  const container = document.createElement("div");
  container.innerHTML = html;
  document.body.append(container);
  const before = container.textContent;
  const r = recorder();
  const app = hydrate(Screen, { target: container, props: { options: { client: api.createMizanClient({ baseUrl, fetch: r.fetch }) }, users: [7551], site: true } });
  try {
    flushSync();
    assert.equal(container.textContent, before, "hydration keeps the server's text");
    await until(() => assert.deepEqual([text("u7551-a"), text("u7551-b"), text("u7551-orders"), text("site")], ["Vi", "Vi", "4", "Mizan"]));
    await settle(r);
    assert.deepEqual(r.made(), [], "no request: the seeded bundles skip their first mount's refetch");
  } finally {
    void unmount(app);
  }
});
