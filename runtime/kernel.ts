// The Mizan client kernel: the client side of the Mizan protocol (docs/PROTOCOL.md §3–§4),
// framework-free. createMizanClient() returns a client that owns every piece of request state;
// generated code calls mizanCall() and mizanFetch(), which use options.client or the default
// client that configure() sets up.

export type Params = Record<string, unknown>;
export type Invalidation =
  string | { context: string; params?: Params; function?: string };
export interface MergeEntry {
  context: string;
  slot: string;
  value: unknown;
  params?: Params;
}
/** What a transport answers to a call: the body of a successful `/call/`. */
export interface CallEnvelope {
  result: unknown;
  invalidate?: Invalidation[];
  merge?: MergeEntry[];
}
/** One successful call's cache effects, delivered to onEffects listeners before the call resolves. */
export interface Effects {
  fn: string;
  /** The call's place in the order the client sent its calls (effects may arrive in another). */
  seq: number;
  invalidate: Invalidation[];
  merge: MergeEntry[];
}
export interface RequestOptions {
  signal?: AbortSignal;
  /** Milliseconds before the request fails with `MizanError("TIMEOUT")`; 0: no limit. Default:
   * the client's `timeout`. */
  timeout?: number | undefined;
}
export interface CallOptions extends RequestOptions {
  /** Send as multipart/form-data; Blob arguments become file parts. */
  upload?: boolean;
  /** Call over the client's WebSocket instead of the transport. */
  websocket?: boolean;
}
/** How calls and context fetches reach the server. HTTP by default; any object of this shape
 * (Tauri IPC, a test double) plugs in through createMizanClient({ transport }). */
export interface MizanTransport {
  call(fn: string, args: Params, options: CallOptions): Promise<CallEnvelope>;
  fetch(
    context: string,
    params: Params,
    options: RequestOptions,
  ): Promise<unknown>;
}
export interface MizanConfig {
  /** Where the Mizan endpoints are mounted. Default "/api/mizan". */
  baseUrl?: string;
  /** Extra headers for every request (for example X-Mizan-Token). */
  getHeaders?: () => Record<string, string> | Promise<Record<string, string>>;
  /** CSRF cookie and header names (default csrftoken / X-CSRFToken); `token()` supplies the
   * token where there is no document.cookie (server rendering, native apps); when it answers
   * undefined, the cookie is read. */
  csrf?: {
    cookieName?: string;
    headerName?: string;
    token?: () => string | undefined;
  };
  transport?: MizanTransport;
  fetch?: typeof fetch;
  /** WebSocket constructor, for runtimes without a global one. */
  WebSocket?: new (url: string) => WebSocket;
  /** Milliseconds a call, context fetch or channel send (HTTP or WebSocket) may take before it
   * fails with `MizanError("TIMEOUT")`; 0: no limit. Default 30000. */
  timeout?: number;
  /** Milliseconds the WebSocket may take to open; 0: no limit. Default 10000. */
  connectTimeout?: number;
}
/** Per-call options every generated `call…` and `fetch…` function takes. */
export interface ClientOptions {
  client?: MizanClient;
  signal?: AbortSignal;
  timeout?: number;
}
export type ChannelStatus = "connecting" | "open" | "closed" | "error";
export interface ChannelSubscription<C = unknown> {
  /** Settles once the server has answered the (first) subscribe request. */
  ready: Promise<void>;
  status(): ChannelStatus;
  /** Sends a client message on the subscription (channels that declare one). */
  send(message: C): Promise<void>;
  /** Stops listening; the server subscription ends with its last listener. */
  close(): void;
}
export interface SubscribeOptions {
  /** Called with the current status at once, then on every change. */
  onStatus?: (status: ChannelStatus) => void;
}
export interface MizanClient {
  readonly baseUrl: string;
  call<R = unknown>(
    fn: string,
    args?: object,
    options?: CallOptions,
  ): Promise<R>;
  /** `fresh` starts a new request instead of joining one in flight (a refetch must not be
   * answered by a request sent before whatever made it necessary). */
  fetch<D = unknown>(
    context: string,
    params?: object,
    options?: RequestOptions & { fresh?: boolean },
  ): Promise<D>;
  subscribe<M = unknown, C = unknown>(
    channel: string,
    params: object,
    listener: (message: M) => void,
    options?: SubscribeOptions,
  ): ChannelSubscription<C>;
  /** Listens to every successful call's effects; returns the unsubscribe function. */
  onEffects(listener: (effects: Effects) => void): () => void;
  /** Sets the CSRF cookie (GET /session/). */
  initSession(options?: RequestOptions): Promise<void>;
  /** Closes the socket, fails its pending calls and closes every channel subscription. */
  disconnect(): void;
}

