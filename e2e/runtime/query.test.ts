// runtime/query.ts against a real QueryClient from @tanstack/query-core (nothing of TanStack is
// mocked) and a real kernel client over an inline fake transport: keys, query options,
// effects (merges, folded invalidations, matching rules), optimistic splices and SSR seeding.

import assert from "node:assert/strict";
import { afterEach, test } from "node:test";

import { hashKey, InfiniteQueryObserver, MutationObserver, QueryClient, QueryObserver, type QueryKey } from "@tanstack/query-core";

import {
  configure,
  createMizanClient,
  MizanError,
  type CallEnvelope,
  type CallOptions,
  type Effects,
  type MizanClient,
  type MizanTransport,
  type Params,
  type RequestOptions,
} from "../../runtime/kernel.ts";
import {
  contextKey,
  contextQuery,
  effectApplier,
  functionInfiniteQuery,
  functionKey,
  functionQuery,
  hydrate,
  infiniteKey,
  merge,
  mutationOptions,
  spliceOptimistic,
  type EffectTarget,
  type MutateOptions,
} from "../../runtime/query.ts";

const tick = (ms = 0): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Fetched {
  context: string;
  params: Params;
  signal: AbortSignal | undefined;
}
interface Called {
  fn: string;
  args: Params;
  options: CallOptions;
}

/** A scriptable transport that records every request. */
function fakeTransport(
  bundle: (context: string, params: Params, signal?: AbortSignal) => unknown = (context, params) => ({ context, params }),
  envelope: (fn: string, args: Params) => CallEnvelope = (fn) => ({ result: fn }),
) {
  const fetches: Fetched[] = [];
  const calls: Called[] = [];
  const transport: MizanTransport = {
    async call(fn: string, args: Params, options: CallOptions) {
      calls.push({ fn, args, options });
      return envelope(fn, args);
    },
    async fetch(context: string, params: Params, options: RequestOptions) {
      fetches.push({ context, params, signal: options.signal });
      return bundle(context, params, options.signal);
    },
  };
  const count = (context: string, params?: Params) =>
    fetches.filter((f) => f.context === context && (!params || hashKey([f.params]) === hashKey([params]))).length;
  return { transport, fetches, calls, count };
}

const queryClients: QueryClient[] = [];
function newQueryClient(): QueryClient {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false, gcTime: Infinity } } });
  queryClients.push(qc);
  return qc;
}

const unhandled: unknown[] = [];
process.on("unhandledRejection", (e) => unhandled.push(e));

afterEach(async () => {
  await tick();
  for (const qc of queryClients.splice(0)) qc.clear();
  assert.deepEqual(unhandled.splice(0), [], "no unhandled rejections");
});

/** Subscribes an observer (so the query is active) and returns its unsubscribe. */
function observe(qc: QueryClient, options: { queryKey: QueryKey; queryFn: (c: { signal: AbortSignal }) => Promise<unknown>; staleTime: number }) {
  const observer = new QueryObserver(qc, options);
  const unsubscribe = observer.subscribe(() => {});
  return { observer, unsubscribe };
}

const userBundle = (id: number, name = `User ${id}`) => ({ user_profile: { user_id: id, name }, user_orders: [] as unknown[] });

let seq = 0;
function effects(partial: Partial<Effects>): Effects {
  return { fn: "f", seq: ++seq, invalidate: [], merge: [], ...partial };
}

/** Waits until no query of the client is fetching. */
async function settled(qc: QueryClient): Promise<void> {
  await tick();
  while (qc.isFetching() > 0) await tick(1);
  await tick();
}

// ---- keys --------------------------------------------------------------------------------------

test("contextKey and functionKey: documented shape, undefined members dropped, stable", () => {
  const params = { user_id: 5, limit: undefined };
  assert.deepEqual(contextKey("user", params), ["mizan", "ctx", "user", { user_id: 5 }]);
  assert.deepEqual(params, { user_id: 5, limit: undefined }, "the caller's object is not changed");
  assert.deepEqual(contextKey("global"), ["mizan", "ctx", "global", {}]);
  assert.deepEqual(contextKey("global", {}), ["mizan", "ctx", "global", {}]);
  assert.deepEqual(functionKey("find_user", { user_id: 1, extra: undefined }), ["mizan", "fn", "find_user", { user_id: 1 }]);
  assert.deepEqual(functionKey("whoami"), ["mizan", "fn", "whoami", {}]);
  // Same params in any order, and with or without undefined members: the same TanStack hash.
  assert.equal(hashKey(contextKey("user", { a: 1, b: 2 })), hashKey(contextKey("user", { b: 2, a: 1, c: undefined })));
  assert.equal(hashKey(functionKey("f", { x: [1], y: null })), hashKey(functionKey("f", { y: null, x: [1] })));
  assert.notEqual(hashKey(contextKey("user", { user_id: 1 })), hashKey(contextKey("user", { user_id: "1" })));
  assert.notEqual(hashKey(contextKey("f", {})), hashKey(functionKey("f", {})));
});

// ---- query options -----------------------------------------------------------------------------

