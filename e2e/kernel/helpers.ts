// Test doubles for the kernel: a scriptable transport, a fake fetch, a fake WebSocket.
import type { CallEnvelope, CallOptions, MizanTransport, Params, RequestOptions } from "../../runtime/kernel.ts";

export const tick = (ms = 0): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((a, b) => {
    resolve = a;
    reject = b;
  });
  return { promise, resolve, reject };
}

/** A promise that never settles unless the signal aborts; then it rejects with the signal's reason. */
export function untilAborted(signal: AbortSignal | undefined): Promise<never> {
  return new Promise((_, reject) => signal?.addEventListener("abort", () => reject(signal.reason), { once: true }));
}

/** A transport whose answers the test decides; it records every request. */
export class FakeTransport implements MizanTransport {
  fetches: { context: string; params: Params; options: RequestOptions }[] = [];
  calls: { fn: string; args: Params; options: CallOptions }[] = [];
  onFetch: (context: string, params: Params, options: RequestOptions) => unknown = (context, params) => ({ context, params, n: this.fetches.length });
  onCall: (fn: string, args: Params, options: CallOptions) => CallEnvelope | Promise<CallEnvelope> = () => ({ result: null });

  fetch(context: string, params: Params, options: RequestOptions): Promise<unknown> {
    this.fetches.push({ context, params, options });
    try {
      return Promise.resolve(this.onFetch(context, params, options));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  call(fn: string, args: Params, options: CallOptions): Promise<CallEnvelope> {
    this.calls.push({ fn, args, options });
    try {
      return Promise.resolve(this.onCall(fn, args, options));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  count(context: string): number {
    return this.fetches.filter((f) => f.context === context).length;
  }
}

export interface Recorded {
  url: string;
  init: RequestInit;
}

/** A fetch that records requests and answers from a list of responses (the last repeats). An
 * entry may be "hang": that request settles only when its signal aborts (like fetch, with the
 * signal's reason). */
export function fakeFetch(responses: ((() => Response) | "hang")[]): { fetch: typeof fetch; requests: Recorded[] } {
  const requests: Recorded[] = [];
  const f = function (this: unknown, input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    if (this !== globalThis) return Promise.reject(new TypeError("Illegal invocation"));
    requests.push({ url: String(input), init: init ?? {} });
    const next = responses[Math.min(requests.length - 1, responses.length - 1)];
    if (init?.signal?.aborted) return Promise.reject(init.signal.reason);
    if (next === "hang") return untilAborted(init?.signal ?? undefined);
    return next ? Promise.resolve(next()) : Promise.reject(new TypeError("fetch failed"));
  };
  return { fetch: f as typeof fetch, requests };
}

export const json = (status: number, body: unknown, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });

export const headersOf = (r: Recorded | undefined): Record<string, string> => (r?.init.headers ?? {}) as Record<string, string>;

/** Enough of WebSocket for the kernel, driven by the test. */
export class FakeSocket {
  static all: FakeSocket[] = [];
  sent: Params[] = [];
  closed = false;
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;
  onerror: (() => void) | null = null;
  readonly url: string;

  /** `down`: the server is unreachable; the socket fails ("error", then "close") instead of opening. */
  constructor(url: string, down = false) {
    this.url = url;
    FakeSocket.all.push(this);
    setTimeout(() => (down ? this.drop() : this.onopen?.()), 0);
  }

  send(data: string): void {
    if (this.closed) throw new Error("send on a closed socket");
    this.sent.push(JSON.parse(data) as Params);
  }

  /** Closed by the client: the "close" event follows, as with a real socket. */
  close(): void {
    this.closed = true;
    setTimeout(() => this.onclose?.(), 0);
  }

  /** The connection breaks: "error", then "close". Like the `ws` package (an EventEmitter), an
   * "error" nobody listens to throws. */
  drop(): void {
    this.closed = true;
    if (!this.onerror) throw new Error("unhandled 'error' event");
    this.onerror();
    this.onclose?.();
  }

  /** A frame from the server. */
  receive(frame: Params): void {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }

  /** Raw text from the server. */
  receiveText(data: string): void {
    this.onmessage?.({ data });
  }

  static last(): FakeSocket {
    const s = FakeSocket.all[FakeSocket.all.length - 1];
    if (!s) throw new Error("no socket opened");
    return s;
  }
}

/** A WebSocket constructor of FakeSockets with its own list of sockets; `down` makes new sockets fail. */
export function fakeWebSocket(): { WebSocket: new (url: string) => WebSocket; sockets: FakeSocket[]; down: boolean; last(): FakeSocket } {
  const made = {
    sockets: [] as FakeSocket[],
    down: false,
    WebSocket: undefined as unknown as new (url: string) => WebSocket,
    last(): FakeSocket {
      const s = made.sockets[made.sockets.length - 1];
      if (!s) throw new Error("no socket opened");
      return s;
    },
  };
  made.WebSocket = class extends FakeSocket {
    constructor(url: string) {
      super(url, made.down);
      made.sockets.push(this);
    }
  } as unknown as new (url: string) => WebSocket;
  return made;
}

/** Waits until `socket` has sent more than `index` frames, and returns frame `index`. */
export async function frame(socket: FakeSocket, index: number): Promise<Params> {
  for (let i = 0; i < 100 && socket.sent.length <= index; i++) await tick();
  const f = socket.sent[index];
  if (!f) throw new Error(`frame ${index} was not sent (sent: ${JSON.stringify(socket.sent)})`);
  return f;
}

/** Waits until `check()` holds (or fails after about a second). */
export async function until(check: () => boolean, what = "condition"): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await tick(5);
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}