export class MizanError extends Error {
  declare readonly code: string;
  declare readonly status: number;
  declare readonly details: unknown;
  /** `cause`: what went wrong underneath (the fetch error, the JSON parse error, the socket's
   * event), for logs. */
  constructor(
    code: string,
    message: string,
    status = 0,
    details: unknown = null,
    cause?: unknown,
  ) {
    super(message);
    this.name = "MizanError";
    this.code = code;
    this.status = status;
    this.details = details;
    if (cause !== undefined) (this as { cause?: unknown }).cause = cause;
  }
}

const isObject = (v: unknown): v is Params =>
  !!v && typeof v === "object" && !Array.isArray(v);
const noop = () => {};
/** A 2xx answer (or a socket frame) that is not what the protocol says it is. */
const bad = (message: string, status = 0, cause?: unknown) =>
  new MizanError("BAD_RESPONSE", message, status, null, cause);
/** A call's answer, which must be an object with a `result` (a frame's `id` may come along). */
const envelope = (x: CallEnvelope, fn: string): CallEnvelope => {
  if (isObject(x) && "result" in x) return x;
  throw bad(fn + ": no result");
};
/** Calls `fail` with `MizanError("TIMEOUT")` after `ms` milliseconds, unless `ms` is 0 or
 * Infinity (no limit; a timer over 2³¹ ms would fire at once); answers the timer. */
const after = (ms: number, fail: (e: MizanError) => void) =>
  ms > 0 && ms < 2 ** 31
    ? setTimeout(
        () => fail(new MizanError("TIMEOUT", `no answer in ${ms} ms`)),
        ms,
      )
    : undefined;

/** Key-sorted compact JSON: the same params in any order give the same key. */
export function stableKey(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) =>
    isObject(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, v[k]]),
        )
      : v,
  );
}

/** Query string of context params: strings as they are, numbers and booleans in decimal,
 * anything else as compact JSON; keys sorted; undefined members left out. */
export function queryString(params: Params): string {
  const q = Object.keys(params)
    .sort()
    .filter((k) => params[k] !== undefined)
    .map((k) => {
      const v = params[k];
      const text = typeof v == "object" ? JSON.stringify(v) : String(v);
      return encodeURIComponent(k) + "=" + encodeURIComponent(text);
    })
    .join("&");
  return q && "?" + q;
}

function cookie(name: string): string | undefined {
  for (const part of (globalThis.document?.cookie ?? "").split("; ")) {
    const at = part.indexOf("=");
    if (part.slice(0, at) == name)
      return decodeURIComponent(part.slice(at + 1));
  }
  return undefined;
}

/** The error of an answer: `{"error": {...}}`, Django's `{"error": true, "code", ...}`, else
 * `HTTP_<status>`. */
function toError(body: unknown, status: number, text = ""): MizanError {
  const e = isObject(body) ? body["error"] : null;
  const env = isObject(e) ? e : e === true ? (body as Params) : null;
  return typeof env?.["code"] == "string"
    ? new MizanError(
        env["code"],
        String(env["message"] ?? ""),
        status,
        env["details"] ?? null,
      )
    : new MizanError("HTTP_" + status, text || "HTTP " + status, status);
}

/** `user;user_id=5, notifications` → `[{context: "user", params: {user_id: "5"}}, "notifications"]`. */
function parseInvalidate(header: string): Invalidation[] {
  return header.split(",").map((part) => {
    const [context = "", ...pairs] = part.trim().split(";");
    return pairs.length
      ? {
          context,
          params: Object.fromEntries(
            pairs.map((p) => p.split("=").map(decodeURIComponent)),
          ) as Params,
        }
      : context;
  });
}

/** Settles as `p` does, or rejects with the signal's reason as soon as it aborts (then calls
 * `onAbort`). */
function abortable<T>(
  p: Promise<T>,
  signal?: AbortSignal,
  onAbort = noop,
): Promise<T> {
  return signal
    ? new Promise<T>((resolve, reject) => {
        const abort = () => {
          reject(signal.reason);
          onAbort();
        };
        signal.addEventListener("abort", abort, { once: true });
        p.then(resolve, reject).finally(() =>
          signal.removeEventListener("abort", abort),
        );
      })
    : p;
}

