// The HTTP transport: request shapes, error envelopes, CSRF, multipart, retries, signals, the
// X-Mizan-Invalidate header, baseUrl validation, and the default client.
import assert from "node:assert/strict";
import { afterEach, test } from "node:test";

import * as k from "../../runtime/kernel.ts";
import { fakeFetch, headersOf, json, tick } from "./helpers.ts";

const g = globalThis as { document?: { cookie: string }; location?: { href: string } };
afterEach(() => {
  delete g.document;
  delete g.location;
  k.configure({ baseUrl: "/api/mizan", csrf: {}, getHeaders: () => ({}), fetch: undefined as unknown as typeof fetch });
});

function client(responses: Parameters<typeof fakeFetch>[0], config: k.MizanConfig = {}) {
  const f = fakeFetch(responses);
  return { client: k.createMizanClient({ fetch: f.fetch, baseUrl: "http://test.local/api/mizan/", ...config }), requests: f.requests };
}

const isAbort = (e: unknown): boolean => {
  assert.ok(!(e instanceof k.MizanError), `an abort is not a MizanError: ${String(e)}`);
  assert.equal((e as Error).name, "AbortError");
  return true;
};

test("a call posts {fn, args} as JSON and answers the result", async () => {
  const { client: c, requests } = client([() => json(200, { result: { total: 5 } })]);
  assert.deepEqual(await c.call("add", { a: 2, b: 3 }), { total: 5 });
  const [r] = requests;
  assert.equal(r?.url, "http://test.local/api/mizan/call/");
  assert.equal(r?.init.method, "POST");
  assert.equal(r?.init.body, JSON.stringify({ fn: "add", args: { a: 2, b: 3 } }));
  assert.equal(headersOf(r)["Content-Type"], "application/json");
  assert.equal(c.baseUrl, "http://test.local/api/mizan");
});

test("both error envelopes become MizanError; so do bare HTTP errors and network failures", async () => {
  let { client: c } = client([() => json(422, { error: { code: "VALIDATION_FAILED", message: "bad", details: { email: ["invalid"] } } })]);
  await assert.rejects(c.call("x"), (e: unknown) => {
    assert.ok(e instanceof k.MizanError);
    assert.deepEqual([e.code, e.message, e.status, e.details], ["VALIDATION_FAILED", "bad", 422, { email: ["invalid"] }]);
    return true;
  });
  ({ client: c } = client([() => json(403, { error: true, code: "FORBIDDEN", message: "staff only", details: null })]));
  await assert.rejects(c.call("x"), { code: "FORBIDDEN", message: "staff only", status: 403 });
  ({ client: c } = client([() => new Response("<h1>Bad Gateway</h1>", { status: 418, statusText: "I'm a teapot" })]));
  await assert.rejects(c.call("x"), { code: "HTTP_418", status: 418, message: "I'm a teapot" });
  ({ client: c } = client([() => new Response("{}", { status: 400 })]));
  await assert.rejects(c.call("x"), { code: "HTTP_400", message: "HTTP 400" });
  ({ client: c } = client([]));
  await assert.rejects(c.call("x"), (e: unknown) => e instanceof k.MizanError && e.code === "NETWORK_ERROR" && e.status === 0 && /fetch failed/.test(e.message));
});

test("a 2xx answer that is not JSON is a BAD_RESPONSE", async () => {
  const { client: c } = client([() => new Response("<html>login page</html>", { status: 200 })]);
  await assert.rejects(c.call("x"), (e: unknown) => e instanceof k.MizanError && e.code === "BAD_RESPONSE" && e.status === 200);
  await assert.rejects(c.fetch("global"), { code: "BAD_RESPONSE" });
});