test("contextQuery: key, staleTime, the client's fetch with TanStack's signal (cancel aborts it)", async () => {
  const { transport, fetches } = fakeTransport(
    (_context, _params, signal) =>
      new Promise((_resolve, reject) => signal?.addEventListener("abort", () => reject(signal.reason), { once: true })),
  );
  const client = createMizanClient({ transport });
  const qc = newQueryClient();
  const options = contextQuery<{ user_profile: unknown }>("user", { user_id: 1, limit: undefined }, 30_000, client);
  assert.deepEqual(options.queryKey, ["mizan", "ctx", "user", { user_id: 1 }]);
  assert.equal(options.staleTime, 30_000);

  const pending = qc.fetchQuery(options).catch((e: unknown) => e);
  await tick();
  assert.equal(fetches.length, 1);
  assert.equal(fetches[0]!.context, "user");
  assert.deepEqual(fetches[0]!.params, { user_id: 1 });
  assert.ok(fetches[0]!.signal instanceof AbortSignal);
  assert.equal(fetches[0]!.signal.aborted, false);
  await qc.cancelQueries({ queryKey: options.queryKey });
  await tick();
  assert.equal(fetches[0]!.signal.aborted, true, "cancelling the query aborts the request");
  await pending;
});

test("contextQuery: an observer that leaves and comes straight back rejoins the request in flight", async () => {
  const release: (() => void)[] = [];
  const { transport, fetches } = fakeTransport(
    (_c, params, signal) =>
      new Promise((resolve, reject) => {
        release.push(() => resolve(userBundle(Number(params["user_id"]))));
        signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
      }),
  );
  const client = createMizanClient({ transport });
  const qc = newQueryClient();
  const options = contextQuery("user", { user_id: 1 }, 0, client);
  // What StrictMode does to an effect: subscribe, unsubscribe, subscribe, in one go.
  const first = observe(qc, options);
  first.unsubscribe();
  const second = observe(qc, options);
  await tick(5);
  assert.equal(fetches.length, 1, "one request");
  assert.equal(fetches[0]!.signal!.aborted, false);
  release[0]!();
  await settled(qc);
  assert.equal(second.observer.getCurrentResult().status, "success");
  assert.deepEqual(second.observer.getCurrentResult().data, userBundle(1));
  // Leaving for good still aborts the request (a task later).
  const other = observe(qc, contextQuery("user", { user_id: 2 }, 0, client));
  await tick();
  assert.equal(fetches.length, 2);
  other.unsubscribe();
  await tick(5);
  assert.equal(fetches[1]!.signal!.aborted, true);
  second.unsubscribe();
});

test("contextQuery: data comes from the client's transport and lands under the key", async () => {
  const { transport, count } = fakeTransport((_c, params) => userBundle(Number(params["user_id"])));
  const qc = newQueryClient();
  const data = await qc.fetchQuery(contextQuery<ReturnType<typeof userBundle>>("user", { user_id: 3 }, 0, createMizanClient({ transport })));
  assert.deepEqual(data, userBundle(3));
  assert.deepEqual(qc.getQueryData(contextKey("user", { user_id: 3 })), userBundle(3));
  assert.equal(count("user"), 1);
});

test("contextQuery and functionQuery without a client use defaultClient() when the query runs", async () => {
  // The options exist before the default client is configured: the client is looked up at queryFn time.
  const ctx = contextQuery("global", {}, 0);
  const fn = functionQuery("find_user", { user_id: 2 }, 0);
  const { transport, fetches, calls } = fakeTransport(
    () => ({ current_user: null }),
    (_fn, args) => ({ result: { user_id: args["user_id"], name: "Two" } }),
  );
  configure({ transport });
  const qc = newQueryClient();
  assert.deepEqual(await qc.fetchQuery(ctx), { current_user: null });
  assert.deepEqual(await qc.fetchQuery(fn), { user_id: 2, name: "Two" });
  assert.equal(fetches.length, 1);
  assert.equal(calls.length, 1);
  assert.equal(calls[0]!.fn, "find_user");
});

test("functionQuery: key, staleTime, client.call with the signal and the call options", async () => {
  const { transport, calls } = fakeTransport(undefined, (_fn, args) => ({ result: { echoed: args } }));
  const client = createMizanClient({ transport });
  const qc = newQueryClient();
  const options = functionQuery<{ echoed: Params }>("echo", { text: "hi", skip: undefined }, 5_000, client);
  assert.deepEqual(options.queryKey, ["mizan", "fn", "echo", { text: "hi" }]);
  assert.equal(options.staleTime, 5_000);
  assert.deepEqual(await qc.fetchQuery(options), { echoed: { text: "hi" } });
  assert.equal(calls.length, 1);
  assert.deepEqual(calls[0]!.args, { text: "hi" });
  assert.ok(calls[0]!.options.signal instanceof AbortSignal);

  // `call` options (websocket) reach client.call: recorded by a client that only calls.
  const seen: [string, object | undefined, CallOptions | undefined][] = [];
  const recording = {
    call: async (f: string, a?: object, o?: CallOptions) => (seen.push([f, a, o]), null),
  } as unknown as MizanClient;
  await qc.fetchQuery(functionQuery("ws_whoami", {}, 0, recording, { websocket: true }));
  assert.equal(seen.length, 1);
  assert.equal(seen[0]![0], "ws_whoami");
  assert.equal(seen[0]![2]?.websocket, true);
  assert.ok(seen[0]![2]?.signal instanceof AbortSignal);
});

// ---- effects: merges ---------------------------------------------------------------------------

