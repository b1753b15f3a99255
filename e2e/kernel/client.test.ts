// The client over a fake transport: shared in-flight fetches and per-caller aborts, retries,
// signals, and the effects every successful call announces.
import assert from "node:assert/strict";
import { test } from "node:test";

import * as k from "../../runtime/kernel.ts";
import { deferred, FakeTransport, tick, untilAborted } from "./helpers.ts";

function setup() {
  const t = new FakeTransport();
  return { t, c: k.createMizanClient({ transport: t }) };
}

const isAbort = (e: unknown): boolean => {
  assert.ok(!(e instanceof k.MizanError), `an abort is not a MizanError: ${String(e)}`);
  assert.equal((e as Error).name, "AbortError");
  return true;
};

test("identical concurrent fetches share one request; other params and later fetches do not", async () => {
  const { t, c } = setup();
  const gate = deferred<unknown>();
  t.onFetch = () => gate.promise;
  const one = c.fetch("concurrent", { x: 1, y: 2 });
  const two = c.fetch("concurrent", { y: 2, x: 1 });
  const other = c.fetch("concurrent", { x: 2, y: 2 });
  assert.equal(t.count("concurrent"), 2, "one request per params");
  gate.resolve({ ok: true });
  assert.deepEqual(await one, { ok: true });
  assert.equal(await two, await one);
  await other;
  await c.fetch("concurrent", { x: 1, y: 2 });
  assert.equal(t.count("concurrent"), 3, "a later fetch is a new request");
  assert.ok(t.fetches[0]?.options.signal instanceof AbortSignal, "the transport gets a signal");
});

test("each caller's signal detaches only that caller; the request is aborted once every caller has", async () => {
  const { t, c } = setup();
  const gate = deferred<unknown>();
  t.onFetch = (_c, _p, { signal }) => Promise.race([gate.promise, untilAborted(signal)]);
  const a = new AbortController();
  const b = new AbortController();
  const first = c.fetch("shared", {}, { signal: a.signal });
  const second = c.fetch("shared", {}, { signal: b.signal });
  const third = c.fetch("shared");
  assert.equal(t.count("shared"), 1);
  a.abort();
  await assert.rejects(first, isAbort);
  b.abort(new Error("b's reason"));
  await assert.rejects(second, { message: "b's reason" });
  assert.equal(t.fetches[0]?.options.signal?.aborted, false, "a caller without a signal still waits for it");
  gate.resolve("data");
  assert.equal(await third, "data");

  // Every caller aborts: so does the request, and the next fetch starts a new one.
  const gate2 = deferred<unknown>();
  t.onFetch = (_c, _p, { signal }) => Promise.race([gate2.promise, untilAborted(signal)]);
  const x = new AbortController();
  const y = new AbortController();
  const p1 = c.fetch("shared", {}, { signal: x.signal });
  const p2 = c.fetch("shared", {}, { signal: y.signal });
  x.abort();
  await assert.rejects(p1, isAbort);
  assert.equal(t.fetches[1]?.options.signal?.aborted, false);
  y.abort();
  await assert.rejects(p2, isAbort);
  assert.equal(t.fetches[1]?.options.signal?.aborted, true, "the last caller's abort aborts the request");
  gate2.resolve("late");
  const fresh = c.fetch("shared");
  assert.equal(t.count("shared"), 3, "an aborted request is not joined");
  assert.equal(await fresh, "late");
});

test("fetches are retried on network errors and 5xx, twice, with a pause; not on 4xx or other errors", async () => {
  const { t, c } = setup();
  let n = 0;
  t.onFetch = () => {
    if (n++ < 2) throw new k.MizanError(n === 1 ? "NETWORK_ERROR" : "HTTP_503", "down", n === 1 ? 0 : 503);
    return { ok: n };
  };
  const started = Date.now();
  assert.deepEqual(await c.fetch("flaky"), { ok: 3 });
  assert.equal(t.count("flaky"), 3);
  assert.ok(Date.now() - started >= 550, "about 200 ms, then 400 ms");

  t.onFetch = () => {
    throw new k.MizanError("INTERNAL_ERROR", "boom", 500);
  };
  await assert.rejects(c.fetch("broken"), { code: "INTERNAL_ERROR" });
  assert.equal(t.count("broken"), 3, "gives up after two retries");

  t.onFetch = () => {
    throw new k.MizanError("FORBIDDEN", "no", 403);
  };
  await assert.rejects(c.fetch("forbidden"), { code: "FORBIDDEN" });
  assert.equal(t.count("forbidden"), 1);

  t.onFetch = () => {
    throw new TypeError("a bug");
  };
  await assert.rejects(c.fetch("bug"), TypeError);
  assert.equal(t.count("bug"), 1);
});

test("no retry once the caller has aborted", async () => {
  const { t, c } = setup();
  t.onFetch = () => {
    throw new k.MizanError("HTTP_502", "bad gateway", 502);
  };
  const abort = new AbortController();
  const p = c.fetch("flaky", {}, { signal: abort.signal });
  await tick(50); // the first attempt failed; the retry waits
  abort.abort();
  await assert.rejects(p, isAbort);
  await tick(700);
  assert.equal(t.count("flaky"), 1);

  // An answer that comes after the abort is a rejection too, and is not retried.
  const gate = deferred<unknown>();
  t.onFetch = () => gate.promise;
  const abort2 = new AbortController();
  const q = c.fetch("late", {}, { signal: abort2.signal });
  abort2.abort();
  await assert.rejects(q, isAbort);
  gate.reject(new k.MizanError("HTTP_500", "x", 500));
  await tick(700);
  assert.equal(t.count("late"), 1);
});