/** A WebSocket frame from the server (a call's answer carries the call envelope). */
interface Frame extends CallEnvelope {
  id?: number;
  sub?: number;
  error?: Params;
  message?: unknown;
}
/** One subscribe() call's listener and options. */
interface Handle extends SubscribeOptions {
  listener: (message: unknown) => void;
}
interface Channel {
  channel: string;
  params: Params;
  handles: Set<Handle>;
  status: ChannelStatus;
  /** The id of the subscription on the current socket (the subscribe frame's id). */
  sub?: number | undefined;
  ready: Promise<void>;
}

/** Creates a client. Nothing is shared between two clients. */
export function createMizanClient(config: MizanConfig = {}): MizanClient {
  const { baseUrl = "/api/mizan", getHeaders, csrf = {} } = config;
  const page = globalThis.location?.href;
  if (!config.transport) {
    let url: URL | undefined;
    try {
      url = new URL(baseUrl, page ?? "http://localhost/");
    } catch {}
    if (!/^https?:$/.test(url?.protocol ?? ""))
      throw new TypeError(
        `createMizanClient: baseUrl ${JSON.stringify(baseUrl)} is not an http(s) URL; pass e.g. "https://example.com/api/mizan"`,
      );
  }
  const base = baseUrl.replace(/\/$/, "");
  /** The absolute URL of an endpoint; a relative baseUrl needs a page to resolve against. */
  const absolute = (path: string): URL => {
    try {
      return new URL(base + path, page);
    } catch {
      throw new MizanError(
        "BAD_CONFIG",
        `baseUrl "${base}" is relative: pass an absolute baseUrl`,
      );
    }
  };

  /** One HTTP request; answers the JSON body and the response headers. */
  async function request(
    path: string,
    init: RequestInit,
  ): Promise<[unknown, Headers]> {
    // A custom fetch may resolve relative URLs itself (SvelteKit's does on the server).
    if (!config.fetch) absolute(path);
    const headers = {
      ...(await getHeaders?.()),
      ...(init.headers as Record<string, string>),
    };
    let res!: Response;
    let text = "";
    let body: unknown;
    try {
      // Credentials: fetch's default, same-origin (cookies go to the app's own origin).
      res = await (config.fetch ?? fetch).call(globalThis, base + path, {
        ...init,
        headers,
      });
      text = await res.text();
    } catch (e) {
      // Aborted (by the caller, or the time limit: the signal's reason says which), no answer,
      // or an answer that broke off (an error's body is not needed: HTTP_<status> then).
      if (init.signal?.aborted) throw init.signal.reason;
      if (!res || res.ok)
        throw new MizanError("NETWORK_ERROR", String(e), res?.status, null, e);
    }
    try {
      body = JSON.parse(text);
    } catch (e) {
      // An error's body need not be JSON; a success's must.
      if (res.ok) throw bad("not JSON", res.status, e);
    }
    if (!res.ok) throw toError(body, res.status, res.statusText);
    return [body, res.headers];
  }

  const transport: MizanTransport = config.transport ?? {
    async call(fn, args, options) {
      const headers: Record<string, string> = {};
      const token = csrf.token?.() ?? cookie(csrf.cookieName ?? "csrftoken");
      if (token) headers[csrf.headerName ?? "X-CSRFToken"] = token;
      let body: BodyInit = JSON.stringify({ fn, args });
      if (options.upload) {
        // Parts: fn, args (JSON, without the files), then one part per file.
        const form = new FormData();
        const rest: Params = {};
        form.set("fn", fn);
        form.set("args", "");
        for (const [k, v] of Object.entries(args)) {
          // A Blob or a non-empty list of Blobs is a file argument.
          const list: unknown[] = [v].flat();
          // Blob is global in browsers and in Node 18 and later.
          if (list.length && list.every((f) => f instanceof Blob))
            for (const f of list) form.append(k, f);
          else rest[k] = v;
        }
        form.set("args", JSON.stringify(rest));
        body = form;
      } else headers["Content-Type"] = "application/json";
      const [env, h] = (await request("/call/", {
        ...options,
        method: "POST",
        headers,
        body,
      })) as [CallEnvelope, Headers];
      // A server may announce its invalidations in the header only.
      const header = h.get("X-Mizan-Invalidate");
      if (header && !("invalidate" in envelope(env, fn)))
        env.invalidate = parseInvalidate(header);
      return envelope(env, fn);
    },
    async fetch(context, params, options) {
      const [bundle] = await request(
        "/ctx/" + encodeURIComponent(context) + "/" + queryString(params),
        options,
      );
      if (isObject(bundle)) return bundle;
      throw bad(context + ": not a bundle");
    },
  };

  // ---- WebSocket: calls and channels ----

  /** The socket (opening or open); replies: the calls waiting for its answers; timer: the
   * scheduled reconnect, while there is one. */
  let socket: Promise<WebSocket> | undefined;
  let nextId = 1;
  let retries = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const channels = new Map<string, Channel>();
  const replies = new Map<
    number,
    [(frame: Frame) => void, (error: unknown) => void]
  >();
  const listeners = new Set<(effects: Effects) => void>();
  /** Context fetches in flight: each call joins one with its own signal. */
  const inflight = new Map<
    string,
    (signal: AbortSignal | undefined) => Promise<unknown>
  >();

  /** What calls on a socket that disconnect() closed reject with. */
  const closed = new MizanError("NETWORK_ERROR", "WebSocket closed");
  const drop = (error: unknown) => {
    for (const [, reject] of replies.values()) reject(error);
    replies.clear();
  };

  /** Runs `task` with a signal that aborts when the caller's does (with the caller's reason) or
   * when the time limit is up (with `MizanError("TIMEOUT")`), and settles as soon as either
   * happens, whether the task heeds its signal or not. One AbortController, no
   * AbortSignal.any(): it works in every runtime, and the timer is cleared when the task ends. */
  async function limited<T>(
    { signal: outer, timeout = config.timeout ?? 30000 }: RequestOptions,
    task: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const c = new AbortController();
    const abort = () => c.abort(outer?.reason);
    const t = after(timeout, (e) => c.abort(e));
    if (outer?.aborted) abort();
    outer?.addEventListener("abort", abort);
    try {
      c.signal.throwIfAborted();
      return await abortable(task(c.signal), c.signal);
    } finally {
      clearTimeout(t);
      outer?.removeEventListener("abort", abort);
    }
  }
  const setStatus = (ch: Channel, status: ChannelStatus) => {
    if (ch.status != status) {
      ch.status = status;
      for (const h of ch.handles) h.onStatus?.(status);
    }
  };

  /** The client's socket, opened on first use. Browsers cannot set headers on a WebSocket, so
   * the `X-Mizan-Token` of `getHeaders()` goes along as `?token=`. */
  function connect(): Promise<WebSocket> {
    if (socket) return socket;
    const current: Promise<WebSocket> = (async () => {
      const token = (await getHeaders?.())?.["X-Mizan-Token"];
      const url = absolute("/ws/");
      url.protocol = url.protocol.replace("http", "ws");
      if (token) url.searchParams.set("token", token);
      const WS = config.WebSocket ?? globalThis.WebSocket;
      if (!WS)
        throw new MizanError(
          "BAD_CONFIG",
          "no WebSocket: pass one to createMizanClient",
        );
      const ws = new WS(url.href);
      return new Promise<WebSocket>((resolve, reject) => {
        /** The socket failed (an error, a close, or no open in time): its calls fail, and its
         * channels reconnect after a capped, jittered backoff. Runs on "error" and on the
         * "close" that follows it: the second run finds nothing to do. */
        const fail = (error: MizanError) => {
          clearTimeout(opening);
          reject(error);
          // A socket that disconnect() replaced has already failed its calls.
          if (socket != current) return;
          socket = undefined;
          drop(error);
          if (!channels.size) return;
          // Channels survive a dropped socket: reconnect with backoff and subscribe again.
          for (const ch of channels.values()) setStatus(ch, "connecting");
          clearTimeout(timer);
          timer = setTimeout(
            () => {
              timer = undefined;
              for (const ch of channels.values()) void join(ch);
            },
            // 250 ms doubling up to 30 s, each delay drawn from its upper half.
            Math.min(30000, 250 * 2 ** Math.min(retries++, 7)) *
              (1 - Math.random() / 2),
          );
        };
        const opening = after(config.connectTimeout ?? 10000, (e) => {
          fail(e);
          ws.close();
        });
        ws.onopen = () => {
          clearTimeout(opening);
          resolve(ws);
        };
        ws.onmessage = ({ data }) => {
          let f: Frame | undefined;
          try {
            // Binary frames and text that is not a JSON object are not frames: ignored.
            f = typeof data == "string" && JSON.parse(data);
          } catch {}
          if (!isObject(f)) return;
          if (f.id == null) {
            for (const ch of channels.values())
              if (ch.sub === f.sub)
                for (const h of ch.handles) h.listener(f.message);
          } else {
            replies.get(f.id)?.[0](f);
            replies.delete(f.id);
          }
        };
        ws.onclose = ws.onerror = (event) =>
          fail(
            new MizanError("NETWORK_ERROR", "WebSocket closed", 0, null, event),
          );
      });
    })().catch((e: unknown) => {
      // No socket made (getHeaders() failed, no WebSocket...): the next use tries again.
      if (socket == current) socket = undefined;
      throw e;
    });
    return (socket = current);
  }

  /** Sends a frame and answers the server's reply to it; `signal` gives up waiting. */
  async function send(
    frame: Params,
    signal?: AbortSignal,
    onId?: (id: number) => void,
  ): Promise<Frame> {
    const s = connect();
    const ws = await s;
    if (socket != s) throw closed;
    // A call given up while the socket opened is not sent (it would run unseen).
    signal?.throwIfAborted();
    const id = nextId++;
    onId?.(id);
    signal?.addEventListener("abort", () => replies.delete(id));
    return new Promise((resolve, reject) => {
      replies.set(id, [resolve, reject]);
      ws.send(JSON.stringify({ id, ...frame }));
    });
  }

  function check(frame: Frame): Frame {
    if (frame.error) throw toError(frame, 0);
    return frame;
  }

  const unsubscribe = (ch: Channel) =>
    send({ op: "unsubscribe", sub: ch.sub }).catch(noop);

  /** Subscribes a channel (whose status is "connecting") on the current socket. The
   * subscription's id is the subscribe frame's id, known before the answer, so messages that
   * follow the answer at once are not missed. */
  function join(ch: Channel): Promise<void> {
    return (ch.ready = send(
      { op: "subscribe", channel: ch.channel, params: ch.params },
      undefined,
      (id) => (ch.sub = id),
    ).then(
      (f) => {
        // Closed while subscribing: end the server's subscription.
        if (!ch.handles.size) return void (f.error || unsubscribe(ch));
        // The backoff starts over only once a subscription holds: a server that accepts the
        // socket and drops it at once (an expired token) is not retried every 250 ms.
        setStatus(ch, f.error ? "error" : ((retries = 0), "open"));
      },
      // No socket could be made (a socket that failed has scheduled a reconnect instead).
      (e) => void (e == closed || timer || setStatus(ch, "error")),
    ));
  }

  return {
    baseUrl: base,

    async call<R>(fn: string, args: object = {}, options: CallOptions = {}) {
      const seq = nextId++;
      const env = await limited(options, (signal) =>
        options.websocket
          ? send({ op: "call", fn, args }, signal).then((f) =>
              envelope(check(f), fn),
            )
          : transport.call(fn, args as Params, { ...options, signal }),
      );
      const { result, invalidate = [], merge = [] } = env;
      if (invalidate.length || merge.length)
        for (const l of listeners) l({ fn, seq, invalidate, merge });
      return result as R;
    },

    /** Identical concurrent fetches share one request; each caller's signal detaches only that
     * caller, and the request is aborted once every caller has. Network errors and 5xx answers
     * are retried twice (after about 200 ms, then 400 ms). */
    async fetch<D>(
      context: string,
      params: object = {},
      { signal, fresh, timeout }: RequestOptions & { fresh?: boolean } = {},
    ) {
      signal?.throwIfAborted();
      const key = context + stableKey(params);
      // A fresh request replaces the one in flight for later callers.
      let shared = fresh ? undefined : inflight.get(key);
      if (!shared) {
        const abort = new AbortController();
        const s = abort.signal;
        let callers = 0;
        const promise = (async () => {
          for (let attempt = 0; ; attempt++) {
            try {
              // Each attempt has the time limit of the caller that started the request.
              return await limited({ signal: s, timeout }, (signal) =>
                transport.fetch(context, params as Params, { signal }),
              );
            } catch (e) {
              // Retried: network errors and 5xx (not BAD_CONFIG, not TIMEOUT); not once
              // aborted (limited() throws the reason before trying again).
              if (
                attempt > 1 ||
                !(
                  e instanceof MizanError &&
                  (e.code == "NETWORK_ERROR" || e.status > 499)
                )
              )
                throw e;
              await new Promise((r) => setTimeout(r, 200 << attempt));
            }
          }
        })().finally(() => {
          if (inflight.get(key) == shared) inflight.delete(key);
        });
        inflight.set(
          key,
          (shared = (signal) => {
            callers++;
            return abortable(promise, signal, () => {
              if (!--callers) {
                // A fresh request may have taken the key meanwhile.
                if (inflight.get(key) == shared) inflight.delete(key);
                abort.abort(signal?.reason);
              }
            });
          }),
        );
      }
      return shared(signal) as Promise<D>;
    },

    subscribe<M, C>(
      channel: string,
      params: object,
      listener: (message: M) => void,
      options: SubscribeOptions = {},
    ): ChannelSubscription<C> {
      const key = channel + stableKey(params);
      const h: Handle = {
        ...options,
        listener: listener as (message: unknown) => void,
      };
      let c = channels.get(key);
      if (!c) {
        c = {
          channel,
          params: params as Params,
          handles: new Set(),
          status: "connecting",
          ready: Promise.resolve(),
        };
        channels.set(key, c);
        void join(c);
      }
      c.handles.add(h);
      h.onStatus?.(c.status);
      return {
        ready: c.ready,
        status: () => (c.handles.has(h) ? c.status : "closed"),
        async send(message) {
          await c.ready;
          if (c.status != "open" || !c.handles.has(h))
            throw new MizanError(
              "NOT_SUBSCRIBED",
              channel + ": not subscribed",
            );
          check(
            await limited({}, (signal) =>
              send({ op: "send", sub: c.sub, message }, signal),
            ),
          );
        },
        close() {
          if (!c.handles.delete(h)) return;
          h.onStatus?.("closed");
          if (c.handles.size) return;
          channels.delete(key);
          // A subscribe still unanswered is ended when its answer comes (join).
          if (c.status == "open") void unsubscribe(c);
        },
      };
    },

    onEffects(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },

    async initSession(options = {}) {
      await limited(options, (signal) => request("/session/", { signal }));
    },

    disconnect() {
      const s = socket;
      socket = undefined;
      clearTimeout(timer);
      timer = undefined;
      for (const ch of channels.values()) {
        setStatus(ch, "closed");
        ch.handles.clear();
      }
      channels.clear();
      drop(closed);
      s?.then((ws) => ws.close(), noop);
    },
  };
}

