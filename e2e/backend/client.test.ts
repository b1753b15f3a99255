// The generated Stage 1 client (server.ts: call*, fetch*Context, the query-option factories,
// subscribe*Channel), run in Node against a real mizan-reference-backend (started by run.mjs;
// its URL and MWT secret arrive in MIZAN_URL and MIZAN_MWT_SECRET), with client instances and a
// real QueryClient from @tanstack/query-core. server.ts is React-free: nothing here loads React.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { afterEach, before, test } from "node:test";

import { isCancelledError, QueryClient, QueryObserver } from "@tanstack/query-core";

import * as api from "../.generated/backend/server.ts";

const url = process.env["MIZAN_URL"] ?? "";
const secret = process.env["MIZAN_MWT_SECRET"] ?? "";
const baseUrl = url + "/api/mizan";

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");

/** An MWT signed here, in Node, with the server's secret: HS256 agreement across languages. */
function mwt(sub: number, staff = false): string {
  const now = Math.floor(Date.now() / 1000);
  const head = b64({ alg: "HS256", typ: "JWT", kid: "mwt-1" }) + "." + b64({ sub: String(sub), iat: now, nbf: now, exp: now + 300, aud: "mizan", staff, super: false, pkey: "" });
  return head + "." + createHmac("sha256", secret).update(head).digest("base64url");
}

/** Polls `condition` (bounded: 2 s) for what cannot be awaited as an event. */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400 && !condition(); i++) await tick(5);
  assert.ok(condition(), `timed out waiting for ${what}`);
}

interface Request {
  method: string;
  url: string;
  token: string | undefined;
  signal: AbortSignal | undefined;
  body: unknown;
  /** How the real fetch ended: "answered", or the name of its error. */
  outcome: Promise<string>;
}

interface Logged {
  client: api.MizanClient;
  requests: Request[];
  /** Context fetches of `context` (with `user_id` when given). */
  ctx(context: string, userId?: number): number;
  /** Resolves as the next request goes out (a microtask later: before any answer can arrive). */
  next(): Promise<Request>;
  /** Makes the next request wait until it is aborted, so that an abort cannot lose a race. */
  hold(): void;
}

const clients: api.MizanClient[] = [];
const queryClients: QueryClient[] = [];

/** A client of its own, with `token` (an MWT) or anonymous, that records every request it makes.
 * `delay` makes getHeaders() asynchronous and slow, so that concurrent requests interleave. */
function logged(token?: string, delay = 0): Logged {
  const requests: Request[] = [];
  const waiting: ((r: Request) => void)[] = [];
  // `hold()`: the next request waits (abortably) before it goes out, so an abort surely wins.
  const gates: Promise<void>[] = [];
  const client = api.createMizanClient({
    baseUrl,
    getHeaders: async () => {
      if (delay) await tick(Math.floor(Math.random() * delay));
      return token ? { "X-Mizan-Token": token } : {};
    },
    fetch: (input, init) => {
      const gate = gates.shift();
      const signal = init?.signal;
      const p = gate
        ? new Promise<void>((resolve, reject) => {
            void gate.then(resolve);
            signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
          }).then(() => fetch(input, init))
        : fetch(input, init);
      const headers = (init?.headers ?? {}) as Record<string, string>;
      const request: Request = {
        method: init?.method ?? "GET",
        url: String(input),
        token: headers["X-Mizan-Token"],
        signal: init?.signal ?? undefined,
        body: init?.body,
        outcome: p.then(
          () => "answered",
          (e: unknown) => (e instanceof Error ? e.name : String(e)),
        ),
      };
      requests.push(request);
      waiting.shift()?.(request);
      return p;
    },
  });
  clients.push(client);
  const ctx = (context: string, userId?: number) =>
    requests.filter((r) => {
      const u = new URL(r.url);
      return u.pathname.endsWith(`/ctx/${context}/`) && (userId === undefined || u.searchParams.get("user_id") === String(userId));
    }).length;
  const next = () => new Promise<Request>((resolve) => waiting.push(resolve));
  const hold = () => void gates.push(new Promise<void>(() => undefined));
  return { client, requests, ctx, next, hold };
}

function newQueryClient(): QueryClient {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false, gcTime: Infinity } } });
  queryClients.push(queryClient);
  return queryClient;
}

