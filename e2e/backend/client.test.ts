// The generated Stage 1 client, run in Node against a real mizan-reference-backend
// (started by run.mjs; its URL and MWT secret arrive in MIZAN_URL and MIZAN_MWT_SECRET).
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { before, test } from "node:test";

import * as api from "../.generated/backend/index.ts";

const url = process.env["MIZAN_URL"] ?? "";
const secret = process.env["MIZAN_MWT_SECRET"] ?? "";
const requests: string[] = [];
let token: string | undefined;

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");

/** An MWT signed here, in Node, with the server's secret: HS256 agreement across languages. */
function mwt(sub: number, staff = false): string {
  const now = Math.floor(Date.now() / 1000);
  const head = b64({ alg: "HS256", typ: "JWT", kid: "mwt-1" }) + "." + b64({ sub: String(sub), iat: now, nbf: now, exp: now + 300, aud: "mizan", staff, super: false, pkey: "" });
  return head + "." + createHmac("sha256", secret).update(head).digest("base64url");
}

async function as<T>(t: string | undefined, f: () => Promise<T>): Promise<T> {
  token = t;
  try {
    return await f();
  } finally {
    token = undefined;
  }
}

const ctxRequests = (context: string) => requests.filter((r) => r.includes(`/ctx/${context}/`)).length;

async function settled<D>(h: api.ContextHandle<D>, until: (s: api.ContextState<D>) => boolean = (s) => s.status === "success"): Promise<api.ContextState<D>> {
  for (let i = 0; i < 200 && !until(h.getState()); i++) await tick(5);
  assert.ok(until(h.getState()), `context did not settle: ${JSON.stringify(h.getState())}`);
  return h.getState();
}

before(() => {
  assert.ok(url, "MIZAN_URL is set by run.mjs");
  api.configure({
    baseUrl: url + "/api/mizan",
    getHeaders: () => (token ? { "X-Mizan-Token": token } : {}),
    fetch: (input, init) => {
      requests.push(`${init?.method ?? "GET"} ${String(input)}`);
      return fetch(input, init);
    },
  });
});

test("plain functions answer through the generated callers", async () => {
  assert.deepEqual(await api.callEcho({ text: "héllo" }), { message: "héllo" });
  assert.deepEqual(await api.callAdd({ a: 20, b: 22 }), { total: 42 });
  assert.deepEqual(await api.callFindUser({ user_id: 3 }), { user_id: 3, name: "root" });
  assert.equal(await api.callFindUser({ user_id: 99_999 }), null);
  const form = await api.callContactSchema();
  assert.deepEqual(form.fields.map((f) => f.name), ["name", "email", "message", "topic"]);
  const check = await api.callContactValidate({ data: { name: "Ada", email: "nope", message: "short" } });
  assert.deepEqual(Object.keys(check.errors).sort(), ["email", "message"]);
  assert.deepEqual(await api.callContactSubmit({ data: { name: "Ada", email: "ada@example.com", message: "Hello from the e2e suite" } }), { ok: true });
});

test("context fetchers return whole bundles", async () => {
  const global = await api.fetchGlobalContext();
  assert.equal(global.current_user, null);
  assert.equal(global.site_settings.site_name, "Mizan");
  const user = await api.fetchUserContext({ user_id: 5, limit: 2 });
  assert.deepEqual(user.user_profile, { user_id: 5, name: "User 5" });
  assert.equal(user.user_orders.length, 2);
  assert.ok((await api.fetchItemsContext()).list_items.some((i) => i.name === "Lamp"));
  const signedIn = await as(mwt(1), () => api.fetchGlobalContext());
  assert.equal(signedIn.current_user?.username, "ada");
});

test("errors arrive as MizanError with code and status", async () => {
  const expect = async (p: Promise<unknown>, code: string, status: number) => {
    await assert.rejects(p, (e: unknown) => {
      assert.ok(e instanceof api.MizanError, String(e));
      assert.deepEqual([e.code, e.status], [code, status]);
      return true;
    });
  };
  await expect(api.callWhoami(), "UNAUTHORIZED", 401);
  await expect(as(mwt(1), () => api.callStaffOnly()), "FORBIDDEN", 403);
  await expect(api.callNotImplementedFn(), "NOT_IMPLEMENTED", 501);
  await expect(api.callBuggyFn(), "INTERNAL_ERROR", 500);
  // Private functions get no caller; asked for by name, the server refuses them.
  assert.equal("callInternalStats" in api, false);
  await expect(api.mizanCall("internal_stats"), "FORBIDDEN", 403);
  await expect(api.callSetItemName({ id: 404, name: "x" }), "NOT_FOUND", 404);
  await expect(api.fetchUserContext({ user_id: 999_999 }), "NOT_FOUND", 404);
  await assert.rejects(api.mizanCall("add", { a: "two", b: 2 }), (e: unknown) => {
    assert.ok(e instanceof api.MizanError && e.code === "VALIDATION_FAILED" && e.status === 422);
    assert.ok(Array.isArray((e.details as Record<string, unknown>)["a"]));
    return true;
  });
  await expect(as("forged.token.here", () => api.callEcho({ text: "x" })), "UNAUTHORIZED", 401);
});