test("effectApplier: a merge replaces the slot in matching bundles only, with no request", async () => {
  const { transport, fetches } = fakeTransport();
  const qc = newQueryClient();
  const client = createMizanClient({ transport });
  const k1 = contextKey("user", { user_id: 1 });
  const k2 = contextKey("user", { user_id: 2 });
  const k1b = contextKey("user", { user_id: 1, limit: 5 });
  qc.setQueryData(k1, userBundle(1));
  qc.setQueryData(k2, userBundle(2));
  qc.setQueryData(k1b, userBundle(1));
  qc.setQueryData(contextKey("items"), { list_items: [] });
  const before2 = qc.getQueryData(k2);
  // An active query of a matching bundle with an observer, so a refetch would show up.
  const { unsubscribe } = observe(qc, { ...contextQuery("user", { user_id: 1 }, Infinity, client) });

  const apply = effectApplier(qc);
  const value = { user_id: 1, name: "Merged" };
  apply(effects({ merge: [{ context: "user", slot: "user_profile", value, params: { user_id: 1 } }] }));
  // Applied at once (synchronously).
  assert.deepEqual((qc.getQueryData(k1) as Params)["user_profile"], value);
  assert.deepEqual((qc.getQueryData(k1b) as Params)["user_profile"], value);
  assert.deepEqual((qc.getQueryData(k1) as Params)["user_orders"], [], "other slots stay");
  assert.equal(qc.getQueryData(k2), before2, "bundle of another user untouched");
  assert.deepEqual(qc.getQueryData(contextKey("items")), { list_items: [] });

  // Header-style string params scope the same way; unscoped merges hit every bundle of the context.
  const v2 = { user_id: 2, name: "Two" };
  apply(effects({ merge: [{ context: "user", slot: "user_profile", value: v2, params: { user_id: "2" } }] }));
  assert.deepEqual((qc.getQueryData(k2) as Params)["user_profile"], v2);
  assert.deepEqual((qc.getQueryData(k1) as Params)["user_profile"], value);
  apply(effects({ merge: [{ context: "user", slot: "user_orders", value: ["o"] }] }));
  for (const k of [k1, k2, k1b]) assert.deepEqual((qc.getQueryData(k) as Params)["user_orders"], ["o"]);

  await settled(qc);
  assert.equal(fetches.length, 0, "merges make no request");
  unsubscribe();
});

test("effectApplier: a merge skips bundles that have no object data yet", () => {
  const qc = newQueryClient();
  const key = contextKey("user", { user_id: 1 });
  qc.getQueryCache().build(qc, { queryKey: key }); // cached, pending, no data
  qc.setQueryData(contextKey("user", { user_id: 2 }), ["not", "a", "bundle"]);
  effectApplier(qc)(effects({ merge: [{ context: "user", slot: "user_profile", value: 1 }] }));
  assert.equal(qc.getQueryData(key), undefined);
  assert.deepEqual(qc.getQueryData(contextKey("user", { user_id: 2 })), ["not", "a", "bundle"]);
});

test("effectApplier on client.onEffects: a call's merge is in the cache when the call resolves", async () => {
  const value = { user_id: 1, name: "Renamed" };
  const { transport } = fakeTransport(undefined, () => ({
    result: value,
    merge: [{ context: "user", slot: "user_profile", value, params: { user_id: 1 } }],
  }));
  const client = createMizanClient({ transport });
  const qc = newQueryClient();
  qc.setQueryData(contextKey("user", { user_id: 1 }), userBundle(1));
  const off = client.onEffects(effectApplier(qc));
  assert.equal(await client.call("rename_user", { user_id: 1, name: "Renamed" }), value);
  assert.deepEqual((qc.getQueryData(contextKey("user", { user_id: 1 })) as Params)["user_profile"], value);
  off();
});

// ---- effects: invalidations --------------------------------------------------------------------

test("effectApplier: invalidations of several calls in one microtask refetch each active match once", async () => {
  const { transport, count } = fakeTransport((context, params) => (context === "user" ? userBundle(Number(params["user_id"])) : { context }));
  const client = createMizanClient({ transport });
  const qc = newQueryClient();
  const observers = [
    observe(qc, contextQuery("user", { user_id: 1 }, Infinity, client)),
    observe(qc, contextQuery("user", { user_id: 2 }, Infinity, client)),
    observe(qc, contextQuery("global", {}, Infinity, client)),
    observe(qc, contextQuery("items", {}, Infinity, client)),
  ];
  await settled(qc);
  assert.deepEqual([count("user", { user_id: 1 }), count("user", { user_id: 2 }), count("global"), count("items")], [1, 1, 1, 1]);

  // Count invalidateQueries calls through the structural EffectTarget (the QueryClient is real).
  let passes = 0;
  const target: EffectTarget = {
    getQueryCache: () => qc.getQueryCache(),
    setQueryData: (key, data) => qc.setQueryData(key, data),
    setQueryDefaults: (key, options) => qc.setQueryDefaults(key, options),
    cancelQueries: (filters) => qc.cancelQueries(filters),
    invalidateQueries: (filters, options) => (passes++, qc.invalidateQueries(filters, options)),
  };
  const apply = effectApplier(target);
  // Three calls' effects in one microtask, overlapping targets (user 1 is hit three times).
  apply(effects({ fn: "a", invalidate: ["user"] }));
  apply(effects({ fn: "b", invalidate: [{ context: "user", params: { user_id: "1" } }, "global"] }));
  apply(effects({ fn: "c", invalidate: [{ context: "user", params: { user_id: 1 } }] }));
  await settled(qc);
  assert.equal(passes, 1, "one invalidateQueries for the whole microtask");
  assert.deepEqual(
    [count("user", { user_id: 1 }), count("user", { user_id: 2 }), count("global"), count("items")],
    [2, 2, 2, 1],
    "each active matching query refetched exactly once; items untouched",
  );

  // A later microtask is a new pass.
  apply(effects({ invalidate: [{ context: "user", params: { user_id: 2 } }] }));
  await settled(qc);
  assert.equal(passes, 2);
  assert.deepEqual([count("user", { user_id: 1 }), count("user", { user_id: 2 })], [2, 3]);
  for (const o of observers) o.unsubscribe();
});

