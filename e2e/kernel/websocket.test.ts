// WebSocket calls and channels over fake sockets: one socket per client, channel status,
// reconnects with capped backoff, disconnect().
import assert from "node:assert/strict";
import { test } from "node:test";

import * as k from "../../runtime/kernel.ts";
import { FakeSocket, FakeTransport, fakeWebSocket, frame, tick, until } from "./helpers.ts";

function setup(config: k.MizanConfig = {}) {
  const ws = fakeWebSocket();
  const client = k.createMizanClient({ baseUrl: "http://test.local/api/mizan", WebSocket: ws.WebSocket, transport: new FakeTransport(), ...config });
  return { ws, client };
}

/** Subscribes and records the statuses onStatus reports. */
function watch<M = unknown>(client: k.MizanClient, channel: string, params: object) {
  const statuses: k.ChannelStatus[] = [];
  const messages: M[] = [];
  const sub = client.subscribe<M, { text: string }>(channel, params, (m) => messages.push(m), { onStatus: (s) => statuses.push(s) });
  return { sub, statuses, messages };
}

test("websocket calls send a call frame and resolve with the result; effects are delivered", async () => {
  const { ws, client } = setup();
  const effects: k.Effects[] = [];
  client.onEffects((e) => effects.push(e));
  const call = client.call("ws_whoami", {}, { websocket: true });
  await until(() => ws.sockets.length > 0, "a socket");
  const socket = ws.last();
  assert.equal(socket.url, "ws://test.local/api/mizan/ws/");
  const f = await frame(socket, 0);
  assert.deepEqual(f, { id: f["id"], op: "call", fn: "ws_whoami", args: {} });
  socket.receive({ id: f["id"] as number, result: { username: "ada" }, invalidate: ["global"] });
  assert.deepEqual(await call, { username: "ada" });
  assert.deepEqual(effects.map(({ seq: _, ...e }) => e), [{ fn: "ws_whoami", invalidate: ["global"], merge: [] }]);

  const failing = client.call("ws_whoami", {}, { websocket: true });
  const g = await frame(socket, 1);
  socket.receive({ id: g["id"] as number, error: { code: "UNAUTHORIZED", message: "sign in", details: { why: 1 } } });
  await assert.rejects(failing, (e: unknown) => e instanceof k.MizanError && e.code === "UNAUTHORIZED" && e.message === "sign in" && (e.details as { why: number }).why === 1);

  // A signal aborts a websocket call; a late answer is ignored.
  const abort = new AbortController();
  const aborted = client.call("ws_whoami", {}, { websocket: true, signal: abort.signal });
  const h = await frame(socket, 2);
  abort.abort();
  await assert.rejects(aborted, { name: "AbortError" });
  socket.receive({ id: h["id"] as number, result: "late" });
  assert.equal(ws.sockets.length, 1, "one socket for all calls");
  client.disconnect();
});

test("two clients have two sockets; the socket carries getHeaders()'s X-Mizan-Token", async () => {
  const a = setup({ baseUrl: "https://a.test/api/mizan", getHeaders: () => ({ "X-Mizan-Token": "t.o.k" }) });
  const b = setup({ baseUrl: "http://b.test/m" });
  const ca = a.client.call("ws_whoami", {}, { websocket: true });
  const cb = b.client.call("ws_whoami", {}, { websocket: true });
  await until(() => a.ws.sockets.length === 1 && b.ws.sockets.length === 1, "two sockets");
  assert.equal(a.ws.last().url, "wss://a.test/api/mizan/ws/?token=t.o.k");
  assert.equal(b.ws.last().url, "ws://b.test/m/ws/");
  const fa = await frame(a.ws.last(), 0);
  const fb = await frame(b.ws.last(), 0);
  a.ws.last().receive({ id: fa["id"] as number, result: "a" });
  b.ws.last().receive({ id: fb["id"] as number, result: "b" });
  assert.deepEqual(await Promise.all([ca, cb]), ["a", "b"]);
  a.client.disconnect();
  assert.equal(b.ws.last().closed, false, "disconnecting one client leaves the other's socket alone");
  b.client.disconnect();
});

