// runtime/channel-core.ts without any framework (plain Node, no DOM): openChannel() over a real
// kernel client and an in-test fake WebSocket. The controller is what the React, Vue and Svelte
// channel bindings render: its states, status tracking, message cap, send, resubscription after
// disconnect(), and close are checked here directly.

import assert from "node:assert/strict";
import { afterEach, test } from "node:test";

import { createMizanClient, MizanError, type CallEnvelope, type MizanClient, type MizanTransport } from "../../runtime/kernel.ts";
import { DEFAULT_MAX, keepLast, openChannel, type ChannelController, type ChannelState } from "../../runtime/channel-core.ts";
import { fakeServer, type Server } from "./fake-socket.ts";

const noTransport: MizanTransport = {
  call: (): Promise<CallEnvelope> => Promise.reject(new Error("no HTTP in these tests")),
  fetch: (): Promise<unknown> => Promise.reject(new Error("no HTTP in these tests")),
};

const clients: MizanClient[] = [];
const controllers: ChannelController<unknown, unknown>[] = [];
afterEach(() => {
  for (const c of controllers.splice(0)) c.close();
  for (const c of clients.splice(0)) c.disconnect();
});

function clientFor(ws: Server): MizanClient {
  const client = createMizanClient({ baseUrl: "http://test/api/mizan", transport: noTransport, WebSocket: ws.WebSocket as unknown as new (url: string) => WebSocket });
  clients.push(client);
  return client;
}

interface Chat {
  text: string;
}

/** Opens "chat" with `params`; `states` is every state onChange got. */
function openChat(ws: Server, room: string, max = DEFAULT_MAX, client = clientFor(ws)) {
  const states: ChannelState<Chat>[] = [];
  const channel = openChannel<Chat, Chat>(client, "chat", { room }, max, (s) => states.push(s));
  controllers.push(channel as ChannelController<unknown, unknown>);
  return { client, channel, states };
}

const tick = (ms = 0): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Waits until `check` passes (or 2 s have gone). */
async function until(check: () => void, timeout = 2000): Promise<void> {
  const end = Date.now() + timeout;
  for (;;) {
    try {
      return check();
    } catch (e) {
      if (Date.now() > end) throw e;
      await tick(5);
    }
  }
}

/** The `id` of the last subscribe frame with these params. */
async function subscribed(ws: Server, room: string): Promise<number> {
  let id = -1;
  await until(() => {
    const frame = ws
      .frames("subscribe")
      .reverse()
      .find((f) => (f["params"] as { room?: string })["room"] === room);
    assert.ok(frame, `a subscribe frame for ${room}`);
    id = Number(frame["id"]);
  });
  return id;
}

const deliver = (ws: Server, sub: number, ...texts: string[]): void => {
  for (const text of texts) ws.last().receive({ sub, message: { text } });
};

test("keepLast keeps the newest, the same array when nothing is dropped", () => {
  const all = [1, 2, 3];
  assert.equal(keepLast(all, 3), all);
  assert.equal(keepLast(all, Infinity), all);
  assert.deepEqual(keepLast(all, 2), [2, 3]);
  assert.deepEqual(keepLast(all, 0), []);
  assert.deepEqual(keepLast(all, -1), []);
  assert.deepEqual(keepLast(all, 1.9), [3]);
  assert.equal(DEFAULT_MAX, 500);
});

test("status: connecting, open once the server accepts; each change is a new state given to onChange", async () => {
  const ws = fakeServer({ autoAccept: false });
  const { channel, states } = openChat(ws, "lobby");
  const first = channel.getState();
  assert.deepEqual(first, { messages: [], last: undefined, status: "connecting" });
  const id = await subscribed(ws, "lobby");
  await tick(10);
  assert.equal(channel.getState().status, "connecting", "connecting until the server answers");
  ws.last().receive({ id, subscribed: true });
  await until(() => assert.equal(channel.getState().status, "open"));
  assert.equal(states.at(-1), channel.getState(), "onChange got the state getState() answers");
  assert.deepEqual(first, { messages: [], last: undefined, status: "connecting" }, "an older state is never changed");

  deliver(ws, id, "hello", "again");
  assert.deepEqual(channel.getState().messages, [{ text: "hello" }, { text: "again" }]);
  assert.deepEqual(channel.getState().last, { text: "again" });
  assert.equal(new Set(states).size, states.length, "every state is a new object");
  assert.deepEqual(
    states.map((s) => s.status),
    ["open", "open", "open"],
  );
});