test("effectApplier: inactive matching queries are marked invalidated, not refetched", async () => {
  const { transport, count } = fakeTransport((_c, params) => userBundle(Number(params["user_id"])));
  const client = createMizanClient({ transport });
  const qc = newQueryClient();
  const options = contextQuery("user", { user_id: 7 }, Infinity, client);
  await qc.fetchQuery(options);
  assert.equal(count("user"), 1);
  const query = qc.getQueryCache().find({ queryKey: options.queryKey, exact: true })!;
  assert.equal(query.state.isInvalidated, false);

  effectApplier(qc)(effects({ invalidate: ["user"] }));
  await settled(qc);
  assert.equal(query.state.isInvalidated, true);
  assert.equal(count("user"), 1, "no observer: no refetch");

  // Its next use refetches although staleTime is Infinity.
  const { observer, unsubscribe } = observe(qc, options);
  await settled(qc);
  assert.equal(count("user"), 2);
  assert.equal(query.state.isInvalidated, false);
  assert.equal(observer.getCurrentResult().isFetched, true);
  unsubscribe();
});

test("effectApplier: scoped invalidation matches params as numbers or header strings", async () => {
  const qc = newQueryClient();
  const keys = {
    one: contextKey("user", { user_id: 1 }),
    oneLimited: contextKey("user", { user_id: 1, limit: 5 }),
    two: contextKey("user", { user_id: 2 }),
    oneString: contextKey("user", { user_id: "1" }),
    other: contextKey("items", { user_id: 1 }),
    filtered: contextKey("search", { filter: { a: 1 }, flag: true }),
    filteredOther: contextKey("search", { filter: { a: 2 }, flag: true }),
  };
  const invalidated = async (...entries: Effects["invalidate"]) => {
    for (const k of Object.values(keys)) qc.setQueryData(k, { fresh: true }); // resets isInvalidated
    effectApplier(qc)(effects({ invalidate: entries }));
    await settled(qc);
    return Object.entries(keys)
      .filter(([, k]) => qc.getQueryState(k)?.isInvalidated)
      .map(([name]) => name)
      .sort();
  };
  // A header-sourced param is the string "1": it matches both the number 1 and the string "1".
  assert.deepEqual(await invalidated({ context: "user", params: { user_id: "1" } }), ["one", "oneLimited", "oneString"]);
  assert.deepEqual(await invalidated({ context: "user", params: { user_id: 1 } }), ["one", "oneLimited", "oneString"]);
  assert.deepEqual(await invalidated({ context: "user", params: { user_id: 2 } }), ["two"]);
  assert.deepEqual(await invalidated({ context: "user", params: { user_id: "01" } }), []);
  assert.deepEqual(await invalidated({ context: "user", params: { user_id: 1, limit: "5" } }), ["oneLimited"]);
  assert.deepEqual(await invalidated({ context: "user", params: { nope: 1 } }), [], "a param the bundle lacks never matches");
  assert.deepEqual(await invalidated({ context: "user" }), ["one", "oneLimited", "oneString", "two"], "no params: the whole context");
  // Objects compare by content (never as "[object Object]"); booleans as "true" from a header.
  assert.deepEqual(await invalidated({ context: "search", params: { filter: { a: 1 } } }), ["filtered"]);
  assert.deepEqual(await invalidated({ context: "search", params: { filter: '{"a":2}' } }), ["filteredOther"]);
  assert.deepEqual(await invalidated({ context: "search", params: { flag: "true" } }), ["filtered", "filteredOther"]);
  assert.deepEqual(await invalidated("items"), ["other"]);
});

test("effectApplier: function-level invalidation hits the context's bundles and the function's queries", async () => {
  const qc = newQueryClient();
  const keys: Record<string, QueryKey> = {
    user1: contextKey("user", { user_id: 1 }),
    user2: contextKey("user", { user_id: 2 }),
    items: contextKey("items"),
    profileQuery: functionKey("user_profile", { user_id: 1 }),
    profileInfinite: [...functionKey("user_profile", {}), "infinite"],
    otherFn: functionKey("find_user", { user_id: 1 }),
    notMizan: ["user_profile"],
  };
  for (const k of Object.values(keys)) qc.setQueryData(k, { fresh: true });
  effectApplier(qc)(effects({ invalidate: [{ context: "user", function: "user_profile" }] }));
  await settled(qc);
  const hit = Object.entries(keys)
    .filter(([, k]) => qc.getQueryState(k)?.isInvalidated)
    .map(([name]) => name)
    .sort();
  assert.deepEqual(hit, ["profileInfinite", "profileQuery", "user1", "user2"]);
});

test("effectApplier: an active function query refetches once on function-level invalidation", async () => {
  const { transport, calls } = fakeTransport(undefined, (_fn, args) => ({ result: { args } }));
  const client = createMizanClient({ transport });
  const qc = newQueryClient();
  const { unsubscribe } = observe(qc, functionQuery("user_profile", { user_id: 1 }, Infinity, client));
  await settled(qc);
  assert.equal(calls.length, 1);
  const apply = effectApplier(qc);
  apply(effects({ invalidate: [{ context: "user", function: "user_profile" }] }));
  apply(effects({ invalidate: ["user", { context: "user", function: "user_profile" }] }));
  await settled(qc);
  assert.equal(calls.length, 2);
  unsubscribe();
});