test("channel listeners with the same params share one subscription; status goes connecting → open", async () => {
  const { ws, client } = setup();
  const a = watch(client, "chat", { room: "lobby" });
  const b = watch(client, "chat", { room: "lobby" });
  assert.deepEqual(a.statuses, ["connecting"]);
  assert.equal(a.sub.status(), "connecting");
  await until(() => ws.sockets.length > 0, "a socket");
  const socket = ws.last();
  const sub = await frame(socket, 0);
  assert.deepEqual(sub, { id: sub["id"], op: "subscribe", channel: "chat", params: { room: "lobby" } });
  await tick();
  assert.equal(socket.sent.length, 1, "one subscribe frame for two listeners");

  const sending = a.sub.send({ text: "hi" });
  socket.receive({ id: sub["id"] as number, subscribed: true });
  await a.sub.ready;
  assert.deepEqual(a.statuses, ["connecting", "open"]);
  assert.deepEqual(b.statuses, ["connecting", "open"]);
  assert.equal(b.sub.status(), "open");
  const send = await frame(socket, 1);
  assert.deepEqual(send, { id: send["id"], op: "send", sub: sub["id"], message: { text: "hi" } });
  socket.receive({ id: send["id"] as number });
  await sending;

  socket.receive({ sub: sub["id"] as number, message: { text: "hello", user: "ada" } });
  assert.deepEqual(a.messages, [{ text: "hello", user: "ada" }]);
  assert.deepEqual(b.messages, a.messages);

  // A late subscriber learns the current status at once.
  const late = watch(client, "chat", { room: "lobby" });
  assert.deepEqual(late.statuses, ["open"]);
  late.sub.close();

  a.sub.close();
  assert.equal(a.sub.status(), "closed");
  assert.deepEqual(a.statuses, ["connecting", "open", "closed"]);
  assert.equal(b.sub.status(), "open", "the other listener is still subscribed");
  await tick();
  assert.equal(socket.sent.length, 2, "still one listener: no unsubscribe");
  b.sub.close();
  b.sub.close(); // twice is harmless
  const unsub = await frame(socket, 2);
  assert.deepEqual(unsub, { id: unsub["id"], op: "unsubscribe", sub: sub["id"] });
  assert.deepEqual(b.statuses, ["connecting", "open", "closed"]);
  await assert.rejects(b.sub.send({ text: "after close" }), { code: "NOT_SUBSCRIBED" });
  client.disconnect();
});

test("a dropped socket: status connecting, reconnect, resubscribe, open again", async () => {
  const { ws, client } = setup();
  const w = watch<string>(client, "chat", { room: "ops" });
  await until(() => ws.sockets.length > 0, "a socket");
  const first = ws.last();
  const f = await frame(first, 0);
  first.receive({ id: f["id"] as number, subscribed: true });
  await w.sub.ready;
  assert.equal(w.sub.status(), "open");

  first.drop(); // "error" then "close"
  assert.equal(w.sub.status(), "connecting", "connecting while the socket is down");
  assert.deepEqual(w.statuses, ["connecting", "open", "connecting"]);
  await assert.rejects(w.sub.send({ text: "while down" }), { code: "NOT_SUBSCRIBED" });
  await until(() => ws.sockets.length === 2, "a new socket");
  const second = ws.last();
  const again = await frame(second, 0);
  assert.equal(again["op"], "subscribe");
  assert.notEqual(again["id"], f["id"]);
  // A message sent while resubscribing goes out once the server has answered.
  const sending = w.sub.send({ text: "resubscribing" });
  await tick();
  assert.equal(second.sent.length, 1);
  second.receive({ id: again["id"] as number, subscribed: true });
  const send = await frame(second, 1);
  assert.deepEqual(send, { id: send["id"], op: "send", sub: again["id"], message: { text: "resubscribing" } });
  second.receive({ id: send["id"] as number });
  await sending;
  assert.equal(w.sub.status(), "open");
  assert.deepEqual(w.statuses, ["connecting", "open", "connecting", "open"]);
  second.receive({ sub: again["id"] as number, message: "after reconnect" });
  assert.deepEqual(w.messages, ["after reconnect"]);
  await tick(300);
  assert.equal(ws.sockets.length, 2, "error and close of one socket schedule one reconnect");
  client.disconnect();
});

