// runtime/channels.ts under a real <MizanContext> on jsdom, over an in-test fake WebSocket: status
// through a reconnect, the message cap, send, resubscription on new params, close on unmount.

import assert from "node:assert/strict";
import { afterEach, test } from "node:test";

import { act, cleanup, render, waitFor } from "@testing-library/react";
import { StrictMode } from "react";

import { createMizanClient, MizanError, type CallEnvelope, type MizanClient, type MizanTransport } from "../../runtime/kernel.ts";
import { MizanContext } from "../../runtime/react.tsx";
import { useChannel, useChannelMessages, type ChannelOptions, type ChannelState, type ChannelStatus, type ChannelWithSend } from "../../runtime/channels.ts";
import { fakeServer, type Server } from "./fake-socket.ts";

const noTransport: MizanTransport = {
  call: (): Promise<CallEnvelope> => Promise.reject(new Error("no HTTP in these tests")),
  fetch: (): Promise<unknown> => Promise.reject(new Error("no HTTP in these tests")),
};

const clients: MizanClient[] = [];
afterEach(() => {
  cleanup();
  for (const c of clients.splice(0)) c.disconnect();
});

function clientFor(ws: Server): MizanClient {
  const client = createMizanClient({ transport: noTransport, WebSocket: ws.WebSocket as unknown as new (url: string) => WebSocket });
  clients.push(client);
  return client;
}

interface Chat {
  text: string;
}

/** Renders useChannel("chat", params, options) under a root; `current()` is the latest state. */
function mountChat(ws: Server, params: { room: string }, options?: ChannelOptions) {
  const client = clientFor(ws);
  let latest: ChannelWithSend<Chat, Chat> | undefined;
  function Chat({ room }: { room: string }) {
    latest = useChannel<Chat, Chat>("chat", { room }, options);
    return <p data-testid="status">{latest.status}</p>;
  }
  const view = render(
    <MizanContext client={client}>
      <Chat room={params.room} />
    </MizanContext>,
  );
  return {
    client,
    view,
    rerender(room: string) {
      view.rerender(
        <MizanContext client={client}>
          <Chat room={room} />
        </MizanContext>,
      );
    },
    current(): ChannelWithSend<Chat, Chat> {
      assert.ok(latest, "the channel hook rendered");
      return latest;
    },
  };
}

const wait = (ms: number) => act(() => new Promise<void>((r) => setTimeout(r, ms)));

/** The `id` of the (only) subscribe frame with these params. */
async function subscribed(ws: Server, room: string): Promise<number> {
  let id = -1;
  await waitFor(() => {
    const frame = ws
      .frames("subscribe")
      .reverse()
      .find((f) => (f["params"] as { room?: string })["room"] === room);
    assert.ok(frame, `a subscribe frame for ${room}`);
    assert.equal(frame["channel"], "chat");
    id = Number(frame["id"]);
  });
  return id;
}

async function deliver(ws: Server, sub: number, ...texts: string[]): Promise<void> {
  await act(async () => {
    for (const text of texts) ws.last().receive({ sub, message: { text } });
  });
}

test("status: connecting until the server accepts, open, connecting while down, open after the resubscribe", async () => {
  const ws = fakeServer({ autoAccept: false });
  const chat = mountChat(ws, { room: "lobby" });
  const seen: ChannelStatus[] = [];
  const record = () => {
    const s = chat.current().status;
    if (seen[seen.length - 1] !== s) seen.push(s);
  };
  record();
  assert.equal(chat.current().status, "connecting");
  assert.deepEqual(chat.current().messages, []);
  assert.equal(chat.current().last, undefined);

  const first = await subscribed(ws, "lobby");
  await wait(20);
  assert.equal(chat.current().status, "connecting", "still connecting before the server answers");
  await act(async () => ws.last().receive({ id: first, subscribed: true }));
  await waitFor(() => assert.equal(chat.current().status, "open"));
  record();
  await deliver(ws, first, "hello");
  assert.deepEqual(chat.current().messages, [{ text: "hello" }]);

  // The socket drops: connecting while a reconnect is scheduled.
  const before = ws.sockets.length;
  await act(async () => ws.last().drop());
  await waitFor(() => assert.equal(chat.current().status, "connecting"));
  record();
  // The reconnect (about 250 ms later) opens a new socket and subscribes again.
  await waitFor(() => assert.equal(ws.sockets.length, before + 1), { timeout: 3000 });
  let again = -1;
  await waitFor(() => {
    const frame = ws.last().sent.find((f) => f["op"] === "subscribe");
    assert.ok(frame, "resubscribed on the new socket");
    assert.deepEqual(frame["params"], { room: "lobby" });
    again = Number(frame["id"]);
  });
  await wait(20);
  assert.equal(chat.current().status, "connecting", "connecting until the resubscribe is answered");
  await act(async () => ws.last().receive({ id: again, subscribed: true }));
  await waitFor(() => assert.equal(chat.current().status, "open"));
  record();
  assert.deepEqual(seen, ["connecting", "open", "connecting", "open"]);

  // Messages survive the reconnect, and new ones (on the new subscription id) append.
  await deliver(ws, again, "back");
  assert.deepEqual(chat.current().messages, [{ text: "hello" }, { text: "back" }]);
  assert.deepEqual(chat.current().last, { text: "back" });
});