test("a second subscriber of an open channel starts open (the kernel's current status)", async () => {
  const ws = fakeServer();
  const client = clientFor(ws);
  const one = openChat(ws, "lobby", DEFAULT_MAX, client);
  await until(() => assert.equal(one.channel.getState().status, "open"));
  const two = openChat(ws, "lobby", DEFAULT_MAX, client);
  assert.equal(two.channel.getState().status, "open");
});

test("a refused subscription reports error; a dropped socket connecting, then open again", async () => {
  const ws = fakeServer({ autoAccept: false });
  const refused = openChat(ws, "secret");
  const id = await subscribed(ws, "secret");
  ws.last().receive({ id, error: { code: "FORBIDDEN", message: "no" } });
  await until(() => assert.equal(refused.channel.getState().status, "error"));

  const ws2 = fakeServer();
  const { channel } = openChat(ws2, "lobby");
  const first = await subscribed(ws2, "lobby");
  await until(() => assert.equal(channel.getState().status, "open"));
  deliver(ws2, first, "before");
  ws2.last().drop();
  assert.equal(channel.getState().status, "connecting");
  await until(() => assert.equal(channel.getState().status, "open"), 3000);
  const again = Number(ws2.last().sent.find((f) => f["op"] === "subscribe")?.["id"]);
  deliver(ws2, again, "after");
  assert.deepEqual(channel.getState().messages, [{ text: "before" }, { text: "after" }], "messages survive a reconnect");
});

test("max keeps the last messages; setMax applies at once, a smaller one to what is kept", async () => {
  const ws = fakeServer();
  const { channel } = openChat(ws, "a", 3);
  const id = await subscribed(ws, "a");
  await until(() => assert.equal(channel.getState().status, "open"));
  deliver(ws, id, "1", "2", "3", "4", "5");
  assert.deepEqual(
    channel.getState().messages.map((m) => m.text),
    ["3", "4", "5"],
  );
  channel.setMax(2);
  assert.deepEqual(
    channel.getState().messages.map((m) => m.text),
    ["4", "5"],
  );
  const kept = channel.getState();
  channel.setMax(10);
  assert.equal(channel.getState(), kept, "a larger max changes nothing at once");
  deliver(ws, id, "6", "7");
  assert.deepEqual(
    channel.getState().messages.map((m) => m.text),
    ["4", "5", "6", "7"],
  );
});

test("send posts on the subscription; after close it rejects with NOT_SUBSCRIBED, onChange is quiet and the server gets an unsubscribe", async () => {
  const ws = fakeServer();
  const { channel, states } = openChat(ws, "lobby");
  const id = await subscribed(ws, "lobby");
  await until(() => assert.equal(channel.getState().status, "open"));
  await channel.send({ text: "hi" });
  assert.deepEqual(ws.frames("send").map((f) => [f["sub"], f["message"]]), [[id, { text: "hi" }]]);

  const heard = states.length;
  channel.close();
  channel.close();
  await until(() => assert.ok(ws.frames("unsubscribe").some((f) => f["sub"] === id)));
  deliver(ws, id, "late");
  await assert.rejects(channel.send({ text: "late" }), (e: unknown) => e instanceof MizanError && e.code === "NOT_SUBSCRIBED");
  assert.equal(states.length, heard, "no state after close");
  assert.equal(ws.frames("send").length, 1);
});

test("disconnect() closes the subscription under the controller: it subscribes again on a new socket, keeping its messages", async () => {
  const ws = fakeServer();
  const { client, channel, states } = openChat(ws, "lobby");
  const id = await subscribed(ws, "lobby");
  await until(() => assert.equal(channel.getState().status, "open"));
  deliver(ws, id, "before");
  const sockets = ws.sockets.length;
  client.disconnect();
  assert.equal(channel.getState().status, "closed");
  await until(() => assert.equal(ws.sockets.length, sockets + 1));
  await until(() => assert.equal(channel.getState().status, "open"));
  const again = Number(ws.last().sent.find((f) => f["op"] === "subscribe")?.["id"]);
  assert.equal(ws.frames("subscribe").length, 2, "one subscribe per socket");
  deliver(ws, again, "after");
  assert.deepEqual(channel.getState().messages, [{ text: "before" }, { text: "after" }]);
  assert.deepEqual(
    states.map((s) => s.status).filter((s, i, all) => s !== all[i - 1]),
    ["open", "closed", "connecting", "open"],
  );
  await channel.send({ text: "still here" });
  assert.equal(ws.frames("send").at(-1)?.["sub"], again);

  // Closed by its owner right after a disconnect(): no resubscription.
  client.disconnect();
  channel.close();
  await tick(20);
  assert.equal(ws.frames("subscribe").length, 2);
});