test("the CSRF header carries the cookie's value, or csrf.token()'s", async () => {
  g.document = { cookie: "theme=dark; csrftoken=tok%20en; other=1" };
  let { client: c, requests } = client([() => json(200, { result: null })]);
  await c.call("update_email", { email: "a@b.c" });
  assert.equal(headersOf(requests[0])["X-CSRFToken"], "tok en");

  g.document = { cookie: "csrftoken=nope; xsrf=abc" };
  ({ client: c, requests } = client([() => json(200, { result: null })], { csrf: { cookieName: "xsrf", headerName: "X-XSRF" } }));
  await c.call("update_email", {});
  assert.equal(headersOf(requests[0])["X-XSRF"], "abc");
  assert.equal(headersOf(requests[0])["X-CSRFToken"], undefined);

  // Where there is no document (server rendering, native apps), token() supplies it; it wins over the cookie.
  delete g.document;
  ({ client: c, requests } = client([() => json(200, { result: null })], { csrf: { token: () => "from-token" } }));
  await c.call("update_email", {});
  assert.equal(headersOf(requests[0])["X-CSRFToken"], "from-token");
  g.document = { cookie: "csrftoken=cookie" };
  await c.call("update_email", {});
  assert.equal(headersOf(requests[1])["X-CSRFToken"], "from-token");

  // No token anywhere: no header. Context fetches never carry one.
  delete g.document;
  ({ client: c, requests } = client([() => json(200, { result: null })]));
  await c.call("x");
  await c.fetch("global");
  assert.equal(headersOf(requests[0])["X-CSRFToken"], undefined);
  assert.equal(headersOf(requests[1])["X-CSRFToken"], undefined);
});

test("getHeaders adds headers to every request", async () => {
  const { client: c, requests } = client([() => json(200, { result: 1 })], { getHeaders: async () => ({ "X-Mizan-Token": "jwt" }) });
  await c.call("whoami");
  await c.fetch("global");
  await c.initSession();
  assert.deepEqual(requests.map((r) => headersOf(r)["X-Mizan-Token"]), ["jwt", "jwt", "jwt"]);
});

test("a context fetch encodes params in the query string, sorted", async () => {
  const { client: c, requests } = client([() => json(200, { user_profile: {} })]);
  await c.fetch("user", { user_id: 5, q: "a b&c", flag: true, tags: ["x"], none: null, skip: undefined });
  assert.equal(
    requests[0]?.url,
    "http://test.local/api/mizan/ctx/user/?flag=true&none=null&q=a%20b%26c&tags=%5B%22x%22%5D&user_id=5",
  );
  await c.fetch("items");
  assert.equal(requests[1]?.url, "http://test.local/api/mizan/ctx/items/");
  assert.equal(k.queryString({}), "");
  assert.equal(k.stableKey({ b: 1, a: { d: 2, c: [3, { f: 1, e: 0 }] } }), '{"a":{"c":[3,{"e":0,"f":1}],"d":2},"b":1}');
});

test("upload functions send multipart with the files as parts", async () => {
  const { client: c, requests } = client([() => json(200, { result: { ok: true } })]);
  const file = new Blob(["png"], { type: "image/png" });
  const more = [new Blob(["a"]), new Blob(["b"])];
  await c.call("upload_avatar", { user_id: 7, file, more, none: [] }, { upload: true });
  const body = requests[0]?.init.body;
  assert.ok(body instanceof FormData);
  assert.deepEqual([...(body as unknown as { keys(): Iterable<string> }).keys()], ["fn", "args", "file", "more", "more"]);
  assert.equal(body.get("fn"), "upload_avatar");
  assert.equal(body.get("args"), JSON.stringify({ user_id: 7, none: [] }));
  const part = body.get("file");
  assert.ok(part instanceof Blob);
  assert.equal(await part.text(), "png");
  assert.deepEqual(await Promise.all(body.getAll("more").map((p) => (p as Blob).text())), ["a", "b"]);
  assert.equal(headersOf(requests[0])["Content-Type"], undefined, "the browser sets the boundary");
});

test("context fetches are retried on 5xx and network errors, not on 4xx; calls never", async () => {
  let { client: c, requests } = client([() => json(502, {}), () => json(200, { ok: 1 })]);
  assert.deepEqual(await c.fetch("flaky"), { ok: 1 });
  assert.equal(requests.length, 2);

  ({ client: c, requests } = client([]));
  await assert.rejects(c.fetch("down"), { code: "NETWORK_ERROR" });
  assert.equal(requests.length, 3, "one request and two retries");

  ({ client: c, requests } = client([() => json(404, { error: { code: "NOT_FOUND", message: "no such context" } })]));
  await assert.rejects(c.fetch("nope"), { code: "NOT_FOUND", status: 404 });
  assert.equal(requests.length, 1, "a 4xx is final");

  ({ client: c, requests } = client([() => json(503, {})]));
  await assert.rejects(c.call("mutate"), { code: "HTTP_503" });
  assert.equal(requests.length, 1, "a call is never retried");
});