test("a refused subscription reports error", async () => {
  const ws = fakeServer({ autoAccept: false });
  const chat = mountChat(ws, { room: "secret" });
  const id = await subscribed(ws, "secret");
  await act(async () => ws.last().receive({ id, error: { code: "FORBIDDEN", message: "no" } }));
  await waitFor(() => assert.equal(chat.current().status, "error"));
});

test("messages keep the last max (default 500)", async () => {
  const ws = fakeServer();
  const small = mountChat(ws, { room: "a" }, { max: 3 });
  const id = await subscribed(ws, "a");
  await waitFor(() => assert.equal(small.current().status, "open"));
  await deliver(ws, id, "1", "2", "3", "4", "5");
  assert.deepEqual(
    small.current().messages.map((m) => m.text),
    ["3", "4", "5"],
  );
  assert.deepEqual(small.current().last, { text: "5" });
  cleanup();

  const ws2 = fakeServer();
  const big = mountChat(ws2, { room: "b" });
  const id2 = await subscribed(ws2, "b");
  await waitFor(() => assert.equal(big.current().status, "open"));
  await deliver(ws2, id2, ...Array.from({ length: 520 }, (_, i) => String(i)));
  const texts = big.current().messages.map((m) => m.text);
  assert.equal(texts.length, 500);
  assert.equal(texts[0], "20");
  assert.equal(texts[499], "519");
});

test("send posts a message on the subscription", async () => {
  const ws = fakeServer();
  const chat = mountChat(ws, { room: "lobby" });
  const id = await subscribed(ws, "lobby");
  await waitFor(() => assert.equal(chat.current().status, "open"));
  await act(async () => {
    await chat.current().send({ text: "hi" });
  });
  const sends = ws.frames("send");
  assert.equal(sends.length, 1);
  assert.equal(sends[0]?.["sub"], id);
  assert.deepEqual(sends[0]?.["message"], { text: "hi" });
});

test("unmount closes the subscription (unsubscribe frame); send then rejects with NOT_SUBSCRIBED", async () => {
  const ws = fakeServer();
  const chat = mountChat(ws, { room: "lobby" });
  const id = await subscribed(ws, "lobby");
  await waitFor(() => assert.equal(chat.current().status, "open"));
  const send = chat.current().send;
  chat.view.unmount();
  await waitFor(() => {
    const frame = ws.frames("unsubscribe").find((f) => f["sub"] === id);
    assert.ok(frame, "an unsubscribe frame for the subscription");
  });
  await assert.rejects(send({ text: "late" }), (e: unknown) => e instanceof MizanError && e.code === "NOT_SUBSCRIBED");
  assert.equal(ws.frames("send").length, 0);
});

test("new params resubscribe and start afresh; the old subscription is closed", async () => {
  const ws = fakeServer();
  const chat = mountChat(ws, { room: "a" });
  const a = await subscribed(ws, "a");
  await waitFor(() => assert.equal(chat.current().status, "open"));
  await deliver(ws, a, "in a");
  assert.equal(chat.current().messages.length, 1);

  act(() => chat.rerender("b"));
  assert.deepEqual(chat.current().messages, [], "the first render with new params shows none of the old messages");
  assert.equal(chat.current().status, "connecting");
  const b = await subscribed(ws, "b");
  await waitFor(() => assert.ok(ws.frames("unsubscribe").some((f) => f["sub"] === a)));
  await waitFor(() => assert.equal(chat.current().status, "open"));
  await deliver(ws, a, "late in a");
  await deliver(ws, b, "in b");
  assert.deepEqual(chat.current().messages, [{ text: "in b" }]);

  // Same params in a new object: no resubscription.
  const subscribes = ws.frames("subscribe").length;
  act(() => chat.rerender("b"));
  await wait(20);
  assert.equal(ws.frames("subscribe").length, subscribes);
});

test("useChannelMessages has no send; StrictMode ends with one live subscription", async () => {
  const ws = fakeServer();
  const client = clientFor(ws);
  let latest: ChannelState<Chat> | undefined;
  function Feed() {
    latest = useChannelMessages<Chat>("chat", { room: "news" });
    return null;
  }
  render(
    <StrictMode>
      <MizanContext client={client}>
        <Feed />
      </MizanContext>
    </StrictMode>,
  );
  await waitFor(() => assert.equal(latest?.status, "open"));
  assert.equal("send" in (latest ?? {}), false);
  const subs = ws.frames("subscribe").map((f) => Number(f["id"]));
  const unsubs = new Set(ws.frames("unsubscribe").map((f) => Number(f["sub"])));
  const live = subs.filter((id) => !unsubs.has(id));
  assert.equal(live.length, 1, "one subscription stays");
  await deliver(ws, live[live.length - 1]!, "news");
  assert.deepEqual(latest?.messages, [{ text: "news" }]);
});

test("disconnect() (sign-in, sign-out) closes the socket; the hook subscribes again on a new one", async () => {
  const ws = fakeServer();
  const chat = mountChat(ws, { room: "lobby" });
  await subscribed(ws, "lobby");
  await waitFor(() => assert.equal(chat.current().status, "open"));
  const before = ws.sockets.length;
  await act(async () => chat.client.disconnect());
  await waitFor(() => assert.equal(ws.sockets.length, before + 1));
  await waitFor(() => {
    assert.ok(ws.last().sent.some((f) => f["op"] === "subscribe"), "subscribed on the new socket");
    assert.equal(chat.current().status, "open");
  });
});