// ---- optimistic splices ------------------------------------------------------------------------

test("spliceOptimistic: a value into matching bundles; rollback restores the previous slot", () => {
  const qc = newQueryClient();
  const k1 = contextKey("user", { user_id: 1 });
  const k2 = contextKey("user", { user_id: 2 });
  qc.setQueryData(k1, userBundle(1));
  qc.setQueryData(k2, userBundle(2));
  const previous = (qc.getQueryData(k1) as Params)["user_profile"];
  const before2 = qc.getQueryData(k2);
  const guess = { user_id: 1, name: "Guess" };
  const rollback = spliceOptimistic(qc, [{ context: "user", slot: "user_profile", params: { user_id: 1 } }], guess);
  assert.deepEqual((qc.getQueryData(k1) as Params)["user_profile"], guess);
  assert.equal(qc.getQueryData(k2), before2);
  rollback();
  assert.deepEqual((qc.getQueryData(k1) as Params)["user_profile"], previous);
  assert.equal(qc.getQueryData(k2), before2);
});

test("spliceOptimistic: an updater runs per bundle on its current slot", () => {
  const qc = newQueryClient();
  const k1 = contextKey("user", { user_id: 1 });
  const k2 = contextKey("user", { user_id: 2 });
  qc.setQueryData(k1, { ...userBundle(1), user_orders: ["a"] });
  qc.setQueryData(k2, { ...userBundle(2), user_orders: ["b"] });
  const seen: unknown[] = [];
  const rollback = spliceOptimistic(qc, [{ context: "user", slot: "user_orders" }], (current: unknown) => {
    seen.push(current);
    return [...(current as string[]), "new"];
  });
  assert.deepEqual(seen.sort(), [["a"], ["b"]]);
  assert.deepEqual((qc.getQueryData(k1) as Params)["user_orders"], ["a", "new"]);
  assert.deepEqual((qc.getQueryData(k2) as Params)["user_orders"], ["b", "new"]);
  rollback();
  assert.deepEqual((qc.getQueryData(k1) as Params)["user_orders"], ["a"]);
  assert.deepEqual((qc.getQueryData(k2) as Params)["user_orders"], ["b"]);
});

test("spliceOptimistic: rollback leaves a slot that newer data replaced", () => {
  const qc = newQueryClient();
  const k1 = contextKey("user", { user_id: 1 });
  const k2 = contextKey("user", { user_id: 2 });
  qc.setQueryData(k1, userBundle(1));
  qc.setQueryData(k2, userBundle(2));
  const original2 = (qc.getQueryData(k2) as Params)["user_profile"];
  const guess = { name: "Guess" };
  const rollback = spliceOptimistic(qc, [{ context: "user", slot: "user_profile" }], guess);
  // Newer data for user 1 arrives meanwhile (a refetch, another merge, setQueryData).
  const newer = { user_id: 1, name: "Newer" };
  qc.setQueryData(k1, { ...(qc.getQueryData(k1) as Params), user_profile: newer });
  // User 2 keeps the optimistic slot, but another slot of it changes.
  qc.setQueryData(k2, { ...(qc.getQueryData(k2) as Params), user_orders: ["fresh"] });
  rollback();
  assert.deepEqual((qc.getQueryData(k1) as Params)["user_profile"], newer, "newer data survives");
  assert.deepEqual((qc.getQueryData(k2) as Params)["user_profile"], original2, "still optimistic: restored");
  assert.deepEqual((qc.getQueryData(k2) as Params)["user_orders"], ["fresh"], "only the slot is restored");
  // A second rollback changes nothing.
  rollback();
  assert.deepEqual((qc.getQueryData(k1) as Params)["user_profile"], newer);
  assert.deepEqual((qc.getQueryData(k2) as Params)["user_profile"], original2);
});

test("spliceOptimistic: no cached bundle, nothing to do; rollback is harmless", () => {
  const qc = newQueryClient();
  const rollback = spliceOptimistic(qc, [{ context: "user", slot: "user_profile", params: { user_id: 9 } }], { x: 1 });
  assert.equal(qc.getQueryCache().getAll().length, 0);
  rollback();
  assert.equal(qc.getQueryCache().getAll().length, 0);
});

// ---- SSR seeding -------------------------------------------------------------------------------

// ---- mutations ---------------------------------------------------------------------------------

/** A TanStack mutation (query-core's own observer) of `fn` with mutationOptions(). */
function mutation<A extends unknown[], R>(client: MizanClient, qc: QueryClient, fn: string, call?: { upload?: boolean }, ...merges: ReturnType<typeof merge>[]) {
  return new MutationObserver<R, unknown, A, (() => void) | undefined>(qc, mutationOptions<A, R>(client, qc, fn, call, merges));
}

test("merge: a merge target's context, slot and scope", () => {
  assert.deepEqual(merge("user", "user_profile", "user_id"), ["user", "user_profile", ["user_id"]]);
  assert.deepEqual(merge("global", "site"), ["global", "site", []]);
});

