// The context registry, invalidation, merges, retries and hydration, over a fake transport.
import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";

import * as k from "../../runtime/kernel.ts";
import { deferred, FakeTransport, tick } from "./helpers.ts";

let t: FakeTransport;
beforeEach(() => {
  t = new FakeTransport();
  k.configure({ transport: t });
});

/** Waits until the handle's entry has settled. */
async function settled<D>(h: k.ContextHandle<D>): Promise<k.ContextState<D>> {
  for (let i = 0; i < 100 && h.getState().status !== "success" && h.getState().status !== "error"; i++) await tick();
  return h.getState();
}

test("providers of the same context and params share one entry and one request", async () => {
  const a = k.registerContext("share", { b: 2, a: 1 });
  const b = k.registerContext("share", { a: 1, b: 2 });
  await settled(a);
  assert.equal(t.count("share"), 1);
  assert.equal(a.getState(), b.getState(), "one state object for both");
  const other = k.registerContext("share", { a: 2, b: 2 });
  await settled(other);
  assert.equal(t.count("share"), 2, "other params are another entry");
});

test("identical concurrent fetches share one request", async () => {
  const gate = deferred<unknown>();
  t.onFetch = () => gate.promise;
  const one = k.mizanFetch("concurrent", { x: 1 });
  const two = k.mizanFetch("concurrent", { x: 1 });
  gate.resolve({ ok: true });
  assert.deepEqual(await one, { ok: true });
  assert.equal(await two, await one);
  assert.equal(t.count("concurrent"), 1);
  await k.mizanFetch("concurrent", { x: 1 });
  assert.equal(t.count("concurrent"), 2, "a later fetch is a new request");
});

test("a refetch keeps the previous data until the new data arrives", async () => {
  const h = k.registerContext<{ n: number }>("keep");
  await settled(h);
  const before = h.getState().data;
  const gate = deferred<unknown>();
  t.onFetch = () => gate.promise;
  const refetch = h.refetch();
  assert.equal(h.getState().status, "loading");
  assert.equal(h.getState().data, before);
  gate.resolve({ n: 99 });
  await refetch;
  assert.deepEqual(h.getState(), { data: { n: 99 }, status: "success", error: null });
});

test("an answer older than the newest request is dropped", async () => {
  const h = k.registerContext<string>("stale", { id: 1 });
  await settled(h);
  const first = deferred<unknown>();
  const second = deferred<unknown>();
  const gates = [first, second];
  t.onFetch = () => gates.shift()?.promise;
  const r1 = h.refetch();
  const r2 = h.refetch();
  assert.equal(t.count("stale"), 3, "a refetch never joins an older request");
  second.resolve("new");
  await r2;
  first.resolve("old");
  await r1;
  assert.equal(h.getState().data, "new", "the older answer, arriving last, is dropped");

  const slow = deferred<unknown>();
  const fast = deferred<unknown>();
  const order = [slow, fast];
  t.onFetch = () => order.shift()?.promise;
  const s1 = h.refetch();
  await tick();
  k.invalidate(["stale"]);
  await tick();
  fast.resolve("fresh");
  await tick();
  slow.resolve("late");
  await Promise.all([s1, tick()]);
  assert.equal(h.getState().data, "fresh", "the late answer to the older request is ignored");
});

test("invalidations in one tick refetch each mounted entry once", async () => {
  const h = k.registerContext("batch", { user_id: 1 });
  await settled(h);
  assert.equal(t.count("batch"), 1);
  k.invalidate(["batch"]);
  k.invalidate(["batch", { context: "batch", params: { user_id: 1 } }]);
  k.invalidate([{ context: "batch", function: "profile" }]);
  await tick();
  await settled(h);
  assert.equal(t.count("batch"), 2, "four invalidations, one refetch");
});

test("scoped invalidation refetches only entries whose params match", async () => {
  const one = k.registerContext("scoped", { user_id: 1 });
  const two = k.registerContext("scoped", { user_id: 2, limit: 5 });
  await Promise.all([settled(one), settled(two)]);
  t.fetches = [];
  k.invalidate([{ context: "scoped", params: { user_id: 2 } }]);
  await tick();
  assert.deepEqual(t.fetches, [{ context: "scoped", params: { user_id: 2, limit: 5 } }]);
  t.fetches = [];
  k.invalidate([{ context: "scoped", params: { user_id: "1" } }]);
  await tick();
  assert.deepEqual(t.fetches, [{ context: "scoped", params: { user_id: 1 } }], "the header's string values match numbers");
  t.fetches = [];
  k.invalidate(["scoped"]);
  await tick();
  assert.equal(t.fetches.length, 2, "broad invalidation refetches every entry");
});

test("entries nobody has mounted are evicted instead of refetched", async () => {
  const h = k.registerContext("evict", { id: 1 });
  await settled(h);
  h.unregister();
  h.unregister(); // twice is harmless
  k.invalidate(["evict"]);
  await tick();
  assert.equal(t.count("evict"), 1, "no refetch for an unmounted entry");
  const again = k.registerContext("evict", { id: 1 });
  await settled(again);
  assert.equal(t.count("evict"), 2, "it was dropped, so mounting again fetches");
});