test("a refused subscription is in error; sending on it fails", async () => {
  const { ws, client } = setup();
  const w = watch(client, "nope", {});
  await until(() => ws.sockets.length > 0, "a socket");
  const f = await frame(ws.last(), 0);
  ws.last().receive({ id: f["id"] as number, error: { code: "NOT_FOUND", message: "unknown channel `nope`" } });
  await w.sub.ready;
  assert.equal(w.sub.status(), "error");
  assert.deepEqual(w.statuses, ["connecting", "error"]);
  await assert.rejects(w.sub.send({ text: "x" }), { code: "NOT_SUBSCRIBED" });
  w.sub.close();
  assert.equal(w.sub.status(), "closed");
  await tick();
  assert.equal(ws.last().sent.length, 1, "no unsubscribe for a refused subscription");
  client.disconnect();
});

test("a channel closed before the server answered is unsubscribed when the answer comes", async () => {
  const { ws, client } = setup();
  const w = watch(client, "chat", { room: "strict" });
  w.sub.close(); // StrictMode: mount, unmount at once
  assert.equal(w.sub.status(), "closed");
  const again = watch(client, "chat", { room: "strict" });
  await until(() => ws.sockets.length > 0, "a socket");
  const socket = ws.last();
  const first = await frame(socket, 0);
  const second = await frame(socket, 1);
  socket.receive({ id: first["id"] as number, subscribed: true });
  socket.receive({ id: second["id"] as number, subscribed: true });
  const unsub = await frame(socket, 2);
  assert.deepEqual(unsub, { id: unsub["id"], op: "unsubscribe", sub: first["id"] });
  assert.equal(again.sub.status(), "open");
  assert.deepEqual(w.statuses, ["connecting", "closed"]);
  client.disconnect();
});

/** Records the kernel's reconnect delays (the tests' own waits are shorter) and runs every timer
 * at once, with Math.random() answering `random` (the jitter); `restore()` puts both back. */
function recordDelays(random = 0): { delays: number[]; restore(): void } {
  const delays: number[] = [];
  const realSetTimeout = globalThis.setTimeout;
  const realRandom = Math.random;
  Math.random = () => random;
  globalThis.setTimeout = ((fn: () => void, ms?: number) => {
    if (ms && ms >= 100) delays.push(ms);
    return realSetTimeout(fn, 0);
  }) as typeof setTimeout;
  return {
    delays,
    restore: () => {
      globalThis.setTimeout = realSetTimeout;
      Math.random = realRandom;
    },
  };
}

// No connect time limit here: recordDelays() runs every timer at once.
const noLimit = { connectTimeout: 0 };

test("reconnect delays double from 250 ms and are capped at 30 s, however many attempts fail", async () => {
  const { delays, restore } = recordDelays();
  const { ws, client } = setup(noLimit);
  try {
    ws.down = true;
    const w = watch(client, "chat", { room: "backoff" });
    // Far past the attempt where `250 << n` would overflow (n = 24) and fire at once.
    await until(() => ws.sockets.length >= 41, "forty-one attempts");
    assert.deepEqual(delays.slice(0, 11), [250, 500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000]);
    assert.deepEqual(delays.slice(11, 40), Array(29).fill(30000));
    assert.equal(w.sub.status(), "connecting", "still trying");
    assert.ok(!w.statuses.includes("error"));

    // The server comes back: open, and the backoff starts over after the next drop.
    ws.down = false;
    await until(() => ws.last().sent.length > 0 && !ws.last().closed, "a live socket");
    const socket = ws.last();
    const f = await frame(socket, 0);
    socket.receive({ id: f["id"] as number, subscribed: true });
    await tick();
    assert.equal(w.sub.status(), "open");
    delays.length = 0;
    socket.drop();
    await until(() => delays.length > 0, "a reconnect");
    assert.deepEqual(delays, [250]);
  } finally {
    client.disconnect();
    restore();
  }
});