test("mutationOptions: mutationFn calls fn with the input (none: {}) and the call's options; a failure becomes a MizanError", async () => {
  let fail = false;
  const { transport, calls } = fakeTransport(undefined, (fn) => {
    if (fail) throw new TypeError("transport broke");
    return { result: `${fn} done` };
  });
  const client = createMizanClient({ transport });
  const qc = newQueryClient();
  const rename = mutation<[{ user_id: number; name: string }, MutateOptions<unknown>?], string>(client, qc, "rename", { upload: true });
  assert.equal(await rename.mutate([{ user_id: 1, name: "Ada" }]), "rename done");
  assert.deepEqual(calls[0]?.args, { user_id: 1, name: "Ada" });
  assert.equal(calls[0]?.options.upload, true);
  const ping = mutation<[], string>(client, qc, "ping");
  assert.equal(await ping.mutate([]), "ping done");
  assert.deepEqual(calls[1]?.args, {});
  fail = true;
  await assert.rejects(ping.mutate([]), (e: unknown) => e instanceof MizanError && e.code === "CLIENT_ERROR" && e.message === "transport broke");
});

test("mutationOptions: optimistic splices into the merge targets scoped by the input, and rolls back when the call fails", async () => {
  // Each call waits for the test to answer it.
  const answers: ((envelope: () => CallEnvelope) => void)[] = [];
  const { transport } = fakeTransport();
  const gated: MizanTransport = {
    ...transport,
    call: (fn, args, options) => (transport.call(fn, args, options), new Promise<() => CallEnvelope>((r) => answers.push(r)).then((envelope) => envelope())),
  };
  const client = createMizanClient({ transport: gated });
  const qc = newQueryClient();
  const k1 = contextKey("user", { user_id: 1 });
  const k2 = contextKey("user", { user_id: 2 });
  qc.setQueryData(k1, userBundle(1));
  qc.setQueryData(k2, userBundle(2));
  const before1 = (qc.getQueryData(k1) as Params)["user_profile"];
  const before2 = qc.getQueryData(k2);
  type Input = { user_id: number; name: string };
  type Profile = { user_id: number; name: string };
  const rename = mutation<[Input, MutateOptions<Profile>?], unknown>(client, qc, "rename", undefined, merge("user", "user_profile", "user_id"));

  const guess = { user_id: 1, name: "Guess" };
  const failing = rename.mutate([{ user_id: 1, name: "Guess" }, { optimistic: guess }]).catch((e: unknown) => e);
  await tick();
  assert.deepEqual((qc.getQueryData(k1) as Params)["user_profile"], guess, "spliced while the call is in flight");
  assert.equal(qc.getQueryData(k2), before2, "another scope untouched");
  answers.shift()?.(() => {
    throw new MizanError("FORBIDDEN", "no", 403);
  });
  const failed = await failing;
  assert.ok(failed instanceof MizanError && failed.code === "FORBIDDEN");
  assert.deepEqual((qc.getQueryData(k1) as Params)["user_profile"], before1, "rolled back");

  // An updater runs on the current slot; success keeps the value.
  const pending = rename.mutate([{ user_id: 2, name: "Two" }, { optimistic: (current) => ({ ...current!, name: "Two" }) }]);
  await tick();
  assert.deepEqual((qc.getQueryData(k2) as Params)["user_profile"], { user_id: 2, name: "Two" });
  assert.deepEqual((qc.getQueryData(k1) as Params)["user_profile"], before1);
  answers.shift()?.(() => ({ result: "ok" }));
  assert.equal(await pending, "ok");
  assert.deepEqual((qc.getQueryData(k2) as Params)["user_profile"], { user_id: 2, name: "Two" });

  // Without `optimistic`, onMutate does nothing and answers no rollback.
  const options = mutationOptions<[Input, MutateOptions<unknown>?], unknown>(client, qc, "rename", undefined, [merge("user", "user_profile")]);
  const cached = qc.getQueryData(k1);
  assert.equal(options.onMutate([{ user_id: 1, name: "x" }]), undefined);
  assert.equal(options.onMutate([{ user_id: 1, name: "x" }, {}]), undefined);
  assert.equal(qc.getQueryData(k1), cached);
  // An unscoped merge target splices every bundle of the context; onError runs the rollback.
  const rollback = options.onMutate([{ user_id: 1, name: "x" }, { optimistic: "all" }]);
  assert.equal((qc.getQueryData(k1) as Params)["user_profile"], "all");
  assert.equal((qc.getQueryData(k2) as Params)["user_profile"], "all");
  options.onError(new Error("x"), [{ user_id: 1, name: "x" }], rollback);
  assert.deepEqual((qc.getQueryData(k1) as Params)["user_profile"], before1);
});