test("a signal aborts a call, a fetch and initSession with its reason", async () => {
  const { client: c, requests } = client(["hang"]);
  const one = new AbortController();
  const call = c.call("slow", {}, { signal: one.signal });
  await tick();
  assert.ok(requests[0]?.init.signal, "the signal goes to fetch");
  one.abort();
  await assert.rejects(call, isAbort);

  const two = new AbortController();
  const fetching = c.fetch("slow", {}, { signal: two.signal });
  await tick();
  two.abort();
  await assert.rejects(fetching, isAbort);
  assert.equal(requests[1]?.init.signal?.aborted, true, "the request itself was aborted");
  await tick(700);
  assert.equal(requests.length, 2, "an aborted fetch is not retried");

  const three = new AbortController();
  const session = c.initSession({ signal: three.signal });
  await tick();
  three.abort(new Error("custom reason"));
  await assert.rejects(session, { message: "custom reason" });

  // An already-aborted signal sends nothing.
  const before = requests.length;
  await assert.rejects(c.call("x", {}, { signal: AbortSignal.abort() }), isAbort);
  await assert.rejects(c.fetch("x", {}, { signal: AbortSignal.abort() }), isAbort);
  assert.equal(requests.length, before);
});

test("X-Mizan-Invalidate is read when the body has no invalidate key", async () => {
  const header = "user;user_id=5, notifications, search;q=a%2Cb%3Bc%3Dd;page=2";
  let { client: c } = client([() => json(200, { result: "ok" }, { "X-Mizan-Invalidate": header })]);
  const seen: k.Effects[] = [];
  c.onEffects((e) => seen.push(e));
  assert.equal(await c.call("update_profile", { user_id: 5 }), "ok");
  assert.deepEqual(seen.map(({ seq: _, ...e }) => e), [
    {
      fn: "update_profile",
      invalidate: [{ context: "user", params: { user_id: "5" } }, "notifications", { context: "search", params: { q: "a,b;c=d", page: "2" } }],
      merge: [],
    },
  ]);

  // The body's entries win: the header is not read when the body has the key.
  ({ client: c } = client([() => json(200, { result: 1, invalidate: [{ context: "user", params: { user_id: 5 } }] }, { "X-Mizan-Invalidate": "other" })]));
  seen.length = 0;
  c.onEffects((e) => seen.push(e));
  await c.call("update_profile");
  assert.deepEqual(seen.map((e) => e.invalidate), [[{ context: "user", params: { user_id: 5 } }]]);

  // Neither: no effects at all.
  ({ client: c } = client([() => json(200, { result: 1 })]));
  seen.length = 0;
  c.onEffects((e) => seen.push(e));
  await c.call("echo");
  assert.equal(seen.length, 0);
});

test("baseUrl is validated at creation, with a message that says what to pass", () => {
  for (const bad of ["ftp://x", "https://", "javascript:alert(1)", "ws://host/api"]) {
    assert.throws(
      () => k.createMizanClient({ baseUrl: bad }),
      (e: unknown) => {
        assert.ok(e instanceof TypeError, String(e));
        assert.equal(e.message, `createMizanClient: baseUrl ${JSON.stringify(bad)} is not an http(s) URL; pass e.g. "https://example.com/api/mizan"`);
        return true;
      },
    );
  }
  for (const good of ["/api/mizan", "api", "https://api.example.com/api/mizan/", "HTTP://EXAMPLE.COM"]) k.createMizanClient({ baseUrl: good });
  // With a transport, baseUrl is not used for HTTP: no check.
  k.createMizanClient({ baseUrl: "ftp://x", transport: { call: async () => ({ result: 1 }), fetch: async () => ({}) } });
});

test("a relative baseUrl without a page rejects at the first request, not at creation", async () => {
  const c = k.createMizanClient();
  assert.equal(c.baseUrl, "/api/mizan");
  await assert.rejects(c.call("x"), (e: unknown) => {
    assert.ok(e instanceof k.MizanError);
    assert.equal(e.code, "BAD_CONFIG");
    assert.match(e.message, /"\/api\/mizan" is relative: pass an absolute baseUrl/);
    return true;
  });
  await assert.rejects(c.fetch("global"), { code: "BAD_CONFIG" });
  await assert.rejects(c.initSession(), { code: "BAD_CONFIG" });

  // In a page, a relative baseUrl is the page's origin's.
  g.location = { href: "http://page.test/app/" };
  const f = fakeFetch([() => json(200, { result: 2 })]);
  const inPage = k.createMizanClient({ baseUrl: "/api/mizan", fetch: f.fetch });
  assert.equal(await inPage.call("x"), 2);
  assert.equal(f.requests[0]?.url, "/api/mizan/call/");
});