test("each reconnect delay is drawn from the upper half of its step (jitter)", async () => {
  const random = 0.999999;
  const { delays, restore } = recordDelays(random);
  const { ws, client } = setup(noLimit);
  try {
    ws.down = true;
    watch(client, "chat", { room: "jitter" });
    await until(() => ws.sockets.length >= 41, "forty-one attempts");
    const steps = [250, 500, 1000, 2000, 4000, 8000, 16000, ...Array(33).fill(30000)];
    // Math.random() near 1: each delay is about half its step (never less).
    assert.deepEqual(delays.slice(0, 40), steps.map((step) => step * (1 - random / 2)));
    // Each failure ("error", then "close") schedules one reconnect: one socket per delay.
    assert.equal(delays.length, ws.sockets.length - 1);
  } finally {
    client.disconnect();
    restore();
  }
});

test("a server that accepts the socket and drops it at once is retried with growing delays", async () => {
  const { delays, restore } = recordDelays();
  const { ws, client } = setup(noLimit);
  try {
    const w = watch(client, "chat", { room: "flaky" });
    // Each socket opens, the subscribe goes out, and the server closes before answering (an
    // expired token, say): the backoff must not start over at every open.
    for (let n = 1; n <= 4; n++) {
      await until(() => ws.sockets.length >= n && ws.last().sent.length > 0, `socket ${n} open`);
      ws.last().drop();
    }
    await until(() => delays.length >= 3, "three reconnects");
    assert.deepEqual(delays.slice(0, 3), [250, 500, 1000]);
    assert.equal(w.sub.status(), "connecting");
  } finally {
    client.disconnect();
    restore();
  }
});

test("frames that are not JSON objects are ignored", async () => {
  const { ws, client } = setup();
  const w = watch(client, "chat", { room: "junk" });
  await until(() => ws.sockets.length > 0, "a socket");
  const socket = ws.last();
  const f = await frame(socket, 0);
  for (const junk of ["not json", "null", "5", '"text"', "[1]", "{}"]) socket.receiveText(junk);
  socket.receive({ id: f["id"] as number, subscribed: true });
  socket.receive({ sub: f["id"] as number, message: "ok" });
  await tick();
  assert.equal(w.sub.status(), "open");
  assert.deepEqual(w.messages, ["ok"]);
  client.disconnect();
});

test("disconnect() fails pending calls, closes subscriptions and the socket; the client starts over", async () => {
  const { ws, client } = setup();
  const w = watch(client, "chat", { room: "bye" });
  const pending = client.call("ws_whoami", {}, { websocket: true });
  await until(() => ws.sockets.length > 0, "a socket");
  const socket = ws.last();
  await frame(socket, 1);
  const f = await frame(socket, 0);
  socket.receive({ id: f["id"] as number, subscribed: true });
  await tick();
  client.disconnect();
  await assert.rejects(pending, (e: unknown) => e instanceof k.MizanError && e.code === "NETWORK_ERROR");
  assert.equal(w.sub.status(), "closed");
  assert.deepEqual(w.statuses, ["connecting", "open", "closed"]);
  assert.ok(socket.closed);
  await tick(300);
  assert.equal(ws.sockets.length, 1, "no reconnect after disconnect()");
  socket.receive({ sub: f["id"] as number, message: "after disconnect" });
  assert.deepEqual(w.messages, []);

  // The next call opens a new socket.
  const next = client.call("ws_whoami", {}, { websocket: true });
  await until(() => ws.sockets.length === 2, "a new socket");
  const g = await frame(ws.last(), 0);
  ws.last().receive({ id: g["id"] as number, result: "again" });
  assert.equal(await next, "again");

  // A call waiting for the socket to open fails too.
  const third = fakeWebSocket();
  const c3 = k.createMizanClient({ baseUrl: "http://x.test", WebSocket: third.WebSocket });
  const early = c3.call("ws_whoami", {}, { websocket: true });
  c3.disconnect();
  await assert.rejects(early, { code: "NETWORK_ERROR" });
  await tick(10);
  assert.ok(third.sockets.every((s) => s.closed), "the socket that opened late is closed");
  client.disconnect();
});