// ---- the default client: the one piece of module state ----

let defaults: MizanConfig = {};
let current: MizanClient | undefined;

/** Configures the default client (later calls override earlier ones key by key); its next use
 * creates a fresh client, and the old one is disconnected. */
export function configure(config: MizanConfig): void {
  defaults = { ...defaults, ...config };
  current?.disconnect();
  current = undefined;
}

/** The default client, created on first use from configure()'s config. */
export function defaultClient(): MizanClient {
  return (current ??= createMizanClient(defaults));
}

const clientOf = (options?: { client?: MizanClient }) =>
  options?.client ?? defaultClient();

/** Sets the CSRF cookie (GET /session/); call once before the first mutation of a
 * cookie-authenticated session. */
export function initSession(options?: ClientOptions): Promise<void> {
  return clientOf(options).initSession(options);
}

/** Closes a client's socket (the default client's unless given), for example on sign-out, so
 * that the next socket carries the new credentials. */
export function disconnect(options?: { client?: MizanClient }): void {
  (options?.client ?? current)?.disconnect();
}

/** Calls a server function; its effects go to the client's onEffects listeners. Never
 * retried: a mutation must not run twice. */
export function mizanCall<R>(
  fn: string,
  args?: object,
  options?: ClientOptions,
  call?: { upload?: boolean; websocket?: boolean },
): Promise<R> {
  return clientOf(options).call<R>(fn, args, { ...call, ...options });
}

/** Fetches one context bundle. */
export function mizanFetch<D>(
  context: string,
  params?: object,
  options?: ClientOptions,
): Promise<D> {
  return clientOf(options).fetch<D>(context, params, options);
}

/** Receives a channel's messages, in order. */
export type ChannelListener<M> = (message: M) => void;
export interface SubscribeChannelOptions extends SubscribeOptions {
  client?: MizanClient;
}

/** Subscribes to a channel on `options.client` or the default client. */
export function subscribeChannel<M, C>(
  channel: string,
  params: object,
  listener: ChannelListener<M>,
  options?: SubscribeChannelOptions,
): ChannelSubscription<C> {
  return clientOf(options).subscribe<M, C>(channel, params, listener, options);
}