test("two clients share nothing: base URL, headers, CSRF, in-flight fetches, effect listeners", async () => {
  const a = client([() => json(200, { result: "a", merge: [{ context: "c", slot: "s", value: 1 }] })], {
    baseUrl: "http://a.test/api",
    getHeaders: () => ({ "X-Mizan-Token": "token-a" }),
    csrf: { token: () => "csrf-a" },
  });
  const b = client([() => json(200, { result: "b", merge: [{ context: "c", slot: "s", value: 2 }] })], {
    baseUrl: "http://b.test/mizan",
    getHeaders: () => ({ Authorization: "Bearer b" }),
  });
  const seenA: unknown[] = [];
  const seenB: unknown[] = [];
  a.client.onEffects((e) => seenA.push(e.merge[0]?.value));
  b.client.onEffects((e) => seenB.push(e.merge[0]?.value));
  assert.deepEqual(await Promise.all([a.client.call("f"), b.client.call("f")]), ["a", "b"]);
  const [bundleA, bundleB] = await Promise.all([a.client.fetch<{ result: string }>("ctx"), b.client.fetch<{ result: string }>("ctx")]);
  assert.deepEqual([bundleA.result, bundleB.result], ["a", "b"], "identical fetches of two clients are two requests");
  assert.deepEqual(a.requests.map((r) => r.url), ["http://a.test/api/call/", "http://a.test/api/ctx/ctx/"]);
  assert.deepEqual(b.requests.map((r) => r.url), ["http://b.test/mizan/call/", "http://b.test/mizan/ctx/ctx/"]);
  assert.deepEqual(headersOf(a.requests[0]), { "X-Mizan-Token": "token-a", "X-CSRFToken": "csrf-a", "Content-Type": "application/json" });
  assert.deepEqual(headersOf(b.requests[0]), { Authorization: "Bearer b", "Content-Type": "application/json" });
  assert.deepEqual([seenA, seenB], [[1], [2]]);
});

test("configure() sets up the default client; mizanCall and mizanFetch use it unless given a client", async () => {
  const one = fakeFetch([() => json(200, { result: "one" })]);
  k.configure({ baseUrl: "http://default.test/api/mizan", fetch: one.fetch });
  const first = k.defaultClient();
  assert.equal(k.defaultClient(), first, "created once");
  assert.equal(first.baseUrl, "http://default.test/api/mizan");
  assert.equal(await k.mizanCall("echo", { text: "hi" }), "one");
  await k.mizanFetch("global", {});
  await k.initSession();
  assert.deepEqual(one.requests.map((r) => r.url), [
    "http://default.test/api/mizan/call/",
    "http://default.test/api/mizan/ctx/global/",
    "http://default.test/api/mizan/session/",
  ]);

  // A later configure() merges key by key and makes the next use create a fresh client.
  k.configure({ getHeaders: () => ({ "X-Mizan-Token": "t" }) });
  const second = k.defaultClient();
  assert.notEqual(second, first);
  await k.mizanCall("echo");
  assert.equal(one.requests[3]?.url, "http://default.test/api/mizan/call/");
  assert.equal(headersOf(one.requests[3])["X-Mizan-Token"], "t");

  // options.client wins; options.signal and the call options go along.
  const other = client([() => json(200, { result: "other" })]);
  assert.equal(await k.mizanCall("echo", {}, { client: other.client }), "other");
  assert.deepEqual(await k.mizanFetch("global", {}, { client: other.client }), { result: "other" });
  await k.mizanCall("upload_avatar", { file: new Blob(["x"]) }, { client: other.client }, { upload: true });
  assert.ok(other.requests[2]?.init.body instanceof FormData);
  await assert.rejects(k.mizanCall("echo", {}, { client: other.client, signal: AbortSignal.abort() }), isAbort);
  assert.equal(other.requests.length, 3);
  assert.equal(one.requests.length, 4);

  // A bad default config fails at first use, with the same message.
  k.configure({ baseUrl: "ftp://nope" });
  assert.throws(() => k.defaultClient(), /baseUrl "ftp:\/\/nope" is not an http\(s\) URL/);
});
