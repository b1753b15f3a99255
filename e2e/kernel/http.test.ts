// The HTTP transport: request shapes, error envelopes, CSRF, multipart, retries over HTTP.
import assert from "node:assert/strict";
import { afterEach, test } from "node:test";

import * as k from "../../runtime/kernel.ts";
import { fakeFetch, json } from "./helpers.ts";

const g = globalThis as { document?: { cookie: string } };
afterEach(() => {
  delete g.document;
  k.configure({ baseUrl: "/api/mizan", csrf: {}, getHeaders: () => ({}), transport: k.httpTransport });
});

function use(responses: (() => Response)[]) {
  const f = fakeFetch(responses);
  k.configure({ fetch: f.fetch, transport: k.httpTransport, baseUrl: "http://test.local/api/mizan/" });
  return f.requests;
}

test("a call posts {fn, args} as JSON and answers the result", async () => {
  const requests = use([() => json(200, { result: { total: 5 } })]);
  assert.deepEqual(await k.mizanCall("add", { a: 2, b: 3 }), { total: 5 });
  const [r] = requests;
  assert.equal(r?.url, "http://test.local/api/mizan/call/");
  assert.equal(r?.init.method, "POST");
  assert.equal(r?.init.body, JSON.stringify({ fn: "add", args: { a: 2, b: 3 } }));
  assert.equal((r?.init.headers as Record<string, string>)["Content-Type"], "application/json");
});

test("both error envelopes become MizanError", async () => {
  use([() => json(422, { error: { code: "VALIDATION_FAILED", message: "bad", details: { email: ["invalid"] } } })]);
  await assert.rejects(k.mizanCall("x"), (e: unknown) => {
    assert.ok(e instanceof k.MizanError);
    assert.deepEqual([e.code, e.message, e.status, e.details], ["VALIDATION_FAILED", "bad", 422, { email: ["invalid"] }]);
    return true;
  });
  use([() => json(403, { error: true, code: "FORBIDDEN", message: "staff only", details: null })]);
  await assert.rejects(k.mizanCall("x"), { code: "FORBIDDEN", message: "staff only", status: 403 });
  use([() => new Response("<h1>Bad Gateway</h1>", { status: 418, statusText: "I'm a teapot" })]);
  await assert.rejects(k.mizanCall("x"), { code: "HTTP_418", status: 418 });
  use([]);
  await assert.rejects(k.mizanCall("x"), { code: "NETWORK_ERROR", status: 0 });
});

test("the CSRF header carries the cookie's value", async () => {
  g.document = { cookie: "theme=dark; csrftoken=tok%20en; other=1" };
  let requests = use([() => json(200, { result: null })]);
  await k.mizanCall("update_email", { email: "a@b.c" });
  assert.equal((requests[0]?.init.headers as Record<string, string>)["X-CSRFToken"], "tok en");

  k.configure({ csrf: { cookieName: "xsrf", headerName: "X-XSRF" } });
  g.document = { cookie: "xsrf=abc" };
  requests = use([() => json(200, { result: null })]);
  k.configure({ csrf: { cookieName: "xsrf", headerName: "X-XSRF" } });
  await k.mizanCall("update_email", {});
  assert.equal((requests[0]?.init.headers as Record<string, string>)["X-XSRF"], "abc");
});

test("getHeaders adds headers to every request", async () => {
  const requests = use([() => json(200, { result: 1 })]);
  k.configure({ getHeaders: async () => ({ "X-Mizan-Token": "jwt" }) });
  await k.mizanCall("whoami");
  assert.equal((requests[0]?.init.headers as Record<string, string>)["X-Mizan-Token"], "jwt");
});

test("a context fetch encodes params in the query string, sorted", async () => {
  const requests = use([() => json(200, { user_profile: {} })]);
  await k.mizanFetch("user", { user_id: 5, q: "a b&c", flag: true, tags: ["x"], none: null, skip: undefined });
  assert.equal(
    requests[0]?.url,
    "http://test.local/api/mizan/ctx/user/?flag=true&none=null&q=a%20b%26c&tags=%5B%22x%22%5D&user_id=5",
  );
  assert.equal(k.queryString({}), "");
});

test("upload functions send multipart with the files as parts", async () => {
  const requests = use([() => json(200, { result: { ok: true } })]);
  const file = new Blob(["png"], { type: "image/png" });
  await k.mizanCall("upload_avatar", { user_id: 7, file }, { upload: true });
  const body = requests[0]?.init.body;
  assert.ok(body instanceof FormData);
  assert.equal(body.get("fn"), "upload_avatar");
  assert.equal(body.get("args"), JSON.stringify({ user_id: 7 }));
  const part = body.get("file");
  assert.ok(part instanceof Blob);
  assert.equal(await part.text(), "png");
  assert.equal((requests[0]?.init.headers as Record<string, string>)["Content-Type"], undefined, "the browser sets the boundary");
});

test("5xx context fetches are retried over HTTP", async () => {
  const requests = use([() => json(502, {}), () => json(200, { ok: 1 })]);
  assert.deepEqual(await k.mizanFetch("flaky"), { ok: 1 });
  assert.equal(requests.length, 2);
});

test("initSession asks for the CSRF cookie", async () => {
  const requests = use([() => json(200, {})]);
  await k.initSession();
  assert.equal(requests[0]?.url, "http://test.local/api/mizan/session/");
});