test("a mounted entry survives another provider unmounting", async () => {
  const a = k.registerContext("refcount");
  const b = k.registerContext("refcount");
  await settled(a);
  a.unregister();
  k.invalidate(["refcount"]);
  await tick();
  await settled(b);
  assert.equal(t.count("refcount"), 2, "still mounted by b: refetched");
});

test("a call's merge splices the slot into matching bundles only, with no request", async () => {
  t.onFetch = (_c, p) => ({ user_profile: { user_id: p["user_id"], name: "old" }, user_orders: [] });
  const one = k.registerContext<Record<string, unknown>>("merge", { user_id: 1 });
  const two = k.registerContext<Record<string, unknown>>("merge", { user_id: 2 });
  await Promise.all([settled(one), settled(two)]);
  let notified = 0;
  one.subscribe(() => notified++);
  const value = { user_id: 1, name: "new" };
  t.onCall = () => ({ result: value, merge: [{ context: "merge", slot: "user_profile", value, params: { user_id: 1 } }] });
  const result = await k.mizanCall("rename_user", { user_id: 1, name: "new" });
  assert.equal(result, value);
  assert.deepEqual(one.getState().data, { user_profile: value, user_orders: [] });
  assert.deepEqual(two.getState().data?.["user_profile"], { user_id: 2, name: "old" });
  assert.equal(notified, 1);
  await tick();
  assert.equal(t.count("merge"), 2, "no request after the merge");

  t.onCall = () => ({ result: null, merge: [{ context: "merge", slot: "user_orders", value: ["x"] }] });
  await k.mizanCall("clear_orders");
  assert.deepEqual(one.getState().data?.["user_orders"], ["x"]);
  assert.deepEqual(two.getState().data?.["user_orders"], ["x"], "an unscoped merge reaches every bundle");
});

test("a call's invalidations refetch once after it resolves", async () => {
  const h = k.registerContext("affects", { user_id: 5 });
  await settled(h);
  t.onCall = () => ({ result: { ok: true }, invalidate: [{ context: "affects", params: { user_id: 5 } }, "affects"] });
  assert.deepEqual(await k.mizanCall("update_profile", { user_id: 5, name: "x" }), { ok: true });
  await tick();
  await settled(h);
  assert.equal(t.count("affects"), 2);
});

test("spliceSlot returns an undo for optimistic updates", async () => {
  t.onFetch = () => ({ profile: "server" });
  const h = k.registerContext<Record<string, unknown>>("optimistic");
  await settled(h);
  const undo = k.spliceSlot("optimistic", "profile", "guess");
  assert.equal(h.getState().data?.["profile"], "guess");
  undo();
  assert.equal(h.getState().data?.["profile"], "server");
});

test("hydrated entries start in success and do not fetch", async () => {
  k.hydrate({ contexts: { hydrated: { [k.stableKey({ b: 1, a: 2 })]: { from: "server" } } } });
  const h = k.registerContext("hydrated", { a: 2, b: 1 });
  assert.deepEqual(h.getState(), { data: { from: "server" }, status: "success", error: null });
  await tick();
  assert.equal(t.count("hydrated"), 0);
  const other = k.registerContext("hydrated", { a: 3, b: 1 });
  await settled(other);
  assert.equal(t.count("hydrated"), 1, "other params were not server-rendered");
});

test("failed fetches set the error and keep the last data", async () => {
  let fail = false;
  t.onFetch = () => {
    if (fail) throw new k.MizanError("FORBIDDEN", "no", 403);
    return { v: 1 };
  };
  const h = k.registerContext("failing");
  await settled(h);
  fail = true;
  await h.refetch();
  const s = h.getState();
  assert.equal(s.status, "error");
  assert.equal(s.error?.code, "FORBIDDEN");
  assert.deepEqual(s.data, { v: 1 });
});

test("fetches retry network errors and 5xx twice, with backoff; 4xx never", async () => {
  let failures = 2;
  t.onFetch = () => {
    if (failures-- > 0) throw new k.MizanError("INTERNAL_ERROR", "boom", 503);
    return "ok";
  };
  const started = Date.now();
  assert.equal(await k.mizanFetch("retry"), "ok");
  assert.equal(t.count("retry"), 3);
  assert.ok(Date.now() - started >= 550, "waited about 200 ms then 400 ms");

  t.fetches = [];
  t.onFetch = () => {
    throw new k.MizanError("NETWORK_ERROR", "down");
  };
  await assert.rejects(k.mizanFetch("retry-limit"), { code: "NETWORK_ERROR" });
  assert.equal(t.count("retry-limit"), 3, "two retries, then the error");

  t.onFetch = () => {
    throw new k.MizanError("NOT_FOUND", "gone", 404);
  };
  await assert.rejects(k.mizanFetch("no-retry"), { code: "NOT_FOUND" });
  assert.equal(t.count("no-retry"), 1);
});

test("calls are never retried", async () => {
  t.onCall = () => {
    throw new k.MizanError("INTERNAL_ERROR", "boom", 500);
  };
  await assert.rejects(k.mizanCall("buggy_fn"), { code: "INTERNAL_ERROR", status: 500 });
  assert.equal(t.calls.length, 1);
});