test("a call's signal reaches the transport, and aborting rejects the call even if the transport ignores it", async () => {
  const { t, c } = setup();
  t.onCall = () => new Promise(() => {}); // never answers, ignores the signal
  const abort = new AbortController();
  const p = c.call("slow", { a: 1 }, { signal: abort.signal });
  const seen = t.calls[0]?.options.signal;
  assert.equal(seen?.aborted, false);
  abort.abort();
  await assert.rejects(p, isAbort);
  assert.equal(seen?.aborted, true, "the transport's signal follows the caller's");
  assert.equal(seen?.reason, abort.signal.reason, "with the caller's reason");

  await assert.rejects(c.call("never", {}, { signal: AbortSignal.abort() }), isAbort);
  assert.equal(t.calls.length, 1, "an already-aborted call is not sent");
});

test("call options reach the transport; args default to {}", async () => {
  const { t, c } = setup();
  t.onCall = (fn, args) => ({ result: { fn, args } });
  assert.deepEqual(await c.call("noargs"), { fn: "noargs", args: {} });
  await c.call("upload_avatar", { file: 1 }, { upload: true });
  assert.equal(t.calls[1]?.options.upload, true);
  await c.fetch("global");
  assert.deepEqual(t.fetches[0]?.params, {});
});

test("effects reach every listener before the call resolves; unsubscribe stops them", async () => {
  const { t, c } = setup();
  const log: string[] = [];
  const invalidate: k.Invalidation[] = ["items", { context: "user", params: { user_id: 5 } }, { context: "user", function: "user_orders" }];
  const merge: k.MergeEntry[] = [{ context: "user", slot: "user_profile", value: { name: "Ada" }, params: { user_id: 5 } }];
  t.onCall = () => ({ result: "done", invalidate, merge });
  const seen: k.Effects[] = [];
  const off1 = c.onEffects((e) => {
    seen.push(e);
    log.push("listener 1");
  });
  const off2 = c.onEffects(() => log.push("listener 2"));
  await c.call("rename_user", { user_id: 5 }).then((r) => log.push("resolved " + String(r)));
  assert.deepEqual(log, ["listener 1", "listener 2", "resolved done"]);
  assert.deepEqual(seen.map(({ seq: _, ...e }) => e), [{ fn: "rename_user", invalidate, merge }]);

  off1();
  await c.call("rename_user");
  assert.deepEqual(log.slice(3), ["listener 2"]);
  off2();
  off2(); // twice is harmless
  await c.call("rename_user");
  assert.equal(log.length, 4);

  // Only merges, only invalidations: delivered, with the other list empty. Neither: nothing.
  const got: k.Effects[] = [];
  c.onEffects((e) => got.push(e));
  t.onCall = () => ({ result: 1, merge });
  await c.call("a");
  t.onCall = () => ({ result: 1, invalidate: ["items"] });
  await c.call("b");
  t.onCall = () => ({ result: 1, invalidate: [], merge: [] });
  await c.call("c");
  assert.deepEqual(
    got.map(({ seq: _, ...e }) => e),
    [
      { fn: "a", invalidate: [], merge },
      { fn: "b", invalidate: ["items"], merge: [] },
    ],
  );
  // `seq` is the order the calls were sent in.
  assert.ok(got[0]!.seq < got[1]!.seq);

  // A failed call has no effects.
  t.onCall = () => {
    throw new k.MizanError("VALIDATION_FAILED", "bad", 422);
  };
  await assert.rejects(c.call("d"), { code: "VALIDATION_FAILED" });
  assert.equal(got.length, 2);
});

test("effect listeners of two clients are separate", async () => {
  const a = setup();
  const b = setup();
  a.t.onCall = () => ({ result: 1, invalidate: ["a"] });
  b.t.onCall = () => ({ result: 1, invalidate: ["b"] });
  const seenA: unknown[] = [];
  const seenB: unknown[] = [];
  a.c.onEffects((e) => seenA.push(...e.invalidate));
  b.c.onEffects((e) => seenB.push(...e.invalidate));
  await a.c.call("x");
  await b.c.call("x");
  await a.c.call("x");
  assert.deepEqual([seenA, seenB], [["a", "a"], ["b"]]);
  // The same fetch on two clients: two requests.
  await Promise.all([a.c.fetch("global"), b.c.fetch("global")]);
  assert.equal(a.t.count("global") + b.t.count("global"), 2);
});

test("time limits: TIMEOUT per client and per request, never retried; 0 and Infinity mean none", async () => {
  const t = new FakeTransport();
  const c = k.createMizanClient({ transport: t, timeout: 50 });
  t.onCall = (_fn, _args, { signal }) => untilAborted(signal);
  await assert.rejects(c.call("slow"), (e: unknown) => e instanceof k.MizanError && e.code === "TIMEOUT" && e.status === 0);
  assert.equal(t.calls[0]?.options.signal?.aborted, true, "the transport's signal aborts at the limit");
  assert.equal((t.calls[0]?.options.signal?.reason as k.MizanError).code, "TIMEOUT");
  t.onFetch = (_c, _p, { signal }) => untilAborted(signal);
  await assert.rejects(c.fetch("slow"), { code: "TIMEOUT" });
  await tick(300);
  assert.equal(t.count("slow"), 1, "a fetch that timed out is not retried");

  // A longer limit for one request; none at all with 0 or Infinity (a timer that large would
  // otherwise fire at once).
  t.onCall = () => tick(120).then(() => ({ result: "late but fine" }));
  assert.equal(await c.call("slow", {}, { timeout: 1000 }), "late but fine");
  assert.equal(await c.call("slow", {}, { timeout: 0 }), "late but fine");
  assert.equal(await c.call("slow", {}, { timeout: Infinity }), "late but fine");
  const none = k.createMizanClient({ transport: t, timeout: 0 });
  assert.equal(await none.call("slow"), "late but fine");
});