/** What `observed` reads of a QueryObserver. */
interface Observer<D> {
  getCurrentResult(): { data: D | undefined };
  subscribe(listener: (result: { data: D | undefined }) => void): () => void;
}

/** Resolves once the observer's result satisfies `done` (bounded: 3 s). */
function observed<D>(observer: Observer<D>, done: (data: D | undefined) => boolean, what: string): Promise<void> {
  if (done(observer.getCurrentResult().data)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out waiting for ${what}: ${JSON.stringify(observer.getCurrentResult().data)}`));
    }, 3000);
    const off = observer.subscribe((r) => {
      if (done(r.data)) {
        clearTimeout(timer);
        off();
        resolve();
      }
    });
  });
}

/** Asserts that `p` rejects with a MizanError of this code and status (and details, when given). */
async function rejectsWith(p: Promise<unknown>, code: string, status: number, details?: unknown): Promise<api.MizanError> {
  let error: unknown;
  await assert.rejects(p, (e: unknown) => {
    error = e;
    return true;
  });
  assert.ok(error instanceof api.MizanError, `not a MizanError: ${String(error)}`);
  assert.equal(error.name, "MizanError");
  assert.deepEqual([error.code, error.status], [code, status], error.message);
  if (details !== undefined) assert.deepEqual(error.details, details);
  return error;
}

const unhandled: unknown[] = [];
process.on("unhandledRejection", (e) => unhandled.push(e));

const defaultRequests: string[] = [];
before(() => {
  assert.ok(url, "MIZAN_URL is set by run.mjs");
  assert.ok(secret, "MIZAN_MWT_SECRET is set by run.mjs");
  // The default client: what call*() and fetch*Context() use without options.client.
  api.configure({
    baseUrl,
    fetch: (input, init) => {
      defaultRequests.push(`${init?.method ?? "GET"} ${String(input)}`);
      return fetch(input, init);
    },
  });
});

afterEach(async () => {
  await tick();
  for (const q of queryClients.splice(0)) q.clear();
  for (const c of clients.splice(0)) c.disconnect();
  assert.deepEqual(unhandled.splice(0), [], "no unhandled rejections");
});

test("plain functions answer through the generated callers (default client)", async () => {
  const before = defaultRequests.length;
  assert.deepEqual(await api.callEcho({ text: "héllo" }), { message: "héllo" });
  assert.deepEqual(await api.callAdd({ a: 20, b: 22 }), { total: 42 });
  assert.deepEqual(await api.callFindUser({ user_id: 3 }), { user_id: 3, name: "root" });
  assert.equal(await api.callFindUser({ user_id: 99_999 }), null);
  const form = await api.callContactSchema();
  assert.deepEqual(
    form.fields.map((f) => f.name),
    ["name", "email", "message", "topic"],
  );
  const check = await api.callContactValidate({ data: { name: "Ada", email: "nope", message: "short" } });
  assert.deepEqual(Object.keys(check.errors).sort(), ["email", "message"]);
  assert.deepEqual(await api.callContactSubmit({ data: { name: "Ada", email: "ada@example.com", message: "Hello from the e2e suite" } }), { ok: true });
  // All of them went through the configured default client.
  assert.equal(defaultRequests.length - before, 7);
  assert.ok(defaultRequests.slice(before).every((r) => r === `POST ${baseUrl}/call/`));
  assert.equal(api.defaultClient().baseUrl, baseUrl);
});

test("context fetchers return whole bundles", async () => {
  const global = await api.fetchGlobalContext();
  assert.equal(global.current_user, null);
  assert.equal(global.site_settings.site_name, "Mizan");
  const user = await api.fetchUserContext({ user_id: 5, limit: 2 });
  assert.deepEqual(user.user_profile, { user_id: 5, name: "User 5" });
  assert.equal(user.user_orders.length, 2);
  assert.ok((await api.fetchItemsContext()).list_items.some((i) => i.name === "Lamp"));
  const ada = logged(mwt(1));
  const signedIn = await api.fetchGlobalContext({}, { client: ada.client });
  assert.equal(signedIn.current_user?.username, "ada");
  assert.deepEqual(
    ada.requests.map((r) => [r.method, r.url]),
    [["GET", `${baseUrl}/ctx/global/`]],
  );
  assert.ok(ada.requests[0]?.token, "the client's token went along");
});

test("configure() sets up the default client; options.client overrides it", async () => {
  await rejectsWith(api.callWhoami(), "UNAUTHORIZED", 401);
  const first = api.defaultClient();
  try {
    // Key by key: the baseUrl and fetch given before stay; the next use makes a fresh client.
    api.configure({ getHeaders: () => ({ "X-Mizan-Token": mwt(1) }) });
    assert.notEqual(api.defaultClient(), first, "a new default client after configure()");
    assert.equal(api.defaultClient().baseUrl, baseUrl);
    const before = defaultRequests.length;
    assert.equal((await api.callWhoami()).username, "ada");
    assert.equal(defaultRequests.length, before + 1, "through the configured fetch");
    assert.equal((await api.callWhoami({ client: logged(mwt(2, true)).client })).username, "grace");
    assert.equal((await api.fetchGlobalContext()).current_user?.username, "ada");
  } finally {
    api.configure({ getHeaders: () => ({}) });
  }
  assert.equal((await api.fetchGlobalContext()).current_user, null);
});

test("two clients in one process never see each other's user, even interleaved", async () => {
  // getHeaders() is async with random delays, so the requests of the three clients interleave.
  const ada = logged(mwt(1), 20);
  const grace = logged(mwt(2, true), 20);
  const anonymous = logged(undefined, 20);
  const rounds = await Promise.all(
    Array.from({ length: 8 }, async () =>
      Promise.all([
        api.callWhoami({ client: ada.client }),
        api.callWhoami({ client: grace.client }),
        api.fetchGlobalContext({}, { client: ada.client }),
        api.fetchGlobalContext({}, { client: grace.client }),
        api.fetchGlobalContext({}, { client: anonymous.client }),
        api.callWsWhoami({ client: ada.client }),
        api.callWsWhoami({ client: grace.client }),
        api.callWsWhoami({ client: anonymous.client }),
        api.callStaffOnly({ client: grace.client }),
        api.callStaffOnly({ client: ada.client }).catch((e: unknown) => (e instanceof api.MizanError ? e.code : e)),
      ]),
    ),
  );
  for (const [meA, meG, globalA, globalG, globalAnon, wsA, wsG, wsAnon, staffG, staffA] of rounds) {
    assert.deepEqual([meA.username, meG.username], ["ada", "grace"]);
    assert.deepEqual([globalA.current_user?.username, globalG.current_user?.username, globalAnon.current_user], ["ada", "grace", null]);
    assert.deepEqual([wsA?.username, wsG?.username, wsAnon], ["ada", "grace", null]);
    assert.deepEqual([staffG, staffA], [{ ok: true }, "FORBIDDEN"]);
  }
  // Every HTTP request of a client carried that client's token, and only it.
  // (whoami and staff_only: 16 calls; the identical concurrent global fetches may share requests)
  assert.ok(ada.requests.length > 16 && ada.requests.every((r) => r.token === ada.requests[0]?.token));
  assert.ok(grace.requests.every((r) => r.token !== undefined && r.token !== ada.requests[0]?.token));
  assert.ok(anonymous.requests.every((r) => r.token === undefined));
  await rejectsWith(api.callWhoami({ client: anonymous.client }), "UNAUTHORIZED", 401);
});

test("two QueryClients, one per user (two server renders): the same query key holds each user's data", async () => {
  const renders = await Promise.all(
    [mwt(1), mwt(2, true), undefined].map(async (token) => {
      const { client } = logged(token, 10);
      const queryClient = newQueryClient();
      const query = api.globalContextQuery({}, client);
      await queryClient.prefetchQuery(query);
      return queryClient.getQueryData(query.queryKey)?.current_user?.username ?? null;
    }),
  );
  assert.deepEqual(renders, ["ada", "grace", null]);
});

test("an AbortSignal aborts a call and a context fetch, down to the transport", async () => {
  const { client, requests, next, hold } = logged();
  // A call: aborted while its request is in flight.
  const call = new AbortController();
  hold();
  let sent = next();
  const pending = api.callEcho({ text: "never mind" }, { client, signal: call.signal });
  let request = await sent;
  call.abort();
  await assert.rejects(pending, { name: "AbortError" });
  assert.equal(request.signal?.aborted, true, "the fetch got the call's signal");
  assert.equal(await request.outcome, "AbortError");

  // A context fetch: its request's signal aborts once its only caller has.
  const fetchAbort = new AbortController();
  hold();
  sent = next();
  const bundle = api.fetchUserContext({ user_id: 43 }, { client, signal: fetchAbort.signal });
  request = await sent;
  fetchAbort.abort();
  await assert.rejects(bundle, { name: "AbortError" });
  assert.equal(request.signal?.aborted, true);
  assert.equal(await request.outcome, "AbortError");

  // Two callers share one request; one of them leaving does not abort it for the other.
  const leaving = new AbortController();
  sent = next();
  const a = api.fetchUserContext({ user_id: 43 }, { client, signal: leaving.signal });
  const b = api.fetchUserContext({ user_id: 43 }, { client });
  request = await sent;
  leaving.abort();
  await assert.rejects(a, { name: "AbortError" });
  assert.deepEqual((await b).user_profile, { user_id: 43, name: "User 43" });
  assert.equal(requests.length, 3, "one request for both callers");
  assert.equal(await request.outcome, "answered");

  // Already aborted: no request at all.
  const early = new AbortController();
  early.abort();
  await assert.rejects(api.callEcho({ text: "x" }, { client, signal: early.signal }), { name: "AbortError" });
  await assert.rejects(api.fetchGlobalContext({}, { client, signal: early.signal }), { name: "AbortError" });
  assert.equal(requests.length, 3);

  // TanStack's cancellation reaches the request through the factory's queryFn.
  const queryClient = newQueryClient();
  const query = api.userContextQuery({ user_id: 44 }, client);
  hold();
  sent = next();
  const fetching = queryClient.fetchQuery(query);
  request = await sent;
  await queryClient.cancelQueries({ queryKey: query.queryKey });
  await assert.rejects(fetching, (e: unknown) => isCancelledError(e));
  assert.equal(await request.outcome, "AbortError");
  assert.equal(request.signal?.aborted, true);
});

test("onEffects delivers each call's invalidate and merge entries, before the call resolves", async () => {
  const ada = logged(mwt(1));
  const other = logged();
  const seen: (api.Effects | "resolved")[] = [];
  const off = ada.client.onEffects((e) => seen.push(e));
  const elsewhere: api.Effects[] = [];
  other.client.onEffects((e) => elsewhere.push(e));

  await api.callUpdateProfile({ user_id: 60, name: "Sixty" }, { client: ada.client }).then(() => seen.push("resolved"));
  await api.callRenameUser({ user_id: 61, name: "Sixty-One" }, { client: ada.client }).then(() => seen.push("resolved"));
  await api.callSetItemName({ id: 3, name: "Armchair" }, { client: ada.client }).then(() => seen.push("resolved"));
  await api.callUpdateEmail({ email: "ada@lovelace.org" }, { client: ada.client }).then(() => seen.push("resolved"));
  // Plain functions have no effects.
  await api.callEcho({ text: "no effects" }, { client: ada.client }).then(() => seen.push("resolved"));
  // `seq` orders a client's calls; it is checked by the kernel's tests.
  assert.deepEqual(seen.map((e) => (e === "resolved" ? e : { fn: e.fn, invalidate: e.invalidate, merge: e.merge })), [
    { fn: "update_profile", invalidate: [{ context: "user", params: { user_id: 60 } }], merge: [] },
    "resolved",
    { fn: "rename_user", invalidate: [], merge: [{ context: "user", slot: "user_profile", value: { user_id: 61, name: "Sixty-One" }, params: { user_id: 61 } }] },
    "resolved",
    { fn: "set_item_name", invalidate: ["items"], merge: [] },
    "resolved",
    { fn: "update_email", invalidate: [{ function: "current_user", context: "global" }], merge: [] },
    "resolved",
    "resolved",
  ]);
  assert.deepEqual(elsewhere, [], "another client's listeners hear nothing");
  off();
  await api.callUpdateProfile({ user_id: 60, name: "Sixty again" }, { client: ada.client });
  assert.equal(seen.length, 9, "unsubscribed");
  // A failed call has no effects.
  const failed: api.Effects[] = [];
  other.client.onEffects((e) => failed.push(e));
  await rejectsWith(api.callUpdateProfile({ user_id: 999_999, name: "x" }, { client: other.client }), "NOT_FOUND", 404);
  assert.equal(failed.length, 0);
});

test("the X-Mizan-Invalidate header agrees with the body", async () => {
  const answers: { fn: string; header: string | null; body: Record<string, unknown> }[] = [];
  const client = api.createMizanClient({
    baseUrl,
    getHeaders: () => ({ "X-Mizan-Token": mwt(1) }),
    fetch: async (input, init) => {
      const res = await fetch(input, init);
      const sent = JSON.parse(String(init?.body)) as { fn: string };
      answers.push({ fn: sent.fn, header: res.headers.get("X-Mizan-Invalidate"), body: (await res.clone().json()) as Record<string, unknown> });
      return res;
    },
  });
  clients.push(client);
  await api.callUpdateProfile({ user_id: 62, name: "a b&c, d;e=f" }, { client });
  await api.callSetItemName({ id: 3, name: "Armchair" }, { client });
  await api.callUpdateEmail({ email: "ada@lovelace.org" }, { client });
  await api.callRenameUser({ user_id: 63, name: "Merged" }, { client });
  await api.callEcho({ text: "x" }, { client });

  /** The body's invalidations as the header writes them: context, then sorted `;name=value`. */
  const asHeader = (entries: unknown): string | null =>
    Array.isArray(entries) && entries.length
      ? entries
          .map((e: api.Invalidation) =>
            typeof e === "string"
              ? e
              : e.context +
                Object.keys(e.params ?? {})
                  .sort()
                  .map((k) => `;${k}=${encodeURIComponent(String(e.params?.[k]))}`)
                  .join(""),
          )
          .join(", ")
      : null;
  assert.deepEqual(
    answers.map((a) => [a.fn, a.header]),
    [
      ["update_profile", "user;user_id=62"],
      ["set_item_name", "items"],
      ["update_email", "global"],
      ["rename_user", null],
      ["echo", null],
    ],
  );
  for (const a of answers) assert.equal(a.header, asHeader(a.body["invalidate"]), a.fn);
  assert.equal("invalidate" in (answers[3]?.body ?? {}), false, "present only when non-empty");
  assert.equal("merge" in (answers[0]?.body ?? {}), false);
});

test("errors arrive as MizanError with code, status and details", async () => {
  const { client } = logged();
  const ada = logged(mwt(1)).client;
  await rejectsWith(api.callWhoami({ client }), "UNAUTHORIZED", 401);
  await rejectsWith(api.callStaffOnly({ client: ada }), "FORBIDDEN", 403);
  await rejectsWith(api.callNotImplementedFn({ client }), "NOT_IMPLEMENTED", 501);
  const internal = await rejectsWith(api.callBuggyFn({ client }), "INTERNAL_ERROR", 500);
  assert.doesNotMatch(internal.message, /panic|\.rs|divide|overflow/i, "no internals in the message");
  // Private functions get no caller; asked for by name, the server refuses them.
  assert.equal("callInternalStats" in api, false);
  await rejectsWith(api.mizanCall("internal_stats", {}, { client }), "FORBIDDEN", 403);
  await rejectsWith(api.mizanCall("no_such_function", {}, { client }), "BAD_REQUEST", 400);
  // A body over the server's limit (1 MiB) has its own code.
  await rejectsWith(api.callEcho({ text: "x".repeat(2 ** 20) }, { client }), "PAYLOAD_TOO_LARGE", 413);
  await rejectsWith(api.callSetItemName({ id: 404, name: "x" }, { client }), "NOT_FOUND", 404);
  await rejectsWith(api.fetchUserContext({ user_id: 999_999 }, { client }), "NOT_FOUND", 404);
  await rejectsWith(api.mizanFetch("no_such_context", {}, { client }), "NOT_FOUND", 404);
  const invalid = await rejectsWith(api.mizanCall("add", { a: "two", b: 2 }, { client }), "VALIDATION_FAILED", 422);
  assert.ok(Array.isArray((invalid.details as Record<string, unknown>)["a"]), JSON.stringify(invalid.details));
  await rejectsWith(api.callContactSubmit({ data: { name: "", email: "nope", message: "short" } }, { client }), "VALIDATION_FAILED", 422, {
    email: [{ message: "Enter a valid email address.", code: "invalid" }],
    message: [{ message: "Ensure this value has at least 10 characters.", code: "min_length" }],
    name: [{ message: "This field is required.", code: "required" }],
  });
  await rejectsWith(api.callUpdateEmail({ email: "not an email" }, { client: ada }), "VALIDATION_FAILED", 422);
  await rejectsWith(api.callEcho({ text: "x" }, { client: logged("forged.token.here").client }), "UNAUTHORIZED", 401);
  // Over the WebSocket: the same codes (a frame has no HTTP status).
  await rejectsWith(api.mizanCall("whoami", {}, { client }, { websocket: true }), "UNAUTHORIZED", 0);
  // A query's error is the same MizanError.
  await rejectsWith(newQueryClient().fetchQuery(api.notImplementedFnQuery({}, client)), "NOT_IMPLEMENTED", 501);
});

test("an MWT signed in Node authenticates whoami, staff calls and mutations", async () => {
  const { email, ...me } = await api.callWhoami({ client: logged(mwt(1)).client });
  assert.deepEqual(me, { id: 1, username: "ada", is_staff: false });
  assert.match(email, /^ada@/);
  assert.deepEqual(await api.callStaffOnly({ client: logged(mwt(2, true)).client }), { ok: true });
  const ada = logged(mwt(1)).client;
  assert.deepEqual(await api.callUpdateEmail({ email: "ada@lovelace.org" }, { client: ada }), { ok: true });
  assert.equal((await api.callWhoami({ client: ada })).email, "ada@lovelace.org");
});

test("query factories work with a QueryClient from @tanstack/query-core", async () => {
  const { client, ctx, requests } = logged();
  const queryClient = newQueryClient();
  const query = api.userContextQuery({ user_id: 45 }, client);
  assert.deepEqual(query.queryKey, ["mizan", "ctx", "user", { user_id: 45 }]);
  assert.equal(query.staleTime, 60_000, "the context's cache, in ms");
  const bundle = await queryClient.fetchQuery(api.userContextQuery({ user_id: 45 }, client));
  assert.deepEqual(bundle.user_profile, { user_id: 45, name: "User 45" });
  assert.equal(queryClient.getQueryData(query.queryKey), bundle);
  // Fresh for staleTime: served from the cache.
  assert.equal(await queryClient.fetchQuery(query), bundle);
  assert.equal(ctx("user", 45), 1);
  // The same params in another order are the same key.
  await queryClient.fetchQuery(api.userContextQuery({ user_id: 45, limit: 2 }, client));
  assert.ok(queryClient.getQueryData(api.userContextQuery({ limit: 2, user_id: 45 }).queryKey));
  assert.equal(ctx("user", 45), 2);
  assert.equal(api.itemsContextQuery().staleTime, 30_000);
  assert.deepEqual(api.itemsContextQuery().queryKey, ["mizan", "ctx", "items", {}]);

  // Plain functions.
  const echo = api.echoQuery({ text: "queried" }, client);
  assert.deepEqual(echo.queryKey, ["mizan", "fn", "echo", { text: "queried" }]);
  assert.deepEqual(await queryClient.fetchQuery(echo), { message: "queried" });
  assert.deepEqual(queryClient.getQueryData(echo.queryKey), { message: "queried" });
  assert.deepEqual(api.whoamiQuery().queryKey, ["mizan", "fn", "whoami", {}]);
  assert.equal((await queryClient.fetchQuery(api.whoamiQuery({}, logged(mwt(2, true)).client))).username, "grace");
  assert.equal(await queryClient.fetchQuery(api.wsWhoamiQuery({}, client)), null, "over the WebSocket");
  assert.equal(requests.filter((r) => r.url.endsWith("/call/")).length, 1, "ws_whoami went over the socket");

  // Without a client, a factory uses the default client when the query runs.
  const before = defaultRequests.length;
  assert.deepEqual(await queryClient.fetchQuery(api.addQuery({ a: 1, b: 2 })), { total: 3 });
  assert.equal(defaultRequests.length, before + 1);
});

test("effects through a QueryClient: a merge updates the active bundle with no request; affects refetches exactly once", async () => {
  const { client, ctx } = logged();
  const queryClient = newQueryClient();
  client.onEffects(api.effectApplier(queryClient));
  const query = api.userContextQuery({ user_id: 42 }, client);
  const observer = new QueryObserver(queryClient, query);
  const stop = observer.subscribe(() => undefined);
  await observed(observer, (d) => d !== undefined, "the first fetch");
  assert.equal(ctx("user", 42), 1);

  const merged = await api.callRenameUser({ user_id: 42, name: "Merged Name" }, { client });
  assert.deepEqual(merged, { user_id: 42, name: "Merged Name" });
  assert.equal(queryClient.getQueryData(query.queryKey)?.user_profile.name, "Merged Name", "spliced at once");
  assert.equal(observer.getCurrentResult().data?.user_profile.name, "Merged Name");
  await tick();
  assert.equal(queryClient.isFetching(), 0);
  assert.equal(ctx("user", 42), 1, "a merge makes no request");

  await api.callUpdateProfile({ user_id: 42, name: "Refetched Name" }, { client });
  await observed(observer, (d) => d?.user_profile.name === "Refetched Name", "the refetch");
  await until(() => queryClient.isFetching() === 0, "no fetch in flight");
  assert.equal(ctx("user", 42), 2, "affects: exactly one refetch");
  stop();
});

test("scoped invalidation refetches only that user's active bundle and marks inactive ones stale", async () => {
  const { client, ctx } = logged();
  const queryClient = newQueryClient();
  client.onEffects(api.effectApplier(queryClient));
  const a = new QueryObserver(queryClient, api.userContextQuery({ user_id: 50 }, client));
  const b = new QueryObserver(queryClient, api.userContextQuery({ user_id: 51 }, client));
  const stops = [a.subscribe(() => undefined), b.subscribe(() => undefined)];
  const inactive = api.userContextQuery({ user_id: 52 }, client);
  await Promise.all([observed(a, (d) => d !== undefined, "50"), observed(b, (d) => d !== undefined, "51"), queryClient.prefetchQuery(inactive)]);

  await api.callUpdateProfile({ user_id: 50, name: "Only Fifty" }, { client });
  await observed(a, (d) => d?.user_profile.name === "Only Fifty", "50's refetch");
  await api.callUpdateProfile({ user_id: 52, name: "Fifty-Two" }, { client });
  await tick();
  await until(() => queryClient.isFetching() === 0, "no fetch in flight");
  assert.deepEqual([ctx("user", 50), ctx("user", 51), ctx("user", 52)], [2, 1, 1]);
  assert.equal(b.getCurrentResult().data?.user_profile.name, "User 51");
  assert.equal(queryClient.getQueryState(inactive.queryKey)?.isInvalidated, true, "inactive: marked stale, not refetched");
  // Its next use refetches, although its staleTime has not passed.
  assert.equal((await queryClient.fetchQuery(inactive)).user_profile.name, "Fifty-Two");
  assert.equal(ctx("user", 52), 2);
  for (const stop of stops) stop();
});

test("an unscoped invalidation refetches every active bundle of the context; a function-level one its context", async () => {
  const ada = logged(mwt(1));
  const queryClient = newQueryClient();
  ada.client.onEffects(api.effectApplier(queryClient));
  const items = new QueryObserver(queryClient, api.itemsContextQuery({}, ada.client));
  const global = new QueryObserver(queryClient, api.globalContextQuery({}, ada.client));
  const stops = [items.subscribe(() => undefined), global.subscribe(() => undefined)];
  await Promise.all([observed(items, (d) => d !== undefined, "items"), observed(global, (d) => d !== undefined, "global")]);

  await api.callSetItemName({ id: 3, name: "Armchair" }, { client: ada.client });
  await observed(items, (d) => d?.list_items.some((i) => i.name === "Armchair") ?? false, "the renamed item");
  await until(() => queryClient.isFetching() === 0, "no fetch in flight");
  assert.equal(ada.ctx("items"), 2);

  await api.callUpdateEmail({ email: "ada@analytical.engine" }, { client: ada.client });
  await observed(global, (d) => d?.current_user?.email === "ada@analytical.engine", "the new email");
  await until(() => queryClient.isFetching() === 0, "no fetch in flight");
  assert.deepEqual([ada.ctx("global"), ada.ctx("items")], [2, 2]);
  await api.callUpdateEmail({ email: "ada@lovelace.org" }, { client: ada.client });
  for (const stop of stops) stop();
});

test("uploads go out as multipart", async () => {
  const { client, requests } = logged();
  const file = new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], { type: "image/png" });
  assert.deepEqual(await api.callUploadAvatar({ user_id: 2, file }, { client }), { ok: true });
  const sent = requests[0]?.body;
  assert.ok(sent instanceof FormData, "a multipart body");
  assert.equal(sent.get("fn"), "upload_avatar");
  assert.deepEqual(JSON.parse(String(sent.get("args"))), { user_id: 2 });
  assert.ok(sent.get("file") instanceof Blob);
  await rejectsWith(api.callUploadAvatar({ user_id: 999_999, file }, { client }), "NOT_FOUND", 404);
});

test("view-path URLs point at the server's pages", async () => {
  const html = await (await fetch(url + api.profilePageUrl({ user_id: 3 }))).text();
  assert.match(html, /<h1>root<\/h1>/);
});

test("WebSocket calls: each client's socket carries its own token", async () => {
  const anonymous = logged();
  const ada = logged(mwt(1));
  const grace = logged(mwt(2, true));
  const [a, g, n] = await Promise.all([api.callWsWhoami({ client: ada.client }), api.callWsWhoami({ client: grace.client }), api.callWsWhoami({ client: anonymous.client })]);
  assert.deepEqual([a?.username, g?.username, n], ["ada", "grace", null]);
  // The credentials are the socket's: disconnect() closes it, the next call opens a new one.
  ada.client.disconnect();
  assert.equal((await api.callWsWhoami({ client: ada.client }))?.username, "ada");
  // The default client is anonymous.
  assert.equal(await api.callWsWhoami(), null);
  api.disconnect();
  assert.equal(await api.callWsWhoami(), null);
  api.disconnect();
});

test("channels: subscribe, status open, messages in order from every client, close", async () => {
  const mine = logged();
  const grace = logged(mwt(2, true));
  const statuses: api.ChannelStatus[] = [];
  const got: api.ChatMessage[] = [];
  let arrived: () => void = () => undefined;
  const listener = (m: api.ChatMessage) => {
    got.push(m);
    arrived();
  };
  const messages = (n: number) =>
    got.length >= n
      ? Promise.resolve()
      : new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`${got.length} of ${n} messages: ${JSON.stringify(got)}`)), 3000);
          arrived = () => {
            if (got.length >= n) {
              clearTimeout(timer);
              resolve();
            }
          };
        });
  const room = `e2e-${process.pid}`;
  const sub = api.subscribeChatChannel({ room }, listener, { client: mine.client, onStatus: (s) => statuses.push(s) });
  assert.equal(sub.status(), "connecting");
  await sub.ready;
  assert.equal(sub.status(), "open");
  assert.deepEqual(statuses, ["connecting", "open"]);

  // A second client, signed in as grace, subscribes to the same room and posts to it.
  const graceGot: api.ChatMessage[] = [];
  const theirs = api.subscribeChatChannel({ room }, (m) => graceGot.push(m), { client: grace.client });
  await theirs.ready;
  assert.equal(theirs.status(), "open");
  await sub.send({ text: "hello from the client" });
  await messages(1);
  await theirs.send({ text: "hello from grace" });
  await messages(2);
  assert.deepEqual(got, [
    { text: "hello from the client", user: "anonymous" },
    { text: "hello from grace", user: "grace" },
  ]);
  await until(() => graceGot.length === 2, "grace's copies");
  assert.deepEqual(graceGot, got);
  // Another room hears nothing.
  const elsewhere: api.ChatMessage[] = [];
  const other = api.subscribeChatChannel({ room: room + "-other" }, (m) => elsewhere.push(m), { client: grace.client });
  await other.ready;
  await theirs.send({ text: "only here" });
  await messages(3);
  assert.deepEqual(elsewhere, []);
  // The server validates client messages.
  await rejectsWith(sub.send({ text: "   " }), "VALIDATION_FAILED", 0);

  sub.close();
  assert.equal(sub.status(), "closed");
  assert.deepEqual(statuses, ["connecting", "open", "closed"]);
  await rejectsWith(sub.send({ text: "too late" }), "NOT_SUBSCRIBED", 0);
  theirs.close();
  other.close();
});