test("an MWT signed in Node authenticates whoami and staff calls", async () => {
  assert.deepEqual(await as(mwt(1), () => api.callWhoami()), { id: 1, username: "ada", email: "ada@example.com", is_staff: false });
  assert.deepEqual(await as(mwt(2, true), () => api.callStaffOnly()), { ok: true });
  assert.deepEqual(await as(mwt(1), () => api.callUpdateEmail({ email: "ada@lovelace.org" })), { ok: true });
  assert.equal((await as(mwt(1), () => api.callWhoami())).email, "ada@lovelace.org");
});

test("a merge mutation updates the mounted bundle with no request; affects refetches exactly once", async () => {
  const h = api.registerContext<api.UserContextData>("user", { user_id: 42 });
  await settled(h);
  assert.equal(ctxRequests("user"), ctxRequestsBefore + 1);
  const fetched = ctxRequests("user");

  const merged = await api.callRenameUser({ user_id: 42, name: "Merged Name" });
  assert.deepEqual(merged, { user_id: 42, name: "Merged Name" });
  assert.equal(h.getState().data?.user_profile.name, "Merged Name", "spliced at once");
  await tick(150);
  assert.equal(ctxRequests("user"), fetched, "a merge makes no request");

  await api.callUpdateProfile({ user_id: 42, name: "Refetched Name" });
  await settled(h, (s) => s.data?.user_profile.name === "Refetched Name" && s.status === "success");
  await tick(150);
  assert.equal(ctxRequests("user"), fetched + 1, "affects: exactly one refetch");
  h.unregister();
});
let ctxRequestsBefore = 0;
test.beforeEach(() => {
  ctxRequestsBefore = ctxRequests("user");
});

test("scoped invalidation leaves other params' bundles alone", async () => {
  const a = api.registerContext<api.UserContextData>("user", { user_id: 50 });
  const b = api.registerContext<api.UserContextData>("user", { user_id: 51 });
  await Promise.all([settled(a), settled(b)]);
  const before = requests.length;
  await api.callUpdateProfile({ user_id: 50, name: "Only Fifty" });
  await settled(a, (s) => s.data?.user_profile.name === "Only Fifty");
  await tick(150);
  const refetched = requests.slice(before).filter((r) => r.includes("/ctx/user/"));
  assert.deepEqual(refetched.map((r) => new URL(r.split(" ")[1] ?? "").searchParams.get("user_id")), ["50"]);
  assert.equal(b.getState().data?.user_profile.name, "User 51");
  a.unregister();
  b.unregister();
});

test("an unscoped invalidation refetches every mounted bundle of the context", async () => {
  const items = api.registerContext<api.ItemsContextData>("items");
  await settled(items);
  await api.callSetItemName({ id: 3, name: "Armchair" });
  await settled(items, (s) => s.data?.list_items.some((i) => i.name === "Armchair") ?? false);
  items.unregister();
});

test("uploads go out as multipart", async () => {
  const file = new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], { type: "image/png" });
  assert.deepEqual(await api.callUploadAvatar({ user_id: 2, file }), { ok: true });
});

test("view-path URLs point at the server's pages", async () => {
  const html = await (await fetch(url + api.profilePageUrl({ user_id: 3 }))).text();
  assert.match(html, /<h1>root<\/h1>/);
});

test("WebSocket calls and chat messages", async () => {
  assert.equal(await api.callWsWhoami(), null);
  const got: api.ChatMessage[] = [];
  const sub = api.subscribeChatChannel({ room: "e2e" }, (m) => got.push(m));
  await sub.send({ text: "hello from the client" });
  // A second, independent client posts to the same room.
  const other = new WebSocket(url.replace("http", "ws") + "/api/mizan/ws/");
  await new Promise((resolve) => other.addEventListener("open", resolve, { once: true }));
  other.send(JSON.stringify({ id: 1, op: "subscribe", channel: "chat", params: { room: "e2e" } }));
  await new Promise((resolve) => other.addEventListener("message", resolve, { once: true }));
  other.send(JSON.stringify({ id: 2, op: "send", sub: 1, message: { text: "hello from elsewhere" } }));
  for (let i = 0; i < 200 && got.length < 2; i++) await tick(5);
  assert.deepEqual(got, [
    { text: "hello from the client", user: "anonymous" },
    { text: "hello from elsewhere", user: "anonymous" },
  ]);
  other.close();
  sub.close();
  api.disconnect();
});

test("the socket carries the MWT of getHeaders(), so WebSocket calls know the caller", async () => {
  const me = await as(mwt(1), () => api.callWsWhoami());
  assert.equal(me?.username, "ada");
  // The credentials are the socket's: a new identity needs a new socket.
  api.disconnect();
  assert.equal(await api.callWsWhoami(), null);
  api.disconnect();
});