test("a socket that drops fails the calls waiting on it", async () => {
  const { ws, client } = setup();
  const pending = client.call("ws_whoami", {}, { websocket: true });
  await until(() => ws.sockets.length > 0, "a socket");
  await frame(ws.last(), 0);
  ws.last().drop();
  await assert.rejects(pending, { code: "NETWORK_ERROR" });
  await tick(300);
  assert.equal(ws.sockets.length, 1, "no channels: no reconnect");
  client.disconnect();
});

test("without any WebSocket: subscriptions are in error, calls reject, disconnect() is quiet", async () => {
  const g = globalThis as { WebSocket?: unknown };
  const saved = g.WebSocket;
  delete g.WebSocket;
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown) => unhandled.push(e);
  process.on("unhandledRejection", onUnhandled);
  try {
    const client = k.createMizanClient({ baseUrl: "http://test.local/api/mizan", transport: new FakeTransport() });
    client.disconnect(); // never connected
    const w = watch(client, "chat", { room: "nows" });
    await w.sub.ready;
    assert.equal(w.sub.status(), "error");
    assert.deepEqual(w.statuses, ["connecting", "error"]);
    await assert.rejects(client.call("ws_whoami", {}, { websocket: true }), /WebSocket/);
    client.disconnect();
    assert.equal(w.sub.status(), "closed");
    // disconnect() while the socket is still being made, which then fails.
    const early = watch(client, "chat", { room: "early" });
    client.disconnect();
    assert.equal(early.sub.status(), "closed");
    k.disconnect({ client });
    k.configure({});
    k.disconnect(); // the default client
    await tick(50);
    assert.deepEqual(unhandled, []);
  } finally {
    process.off("unhandledRejection", onUnhandled);
    g.WebSocket = saved;
  }
});

test("a relative baseUrl without a page: the socket is a BAD_CONFIG, the channel in error", async () => {
  const client = k.createMizanClient({ WebSocket: FakeSocket as unknown as new (url: string) => WebSocket });
  const w = watch(client, "chat", { room: "rel" });
  await w.sub.ready;
  assert.equal(w.sub.status(), "error");
  await assert.rejects(client.call("ws_whoami", {}, { websocket: true }), { code: "BAD_CONFIG" });
  client.disconnect();
});

test("a socket that could not be made is tried again on next use (getHeaders() failed once)", async () => {
  let fail = true;
  const { ws, client } = setup({
    getHeaders: () => {
      if (fail) throw new Error("token refresh failed");
      return { "X-Mizan-Token": "fresh" };
    },
  });
  await assert.rejects(client.call("ws_whoami", {}, { websocket: true }), /token refresh failed/);
  const w = watch(client, "chat", { room: "again" });
  await w.sub.ready;
  assert.equal(w.sub.status(), "error");
  fail = false;
  const call = client.call("ws_whoami", {}, { websocket: true });
  await until(() => ws.sockets.length === 1, "a socket");
  assert.equal(ws.last().url, "ws://test.local/api/mizan/ws/?token=fresh");
  const f = await frame(ws.last(), 0);
  ws.last().receive({ id: f["id"] as number, result: "ok" });
  assert.equal(await call, "ok");
  client.disconnect();
});

test("a websocket call given up while the socket opens is never sent; an answer after its TIMEOUT is dropped quietly", async () => {
  const { ws, client } = setup();
  const abort = new AbortController();
  const call = client.call("rename_user", {}, { websocket: true, signal: abort.signal });
  abort.abort();
  await assert.rejects(call, (e: unknown) => (e as Error).name === "AbortError");
  await until(() => ws.sockets.length > 0 && !ws.last().closed, "the socket");
  await tick(10);
  assert.deepEqual(ws.last().sent, [], "nothing went out: the server must not run a call the caller gave up");

  // A call whose answer never comes: TIMEOUT; an answer that comes later finds no one waiting.
  const late = client.call("slow", {}, { websocket: true, timeout: 50 });
  const f = await frame(ws.last(), 0);
  await assert.rejects(late, { code: "TIMEOUT" });
  ws.last().receive({ id: f["id"] as number, result: "too late" });
  client.disconnect();
});
