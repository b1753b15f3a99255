// The kernel against a real mizan-reference-backend (run.mjs starts one and passes its URL in
// MIZAN_URL), with Node's own fetch and WebSocket. Skipped when MIZAN_URL is not set.
import assert from "node:assert/strict";
import { test } from "node:test";

import * as k from "../../runtime/kernel.ts";
import { until } from "./helpers.ts";

const url = process.env["MIZAN_URL"] ?? "";
const skip = url ? false : "MIZAN_URL is not set (run.mjs sets it)";
const client = (config: k.MizanConfig = {}) => k.createMizanClient({ baseUrl: url + "/api/mizan", ...config });

test("calls, context fetches and errors over HTTP", { skip }, async () => {
  const c = client();
  assert.deepEqual(await c.call("echo", { text: "héllo" }), { message: "héllo" });
  // User 4242 is read only (other tests rename other users; the server keeps its state).
  const user = await c.fetch<{ user_profile: unknown }>("user", { user_id: 4242, limit: 1 });
  assert.deepEqual(user.user_profile, { user_id: 4242, name: "User 4242" });
  await assert.rejects(c.call("buggy_fn"), { code: "INTERNAL_ERROR", status: 500 });
  await assert.rejects(c.fetch("no_such_context"), { code: "NOT_FOUND", status: 404 });
  await assert.rejects(c.call("echo", {}), { code: "VALIDATION_FAILED", status: 422 });
});

test("a server that sends its invalidations only as X-Mizan-Invalidate still triggers them", { skip }, async () => {
  const fromBody: k.Effects[] = [];
  const fromHeader: k.Effects[] = [];
  const withBody = client();
  withBody.onEffects((e) => fromBody.push(e));
  // The same server, behind a proxy that drops the body's `invalidate` key.
  const headerOnly = client({
    fetch: async (input, init) => {
      const res = await fetch(input, init);
      const body = (await res.json()) as Record<string, unknown>;
      delete body["invalidate"];
      return new Response(JSON.stringify(body), { status: res.status, headers: res.headers });
    },
  });
  headerOnly.onEffects((e) => fromHeader.push(e));
  const args = { user_id: 4343, name: "Renamed" };
  await withBody.call("update_profile", args);
  await headerOnly.call("update_profile", args);
  assert.equal(fromBody.length, 1);
  assert.deepEqual(fromBody[0]?.invalidate, [{ context: "user", params: { user_id: 4343 } }]);
  // Header params are strings; otherwise the two agree.
  assert.deepEqual(fromHeader.map(({ seq: _, ...e }) => e), [{ fn: "update_profile", invalidate: [{ context: "user", params: { user_id: "4343" } }], merge: [] }]);
});

test("channels: connecting → open, messages, a refused channel in error, closed on disconnect", { skip }, async () => {
  const a = client();
  const b = client();
  const statuses: k.ChannelStatus[] = [];
  const got: unknown[] = [];
  const room = "kernel-" + Date.now();
  const sub = a.subscribe<unknown, { text: string }>("chat", { room }, (m) => got.push(m), { onStatus: (s) => statuses.push(s) });
  const other = b.subscribe<unknown, { text: string }>("chat", { room }, () => {});
  await Promise.all([sub.ready, other.ready]);
  assert.equal(sub.status(), "open");
  assert.deepEqual(statuses, ["connecting", "open"]);
  await other.send({ text: "from b" });
  await sub.send({ text: "from a" });
  await until(() => got.length === 2, "two messages");
  assert.deepEqual(got, [
    { text: "from b", user: "anonymous" },
    { text: "from a", user: "anonymous" },
  ]);

  const refused = a.subscribe("no_such_channel", { room }, () => {});
  await refused.ready;
  assert.equal(refused.status(), "error");
  const noRoom = a.subscribe("chat", {}, () => {});
  await noRoom.ready;
  assert.equal(noRoom.status(), "error");

  assert.equal(await a.call("ws_whoami", {}, { websocket: true }), null);
  a.disconnect();
  assert.equal(sub.status(), "closed");
  assert.deepEqual(statuses, ["connecting", "open", "closed"]);
  b.disconnect();
});