test("hydrate: seeded bundles are cached and their first mount does not fetch", async () => {
  const { transport, count } = fakeTransport((context, params) => (context === "user" ? userBundle(Number(params["user_id"]), "Fetched") : { fetched: context }));
  const client = createMizanClient({ transport });
  const qc = newQueryClient();
  const user = userBundle(1, "Server");
  hydrate({ contexts: { user: { '{"user_id":1}': user }, global: { "{}": { current_user: null } } } }, qc);
  assert.deepEqual(qc.getQueryData(contextKey("user", { user_id: 1 })), user);
  assert.deepEqual(qc.getQueryData(contextKey("global")), { current_user: null });

  // staleTime 0: without the seed rule the mount would refetch at once.
  const u = observe(qc, contextQuery("user", { user_id: 1 }, 0, client));
  const g = observe(qc, contextQuery("global", {}, 0, client));
  await settled(qc);
  assert.equal(count("user"), 0);
  assert.equal(count("global"), 0);
  assert.equal(u.observer.getCurrentResult().status, "success");
  assert.deepEqual(u.observer.getCurrentResult().data, user);

  // A key the seeded key prefixes (TanStack applies query defaults by prefix) still fetches.
  const longer = observe(qc, contextQuery("user", { user_id: 1, limit: 5 }, 0, client));
  await settled(qc);
  assert.equal(count("user", { user_id: 1, limit: 5 }), 1);

  // A later invalidation does refetch the active seeded bundle.
  effectApplier(qc)(effects({ invalidate: [{ context: "user", params: { user_id: 1 } }] }));
  await settled(qc);
  assert.equal(count("user", { user_id: 1 }), 1);
  assert.deepEqual(qc.getQueryData(contextKey("user", { user_id: 1 })), userBundle(1, "Fetched"));

  // An inactive seeded bundle that was invalidated refetches on its next mount.
  g.unsubscribe();
  effectApplier(qc)(effects({ invalidate: ["global"] }));
  await settled(qc);
  assert.equal(count("global"), 0);
  const g2 = observe(qc, contextQuery("global", {}, 0, client));
  await settled(qc);
  assert.equal(count("global"), 1);

  // After its data has been replaced once, a remount follows the normal staleness rules again.
  u.unsubscribe();
  const u2 = observe(qc, contextQuery("user", { user_id: 1 }, 0, client));
  await settled(qc);
  assert.equal(count("user", { user_id: 1 }), 2);
  for (const o of [u2, g2, longer]) o.unsubscribe();
});

test("hydrate: no data, bad keys and already cached bundles are left alone", () => {
  const qc = newQueryClient();
  hydrate(undefined, qc);
  hydrate({}, qc);
  assert.equal(qc.getQueryCache().getAll().length, 0);
  const mine = userBundle(1, "Client");
  qc.setQueryData(contextKey("user", { user_id: 1 }), mine);
  hydrate({ contexts: { user: { '{"user_id":1}': userBundle(1, "Server"), "not json": {}, "[1]": {} } } }, qc);
  assert.equal(qc.getQueryData(contextKey("user", { user_id: 1 })), mine);
  assert.equal(qc.getQueryCache().getAll().length, 1);
});

// ---- paged reads ------------------------------------------------------------------------------

/** Resolves once `done()` holds; fails after two seconds. */
async function waitUntil(done: () => boolean): Promise<void> {
  for (let waited = 0; !done(); waited += 5) {
    assert.ok(waited < 2000, "timed out");
    await tick(5);
  }
}

interface Page {
  items: number[];
  next: number | null;
}

/** A paged function over 0..6, three to a page, `cursor` where the page starts. */
function pagedTransport() {
  return fakeTransport(undefined, (fn, args) => {
    const start = Number(args["cursor"] ?? 0);
    const items = [0, 1, 2, 3, 4, 5, 6].slice(start, start + 3);
    const next = start + 3 < 7 ? start + 3 : null;
    return { result: fn === "history" ? { items, next, user: args["user_id"] } : null };
  });
}

test("an infinite query keys its args without the page, and calls each page with its cursor", async () => {
  const t = pagedTransport();
  const client = createMizanClient({ transport: t.transport });
  const qc = newQueryClient();
  const options = functionInfiniteQuery<Page, number | null | undefined>(
    "history",
    "cursor",
    { user_id: 1, cursor: undefined },
    { getNextPageParam: (last) => last.next },
    0,
    client,
  );
  assert.deepEqual(options.queryKey, ["mizan", "fn", "history", { user_id: 1 }, "infinite"]);
  assert.deepEqual(infiniteKey("history", { user_id: 1, cursor: undefined }), options.queryKey);
  const observer = new InfiniteQueryObserver(qc, options);
  const unsubscribe = observer.subscribe(() => undefined);
  try {
    await waitUntil(() => observer.getCurrentResult().isSuccess);
    await observer.fetchNextPage();
    await observer.fetchNextPage();
    const result = observer.getCurrentResult();
    assert.deepEqual(
      result.data?.pages.map((p) => p.items),
      [[0, 1, 2], [3, 4, 5], [6]],
    );
    assert.equal(result.hasNextPage, false, "null ends the pages");
    assert.deepEqual(
      t.calls.map((c) => c.args),
      [{ user_id: 1 }, { user_id: 1, cursor: 3 }, { user_id: 1, cursor: 6 }],
      "the first page has no cursor (the server's first page), then each page's",
    );
    assert.ok(t.calls.every((c) => c.options.signal instanceof AbortSignal), "each page call gets a signal");

    // A function-level invalidation refetches the pages, as TanStack does: all three again.
    const apply = effectApplier(qc);
    apply(effects({ fn: "x", invalidate: [{ context: "user", function: "history" }] }));
    await waitUntil(() => t.calls.length === 6 && !observer.getCurrentResult().isFetching);
    assert.deepEqual(
      t.calls.slice(3).map((c) => c.args["cursor"]),
      [undefined, 3, 6],
    );
  } finally {
    unsubscribe();
  }
});

test("an infinite query starts at initialPageParam when one is given", async () => {
  const t = pagedTransport();
  const client = createMizanClient({ transport: t.transport });
  const qc = newQueryClient();
  const data = await qc.fetchInfiniteQuery(
    functionInfiniteQuery<Page, number | null | undefined>(
      "history",
      "cursor",
      { user_id: 2 },
      { getNextPageParam: (last) => last.next, initialPageParam: 3 },
      0,
      client,
    ),
  );
  assert.deepEqual(data.pages[0]?.items, [3, 4, 5]);
  assert.deepEqual(data.pageParams, [3]);
});

