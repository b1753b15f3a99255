// Test doubles for the kernel: a scriptable transport, a fake fetch, a fake WebSocket.
import type { CallEnvelope, CallOptions, MizanTransport, Params } from "../../runtime/kernel.ts";

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

/** A transport whose answers the test decides; it records every request. */
export class FakeTransport implements MizanTransport {
  fetches: { context: string; params: Params }[] = [];
  calls: { fn: string; args: Params; options: CallOptions }[] = [];
  onFetch: (context: string, params: Params) => unknown = (context, params) => ({ context, params, n: this.fetches.length });
  onCall: (fn: string, args: Params) => CallEnvelope = () => ({ result: null });

  fetch(context: string, params: Params): Promise<unknown> {
    this.fetches.push({ context, params });
    try {
      return Promise.resolve(this.onFetch(context, params));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  call(fn: string, args: Params, options: CallOptions): Promise<CallEnvelope> {
    this.calls.push({ fn, args, options });
    try {
      return Promise.resolve(this.onCall(fn, args));
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

/** A fetch that records requests and answers from a list of responses (the last repeats). */
export function fakeFetch(responses: (() => Response)[]): { fetch: typeof fetch; requests: Recorded[] } {
  const requests: Recorded[] = [];
  const f = function (this: unknown, input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    if (this !== globalThis) return Promise.reject(new TypeError("Illegal invocation"));
    requests.push({ url: String(input), init: init ?? {} });
    const next = responses[Math.min(requests.length - 1, responses.length - 1)];
    return next ? Promise.resolve(next()) : Promise.reject(new TypeError("fetch failed"));
  };
  return { fetch: f as typeof fetch, requests };
}

export const json = (status: number, body: unknown): Response =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

/** Enough of WebSocket for the kernel, driven by the test. */
export class FakeSocket {
  static all: FakeSocket[] = [];
  sent: Params[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;
  readonly url: string;

  constructor(url: string) {
    this.url = url;
    FakeSocket.all.push(this);
    setTimeout(() => this.onopen?.(), 0);
  }

  send(data: string): void {
    this.sent.push(JSON.parse(data) as Params);
  }

  close(): void {
    this.onclose?.();
  }

  /** A frame from the server. */
  receive(frame: Params): void {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }

  static last(): FakeSocket {
    const s = FakeSocket.all[FakeSocket.all.length - 1];
    if (!s) throw new Error("no socket opened");
    return s;
  }
}
