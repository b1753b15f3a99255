// Server-rendered data on the page: read once, at the first registration, with no hydrate() call.
// A file of its own, so that this copy of the kernel has never seen SSR data before.
import assert from "node:assert/strict";
import { test } from "node:test";

import * as k from "../../runtime/kernel.ts";
import { FakeTransport, tick } from "./helpers.ts";

test("window.__MIZAN_SSR_DATA__ starts matching entries in success, without a fetch", async () => {
  const t = new FakeTransport();
  k.configure({ transport: t });
  (globalThis as { __MIZAN_SSR_DATA__?: unknown }).__MIZAN_SSR_DATA__ = {
    contexts: { global: { "{}": { current_user: null, site_settings: { site_name: "Mizan" } } } },
  };
  const h = k.registerContext("global");
  assert.equal(h.getState().status, "success");
  assert.deepEqual(h.getState().data, { current_user: null, site_settings: { site_name: "Mizan" } });
  await tick();
  assert.equal(t.fetches.length, 0);
  h.unregister();
  k.invalidate(["global"]);
  await tick();
  const again = k.registerContext("global");
  for (let i = 0; i < 20 && again.getState().status !== "success"; i++) await tick();
  assert.equal(t.fetches.length, 1, "server data is used once: after eviction the bundle is fetched");
});