test("a merge never replaces a slot that a later call has already merged (answers out of order)", async () => {
  const qc = newQueryClient();
  qc.setQueryData(contextKey("user", { user_id: 1 }), userBundle(1));
  const apply = effectApplier(qc);
  const merge = (name: string) => [{ context: "user", slot: "user_profile", value: { user_id: 1, name }, params: { user_id: 1 } }];
  // Calls sent as 10 ("first") then 11 ("second"); the second's answer arrives first.
  apply(effects({ seq: 11, merge: merge("second") }));
  apply(effects({ seq: 10, merge: merge("first") }));
  assert.deepEqual((qc.getQueryData(contextKey("user", { user_id: 1 })) as ReturnType<typeof userBundle>).user_profile, { user_id: 1, name: "second" });
  // A later call merges as usual.
  apply(effects({ seq: 12, merge: merge("third") }));
  assert.equal((qc.getQueryData(contextKey("user", { user_id: 1 })) as ReturnType<typeof userBundle>).user_profile.name, "third");
});

test("a merge cancels a fetch in flight, whose older answer would replace it, and refetches after", async () => {
  const gate = deferredVoid();
  const later = deferredVoid();
  let served = 0;
  const { transport, count } = fakeTransport(async (_context, params) => {
    const n = ++served;
    // The second fetch (the refetch in flight) answers late, with the name from before; the
    // third (the refetch after the merge) waits too, so that the second's answer can be seen.
    if (n === 2) await gate.promise;
    if (n === 3) await later.promise;
    return userBundle(Number(params["user_id"]), n === 2 ? "before" : n === 1 ? "first" : "after");
  });
  const client = createMizanClient({ transport });
  const qc = newQueryClient();
  const { unsubscribe } = observe(qc, contextQuery("user", { user_id: 1 }, Infinity, client));
  await settled(qc);
  void qc.refetchQueries({ queryKey: contextKey("user", { user_id: 1 }) });
  await waitUntil(() => count("user") === 2);
  effectApplier(qc)(effects({ merge: [{ context: "user", slot: "user_profile", value: { user_id: 1, name: "merged" }, params: { user_id: 1 } }] }));
  const name = () => (qc.getQueryData(contextKey("user", { user_id: 1 })) as ReturnType<typeof userBundle>).user_profile.name;
  assert.equal(name(), "merged");
  await waitUntil(() => count("user") === 3);
  gate.resolve();
  await tick(20);
  assert.equal(name(), "merged", "the older answer never lands");
  later.resolve();
  await settled(qc);
  assert.equal(count("user"), 3, "the cancelled bundle is refetched once");
  assert.equal(name(), "after");
  unsubscribe();
});

test("an invalidation during an active first load restarts it: the answer from before the mutation is not kept", async () => {
  const gate = deferredVoid();
  let served = 0;
  const { transport, count } = fakeTransport(async (_context, params) => {
    served++;
    if (served === 1) await gate.promise;
    return userBundle(Number(params["user_id"]), served === 1 ? "old" : "new");
  });
  const client = createMizanClient({ transport });
  const qc = newQueryClient();
  const { observer, unsubscribe } = observe(qc, contextQuery("user", { user_id: 1 }, Infinity, client));
  await waitUntil(() => count("user") === 1);
  effectApplier(qc)(effects({ invalidate: [{ context: "user", params: { user_id: 1 } }] }));
  await waitUntil(() => count("user") === 2);
  gate.resolve();
  await waitUntil(() => observer.getCurrentResult().isSuccess && !observer.getCurrentResult().isFetching);
  assert.equal((observer.getCurrentResult().data as ReturnType<typeof userBundle>).user_profile.name, "new");
  unsubscribe();
});

function deferredVoid(): { promise: Promise<void>; resolve(): void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

test("an optimistic value is not replaced by the older answer of a fetch in flight; a rollback refetches", async () => {
  const gate = deferredVoid();
  let served = 0;
  const { transport, count } = fakeTransport(async (_context, params) => {
    const n = ++served;
    if (n === 2) await gate.promise;
    return userBundle(Number(params["user_id"]), n === 2 ? "before" : n === 1 ? "first" : "refetched");
  });
  const client = createMizanClient({ transport });
  const qc = newQueryClient();
  const { unsubscribe } = observe(qc, contextQuery("user", { user_id: 1 }, Infinity, client));
  await settled(qc);
  void qc.refetchQueries({ queryKey: contextKey("user", { user_id: 1 }) });
  await waitUntil(() => count("user") === 2);
  const rollback = spliceOptimistic(qc, [{ context: "user", slot: "user_profile", params: { user_id: 1 } }], { user_id: 1, name: "predicted" });
  const name = () => (qc.getQueryData(contextKey("user", { user_id: 1 })) as ReturnType<typeof userBundle>).user_profile.name;
  gate.resolve();
  await tick(20);
  assert.equal(name(), "predicted", "the older answer does not replace the prediction");
  assert.equal(count("user"), 2, "no refetch while the call is pending");
  rollback();
  await settled(qc);
  assert.equal(count("user"), 3, "the cancelled fetch is made again after a rollback");
  assert.equal(name(), "refetched");
  unsubscribe();
});
