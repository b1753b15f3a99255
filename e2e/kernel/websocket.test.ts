// WebSocket calls and channels over a fake socket.
import assert from "node:assert/strict";
import { before, test } from "node:test";

import * as k from "../../runtime/kernel.ts";
import { FakeSocket, FakeTransport, tick } from "./helpers.ts";

before(() => {
  k.configure({ baseUrl: "http://test.local/api/mizan", WebSocket: FakeSocket as unknown as new (url: string) => WebSocket, transport: new FakeTransport() });
});

async function frame(socket: FakeSocket, index: number): Promise<Record<string, unknown>> {
  for (let i = 0; i < 50 && socket.sent.length <= index; i++) await tick();
  const f = socket.sent[index];
  assert.ok(f, `frame ${index} was sent`);
  return f;
}

test("websocket calls send a call frame and resolve with the result", async () => {
  const call = k.mizanCall("ws_whoami", {}, { websocket: true });
  await tick();
  const socket = FakeSocket.last();
  assert.equal(socket.url, "ws://test.local/api/mizan/ws/");
  const f = await frame(socket, 0);
  assert.deepEqual(f, { id: f["id"], op: "call", fn: "ws_whoami", args: {} });
  socket.receive({ id: f["id"] as number, result: { username: "ada" } });
  assert.deepEqual(await call, { username: "ada" });

  const failing = k.mizanCall("ws_whoami", {}, { websocket: true });
  const g = await frame(socket, 1);
  socket.receive({ id: g["id"] as number, error: { code: "UNAUTHORIZED", message: "sign in" } });
  await assert.rejects(failing, { code: "UNAUTHORIZED" });
});

test("channel listeners with the same params share one subscription", async () => {
  const socket = FakeSocket.last();
  const start = socket.sent.length;
  const a: unknown[] = [];
  const b: unknown[] = [];
  const subA = k.subscribeChannel<unknown, { text: string }>("chat", { room: "lobby" }, (m) => a.push(m));
  const subB = k.subscribeChannel("chat", { room: "lobby" }, (m) => b.push(m));
  const sub = await frame(socket, start);
  assert.deepEqual(sub, { id: sub["id"], op: "subscribe", channel: "chat", params: { room: "lobby" } });
  await tick();
  assert.equal(socket.sent.length, start + 1, "one subscribe frame for two listeners");

  const sending = subA.send({ text: "hi" });
  socket.receive({ id: sub["id"] as number, subscribed: true });
  const send = await frame(socket, start + 1);
  assert.deepEqual(send, { id: send["id"], op: "send", sub: sub["id"], message: { text: "hi" } });
  socket.receive({ id: send["id"] as number });
  await sending;

  socket.receive({ sub: sub["id"] as number, message: { text: "hello", user: "ada" } });
  assert.deepEqual(a, [{ text: "hello", user: "ada" }]);
  assert.deepEqual(b, a);

  subA.close();
  await tick();
  assert.equal(socket.sent.length, start + 2, "still one listener: no unsubscribe");
  subB.close();
  const unsub = await frame(socket, start + 2);
  assert.deepEqual(unsub, { id: unsub["id"], op: "unsubscribe", sub: sub["id"] });
});

test("a dropped socket reconnects and subscribes again", async () => {
  const first = FakeSocket.last();
  const start = first.sent.length;
  const got: unknown[] = [];
  const sub = k.subscribeChannel("chat", { room: "ops" }, (m) => got.push(m));
  const f = await frame(first, start);
  first.receive({ id: f["id"] as number, subscribed: true });
  first.close();
  for (let i = 0; i < 100 && FakeSocket.last() === first; i++) await tick(10);
  const second = FakeSocket.last();
  assert.notEqual(second, first, "a new socket was opened");
  const again = await frame(second, 0);
  assert.equal(again["op"], "subscribe");
  second.receive({ id: again["id"] as number, subscribed: true });
  second.receive({ sub: again["id"] as number, message: "after reconnect" });
  assert.deepEqual(got, ["after reconnect"]);
  sub.close();
});

test("disconnect() fails the calls in flight and the next call opens a socket with the token", async () => {
  const before = FakeSocket.last();
  const start = before.sent.length;
  const pending = k.mizanCall("ws_whoami", {}, { websocket: true });
  await frame(before, start);
  k.disconnect();
  await assert.rejects(pending, { code: "NETWORK_ERROR" });

  // The socket carries the X-Mizan-Token of getHeaders() as ?token=, and the old socket's
  // closing does not touch the new one.
  k.configure({ getHeaders: () => ({ "X-Mizan-Token": "t.o.k" }) });
  const call = k.mizanCall("ws_whoami", {}, { websocket: true });
  for (let i = 0; i < 50 && FakeSocket.last() === before; i++) await tick();
  const socket = FakeSocket.last();
  assert.notEqual(socket, before);
  assert.equal(socket.url, "ws://test.local/api/mizan/ws/?token=t.o.k");
  const f = await frame(socket, 0);
  socket.receive({ id: f["id"] as number, result: { username: "ada" } });
  assert.deepEqual(await call, { username: "ada" });
  k.configure({ getHeaders: () => ({}) });
});
