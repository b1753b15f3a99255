// A WebSocket server double for the channel tests (runtime/channels.ts on jsdom, and
// runtime/channel-core.ts in plain Node): every socket a client opens, and what it sent.

import assert from "node:assert/strict";

export type Frame = Record<string, unknown>;
type Listener = (event: never) => void;

/** A WebSocket server double: every socket the client opens, and what it sent. Subscriptions are
 * accepted at once unless `autoAccept` is false. Sockets are per server (no shared state). */
export function fakeServer(options: { autoAccept?: boolean } = {}) {
  const sockets: FakeWebSocket[] = [];
  const server = { autoAccept: options.autoAccept ?? true };

  class FakeWebSocket {
    static readonly CONNECTING = 0;
    static readonly OPEN = 1;
    static readonly CLOSING = 2;
    static readonly CLOSED = 3;
    readonly CONNECTING = 0;
    readonly OPEN = 1;
    readonly CLOSING = 2;
    readonly CLOSED = 3;
    readyState = 0;
    readonly url: string;
    readonly sent: Frame[] = [];
    onopen: Listener | null = null;
    onmessage: Listener | null = null;
    onerror: Listener | null = null;
    onclose: Listener | null = null;
    private readonly listeners = new Map<string, Set<Listener>>();

    constructor(url: string) {
      this.url = url;
      sockets.push(this);
      setTimeout(() => {
        if (this.readyState !== 0) return;
        this.readyState = 1;
        this.emit("open", { type: "open" });
      }, 0);
    }

    addEventListener(type: string, listener: Listener): void {
      let set = this.listeners.get(type);
      if (!set) this.listeners.set(type, (set = new Set()));
      set.add(listener);
    }

    removeEventListener(type: string, listener: Listener): void {
      this.listeners.get(type)?.delete(listener);
    }

    private emit(type: "open" | "message" | "error" | "close", event: object): void {
      const own = this[`on${type}`];
      own?.call(this, event as never);
      for (const l of [...(this.listeners.get(type) ?? [])]) l.call(this, event as never);
    }

    send(data: string): void {
      if (this.readyState !== 1) throw new Error(`InvalidStateError: send() in state ${this.readyState}`);
      const frame = JSON.parse(data) as Frame;
      this.sent.push(frame);
      if (frame["op"] === "subscribe" && server.autoAccept) setTimeout(() => this.receive({ id: frame["id"], subscribed: true }), 0);
      if (frame["op"] === "send") setTimeout(() => this.receive({ id: frame["id"], result: null }), 0);
    }

    close(): void {
      if (this.readyState >= 2) return;
      this.readyState = 2;
      setTimeout(() => {
        this.readyState = 3;
        this.emit("close", { type: "close", code: 1000, reason: "", wasClean: true });
      }, 0);
    }

    /** A frame from the server. */
    receive(frame: Frame): void {
      if (this.readyState === 1) this.emit("message", { type: "message", data: JSON.stringify(frame) });
    }

    /** The connection drops (server restart, network): error, then close. */
    drop(): void {
      if (this.readyState === 3) return;
      this.readyState = 3;
      this.emit("error", { type: "error" });
      this.emit("close", { type: "close", code: 1006, reason: "", wasClean: false });
    }
  }

  return {
    server,
    sockets,
    WebSocket: FakeWebSocket,
    last(): FakeWebSocket {
      const s = sockets[sockets.length - 1];
      assert.ok(s, "a socket was opened");
      return s;
    },
    /** Every frame sent on every socket, in order. */
    frames(op?: string): Frame[] {
      return sockets.flatMap((s) => s.sent).filter((f) => op === undefined || f["op"] === op);
    },
  };
}

export type Server = ReturnType<typeof fakeServer>;

