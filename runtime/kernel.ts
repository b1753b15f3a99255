// The Mizan client kernel: the client side of the Mizan protocol (docs/PROTOCOL.md §3–§5).
// Generated code calls into it; apps use configure(), hydrate(), initSession() and MizanError.

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
export interface CallOptions {
  /** Send as multipart/form-data; Blob arguments become file parts. */
  upload?: boolean;
  /** Call over the app's WebSocket instead of the transport. */
  websocket?: boolean;
}
/** How calls and context fetches reach the server. HTTP by default; any object of this shape
 * (WebSocket, Tauri IPC, a test double) plugs in through configure({ transport }). */
export interface MizanTransport {
  call(fn: string, args: Params, options: CallOptions): Promise<CallEnvelope>;
  fetch(context: string, params: Params): Promise<unknown>;
}
export interface MizanConfig {
  /** Where the Mizan endpoints are mounted. Default "/api/mizan". */
  baseUrl?: string;
  /** Extra headers for every request (for example X-Mizan-Token). */
  getHeaders?: () => Record<string, string> | Promise<Record<string, string>>;
  /** CSRF cookie and header names. Default csrftoken / X-CSRFToken. */
  csrf?: { cookieName?: string; headerName?: string };
  transport?: MizanTransport;
  fetch?: typeof fetch;
  /** WebSocket constructor, for runtimes without a global one. */
  WebSocket?: new (url: string) => WebSocket;
}
export type ContextStatus = "idle" | "loading" | "success" | "error";
export interface ContextState<D = unknown> {
  data: D | null;
  status: ContextStatus;
  error: MizanError | null;
}
export interface ContextObserver<D = unknown> {
  getState(): ContextState<D>;
  subscribe(listener: () => void): () => void;
}
export interface ContextHandle<D = unknown> extends ContextObserver<D> {
  refetch(): Promise<void>;
  unregister(): void;
}

export class MizanError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: unknown;
  constructor(
    code: string,
    message: string,
    status = 0,
    details: unknown = null,
  ) {
    super(message);
    this.name = "MizanError";
    this.code = code;
    this.status = status;
    this.details = details;
  }
}

let config: MizanConfig = {};

/** Sets how the client reaches the server; later calls override earlier ones key by key. */
export function configure(options: MizanConfig): void {
  config = { ...config, ...options };
}

const base = (): string => (config.baseUrl ?? "/api/mizan").replace(/\/$/, "");
const isObject = (v: unknown): v is Params =>
  !!v && typeof v === "object" && !Array.isArray(v);

/** Key-sorted compact JSON: the same params in any order give the same key. */
export function stableKey(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) =>
    isObject(v)
      ? Object.fromEntries(
          Object.entries(v).sort(([a], [b]) => (a < b ? -1 : +(a > b))),
        )
      : v,
  );
}

// ---- HTTP ---------------------------------------------------------------------------------

function cookie(name: string): string | undefined {
  for (const part of (globalThis.document?.cookie ?? "").split("; ")) {
    const at = part.indexOf("=");
    if (part.slice(0, at) == name)
      return decodeURIComponent(part.slice(at + 1));
  }
  return undefined;
}

async function toError(res: Response): Promise<MizanError> {
  const body = (await res.json().catch(() => null)) as Params | null;
  const e = body?.["error"];
  // {"error": {...}} or Django's {"error": true, "code", ...}
  const env = (isObject(e) ? e : e === true ? body : null) as Params | null;
  return typeof env?.["code"] == "string"
    ? new MizanError(
        env["code"],
        String(env["message"] ?? ""),
        res.status,
        env["details"] ?? null,
      )
    : new MizanError(
        "HTTP_" + res.status,
        res.statusText || "HTTP " + res.status,
        res.status,
      );
}

async function request(path: string, init: RequestInit): Promise<unknown> {
  const headers = {
    ...(await config.getHeaders?.()),
    ...(init.headers as Record<string, string>),
  };
  let res: Response;
  try {
    // Credentials: fetch's default, same-origin (cookies go to the app's own origin).
    res = await (config.fetch ?? fetch).call(globalThis, base() + path, {
      ...init,
      headers,
    });
  } catch (e) {
    throw new MizanError(
      "NETWORK_ERROR",
      e instanceof Error ? e.message : String(e),
    );
  }
  if (!res.ok) throw await toError(res);
  return res.json();
}

// Blob is global in browsers and in Node 18 and later.
const isBlob = (v: unknown): v is Blob => v instanceof Blob;

/** Query string of context params: strings as they are, numbers and booleans in decimal,
 * anything else as compact JSON; keys sorted. */
export function queryString(params: Params): string {
  const q = Object.keys(params)
    .sort()
    .filter((k) => params[k] !== undefined)
    .map((k) => {
      const v = params[k];
      // Objects, arrays and null as JSON; strings, numbers and booleans as themselves.
      const text = typeof v == "object" ? JSON.stringify(v) : String(v);
      return encodeURIComponent(k) + "=" + encodeURIComponent(text);
    })
    .join("&");
  return q && "?" + q;
}

export const httpTransport: MizanTransport = {
  call(fn, args, options) {
    const headers: Record<string, string> = {};
    const { cookieName = "csrftoken", headerName = "X-CSRFToken" } =
      config.csrf ?? {};
    const token = cookie(cookieName);
    if (token) headers[headerName] = token;
    let body: BodyInit;
    if (options.upload) {
      const form = new FormData();
      const rest: Params = {};
      const files: [string, Blob][] = [];
      for (const [k, v] of Object.entries(args)) {
        const list =
          Array.isArray(v) && v.length && v.every(isBlob)
            ? v
            : isBlob(v)
              ? [v]
              : null;
        if (list) for (const f of list) files.push([k, f]);
        else rest[k] = v;
      }
      form.append("fn", fn);
      form.append("args", JSON.stringify(rest));
      for (const [k, f] of files) form.append(k, f);
      body = form;
    } else {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify({ fn, args });
    }
    return request("/call/", {
      method: "POST",
      headers,
      body,
    }) as Promise<CallEnvelope>;
  },
  fetch: (context, params) =>
    request(
      "/ctx/" + encodeURIComponent(context) + "/" + queryString(params),
      {},
    ),
};

/** Sets the CSRF cookie (GET /session/); call once before the first mutation of a
 * cookie-authenticated session. */
export async function initSession(): Promise<void> {
  await request("/session/", {});
}

// ---- calls and fetches ----------------------------------------------------------------------

const transport = (): MizanTransport => config.transport ?? httpTransport;

/** Calls a server function, then applies the merges and invalidations it announces. Never
 * retried: a mutation must not run twice. */
export async function mizanCall<R>(
  fn: string,
  args: object = {},
  options: CallOptions = {},
): Promise<R> {
  const a = args as Params;
  const envelope = await (options.websocket
    ? wsCall(fn, a)
    : transport().call(fn, a, options));
  if (envelope.merge)
    for (const m of envelope.merge)
      spliceSlot(m.context, m.slot, m.value, m.params);
  if (envelope.invalidate) invalidate(envelope.invalidate);
  return envelope.result as R;
}

const inflight = new Map<string, Promise<unknown>>();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Fetches one context bundle. Identical concurrent fetches share one request (`fresh` starts
 * a new one, which later fetches share instead); network errors and 5xx answers are retried
 * twice (after about 200 ms, then 400 ms). */
export function mizanFetch<D>(
  context: string,
  params: object = {},
  fresh = false,
): Promise<D> {
  const key = context + stableKey(params);
  let p = fresh ? undefined : inflight.get(key);
  if (!p) {
    p = (async () => {
      for (let attempt = 0; ; attempt++) {
        try {
          return await transport().fetch(context, params as Params);
        } catch (e) {
          if (
            attempt > 1 ||
            !(e instanceof MizanError) ||
            (e.status && e.status < 500)
          )
            throw e;
          await sleep(200 << attempt);
        }
      }
    })().finally(() => {
      if (inflight.get(key) == p) inflight.delete(key);
    });
    inflight.set(key, p);
  }
  return p as Promise<D>;
}

// ---- the context registry -------------------------------------------------------------------

interface Entry {
  context: string;
  params: Params;
  key: string;
  state: ContextState;
  listeners: Set<() => void>;
  mounts: number;
  /** Number of the newest request; an older answer is dropped. */
  seq: number;
}

const entries = new Map<string, Entry>();
let ssr: Record<string, Record<string, unknown>> | undefined;

function setState(entry: Entry, state: ContextState): void {
  entry.state = state;
  for (const listener of entry.listeners) listener();
}

/** (Re)fetches an entry. Only the first load may join a fetch already in flight: a refetch must
 * not be answered by a request sent before whatever made it necessary. */
async function load(entry: Entry): Promise<void> {
  const seq = ++entry.seq;
  setState(entry, { ...entry.state, status: "loading" });
  try {
    const data = await mizanFetch(entry.context, entry.params, seq > 1);
    if (seq == entry.seq)
      setState(entry, { data, status: "success", error: null });
  } catch (e) {
    const error =
      e instanceof MizanError ? e : new MizanError("CLIENT_ERROR", String(e));
    if (seq == entry.seq)
      setState(entry, { ...entry.state, status: "error", error });
  }
}

/** Server-rendered bundles: {contexts: {<context>: {<stableKey(params)>: bundle}}}. Entries
 * registered with those params start in "success" and do not fetch. */
export function hydrate(data: {
  contexts?: Record<string, Record<string, unknown>>;
}): void {
  ssr ??= {};
  for (const [context, bundles] of Object.entries(data.contexts ?? {}))
    ssr[context] = { ...ssr[context], ...bundles };
}

function entryFor(context: string, params: object): Entry {
  const key = context + stableKey(params);
  let entry = entries.get(key);
  if (!entry) {
    const win = (
      globalThis as { __MIZAN_SSR_DATA__?: Parameters<typeof hydrate>[0] }
    ).__MIZAN_SSR_DATA__;
    if (!ssr && win) hydrate(win);
    const bundles = ssr?.[context];
    const paramsKey = stableKey(params);
    const data = bundles?.[paramsKey];
    if (bundles) delete bundles[paramsKey];
    entry = {
      context,
      params: params as Params,
      key,
      state: {
        data: data ?? null,
        status: data === undefined ? "idle" : "success",
        error: null,
      },
      listeners: new Set(),
      mounts: 0,
      seq: 0,
    };
    entries.set(key, entry);
  }
  return entry;
}

function observe<D>(e: Entry): ContextObserver<D> {
  return {
    getState: () => e.state as ContextState<D>,
    subscribe(listener) {
      e.listeners.add(listener);
      return () => e.listeners.delete(listener);
    },
  };
}

/** Reads a context bundle without mounting it: no request, no reference count. Renders use it
 * (server rendering included); mounting is registerContext()'s job. */
export function observeContext<D>(
  context: string,
  params: object = {},
): ContextObserver<D> {
  return observe(entryFor(context, params));
}

/** Registers a mounted user of a context bundle; the first registration fetches it. Entries are
 * shared by context and params, and counted: unregister() when unmounting. */
export function registerContext<D>(
  context: string,
  params: object = {},
): ContextHandle<D> {
  const e = entryFor(context, params);
  e.mounts++;
  if (e.state.status == "idle") void load(e);
  let mounted = true;
  return {
    ...observe<D>(e),
    refetch: () => load(e),
    unregister() {
      if (mounted) {
        mounted = false;
        e.mounts--;
      }
    },
  };
}

const contains = (params: Params, subset: Params): boolean =>
  Object.entries(subset).every(
    ([k, v]) =>
      stableKey(params[k]) == stableKey(v) || String(params[k]) == String(v),
  );

let pending: Invalidation[] | undefined;

/** Invalidates context bundles. Invalidations made in the same tick are collected; then every
 * matching mounted entry is refetched once, and matching unmounted entries are evicted. */
export function invalidate(list: Invalidation[]): void {
  if (!pending) {
    pending = [];
    queueMicrotask(() => {
      const batch = pending ?? [];
      pending = undefined;
      const hit = new Set<Entry>();
      for (const inv of batch)
        for (const entry of entries.values())
          if (
            typeof inv == "string"
              ? entry.context == inv
              : entry.context == inv.context &&
                (!inv.params || contains(entry.params, inv.params))
          )
            hit.add(entry);
      for (const entry of hit) {
        if (entry.mounts > 0) void load(entry);
        else entries.delete(entry.key);
      }
    });
  }
  pending.push(...list);
}

/** Replaces one slot in every cached bundle of a context (those whose params contain `params`,
 * or all), without a request. Returns a function that restores what was replaced. */
export function spliceSlot(
  context: string,
  slot: string,
  value: unknown,
  params?: object,
): () => void {
  const undo: [Entry, ContextState][] = [];
  for (const entry of entries.values()) {
    if (
      entry.context == context &&
      isObject(entry.state.data) &&
      (!params || contains(entry.params, params as Params))
    ) {
      undo.push([entry, entry.state]);
      setState(entry, {
        ...entry.state,
        data: { ...entry.state.data, [slot]: value },
      });
    }
  }
  return () => {
    for (const [entry, state] of undo) setState(entry, state);
  };
}

// ---- WebSocket: calls and channels -----------------------------------------------------------

interface Frame {
  id?: number;
  sub?: number;
  result?: unknown;
  invalidate?: Invalidation[];
  merge?: MergeEntry[];
  error?: Params;
  message?: unknown;
  subscribed?: boolean;
}
interface Channel {
  channel: string;
  params: Params;
  listeners: Set<(message: unknown) => void>;
  /** The server's id of the current subscription; changes when the socket reconnects. */
  sub: number | undefined;
  /** Settles when the current subscribe request is answered. */
  ready?: Promise<void>;
}

let socket: Promise<WebSocket> | undefined;
let nextId = 1;
let retries = 0;
const replies = new Map<number, (frame: Frame) => void>();
const channels = new Map<string, Channel>();

/** Opens the app's socket. Browsers cannot set headers on a WebSocket, so the `X-Mizan-Token`
 * of `getHeaders()` goes along as `?token=`; cookies go as they do with HTTP. */
function connect(): Promise<WebSocket> {
  const current: Promise<WebSocket> = (socket ??= (async () => {
    const token = (await config.getHeaders?.())?.["X-Mizan-Token"];
    const url = new URL(
      base() + "/ws/",
      globalThis.location?.href ?? "http://localhost/",
    );
    url.protocol = url.protocol.replace("http", "ws");
    if (token) url.searchParams.set("token", token);
    const ws = new (config.WebSocket ?? WebSocket)(url.href);
    return new Promise<WebSocket>((resolve, reject) => {
      ws.onopen = () => {
        retries = 0;
        resolve(ws);
      };
      ws.onmessage = (event) => {
        const frame = JSON.parse(String(event.data)) as Frame;
        if (frame.id === undefined) {
          for (const ch of channels.values())
            if (ch.sub === frame.sub)
              for (const l of ch.listeners) l(frame.message);
        } else {
          replies.get(frame.id)?.(frame);
          replies.delete(frame.id);
        }
      };
      ws.onclose = () => {
        reject(closed);
        // A socket that disconnect() replaced has already failed its calls.
        if (socket != current) return;
        socket = undefined;
        failCalls();
        // Channels survive a dropped socket: reconnect with backoff and subscribe again.
        if (channels.size)
          setTimeout(
            () => {
              for (const ch of channels.values()) void resubscribe(ch);
            },
            Math.min(30000, 250 << retries++),
          );
      };
    });
  })());
  return current;
}

const closed = new MizanError("NETWORK_ERROR", "WebSocket closed");

/** Fails every call waiting for an answer on the socket. */
function failCalls(): void {
  for (const reply of replies.values())
    reply({ error: closed as unknown as Params });
  replies.clear();
}

async function send(
  frame: Params,
  onId?: (id: number) => void,
): Promise<Frame> {
  const ws = await connect();
  const id = nextId++;
  onId?.(id);
  return new Promise((resolve) => {
    replies.set(id, resolve);
    ws.send(JSON.stringify({ id, ...frame }));
  });
}

function check(frame: Frame): Frame {
  const e = frame.error;
  if (e)
    throw new MizanError(
      String(e["code"]),
      String(e["message"] ?? ""),
      0,
      e["details"] ?? null,
    );
  return frame;
}

async function wsCall(fn: string, args: Params): Promise<CallEnvelope> {
  const { result, invalidate, merge } = check(
    await send({ op: "call", fn, args }),
  );
  return { result, ...(invalidate && { invalidate }), ...(merge && { merge }) };
}

/** Subscribes a channel on the current socket. The subscription's id is the subscribe frame's
 * id, known before the answer, so messages that follow the answer at once are not missed. */
function resubscribe(ch: Channel): Promise<void> {
  ch.sub = undefined;
  const failed = () => (ch.sub = undefined);
  return (ch.ready = send(
    { op: "subscribe", channel: ch.channel, params: ch.params },
    (id) => (ch.sub = id),
  ).then((frame) => void (frame.error && failed()), failed));
}

/** Receives a channel's messages, in order. */
export type ChannelListener<M> = (message: M) => void;

export interface ChannelSubscription<C = unknown> {
  /** Settles once the server has answered the subscribe request. */
  ready: Promise<void>;
  /** Sends a client message on the subscription (channels that declare one). */
  send(message: C): Promise<void>;
  /** Stops listening; the server subscription ends with its last listener. */
  close(): void;
}

/** Subscribes to a channel. Listeners with the same channel and params share one server
 * subscription on one socket, which reconnects with backoff and resubscribes. */
export function subscribeChannel<M = unknown, C = unknown>(
  channel: string,
  params: object,
  listener: ChannelListener<M>,
): ChannelSubscription<C> {
  const key = channel + stableKey(params);
  const l = listener as (message: unknown) => void;
  let ch = channels.get(key);
  if (!ch) {
    ch = {
      channel,
      params: params as Params,
      listeners: new Set(),
      sub: undefined,
    };
    channels.set(key, ch);
    void resubscribe(ch);
  }
  const c = ch;
  c.listeners.add(l);
  return {
    ready: c.ready ?? Promise.resolve(),
    async send(message) {
      await c.ready;
      if (c.sub === undefined)
        throw new MizanError("NOT_SUBSCRIBED", "the channel is not subscribed");
      check(await send({ op: "send", sub: c.sub, message }));
    },
    close() {
      c.listeners.delete(l);
      if (!c.listeners.size && channels.get(key) == c) {
        channels.delete(key);
        if (c.sub !== undefined)
          void send({ op: "unsubscribe", sub: c.sub }).catch(() => undefined);
      }
    },
  };
}

/** Closes the app's WebSocket and ends every channel subscription (for example on sign-out, so
 * that the next socket carries the new credentials). Calls reconnect on demand. */
export function disconnect(): void {
  const old = socket;
  socket = undefined;
  channels.clear();
  failCalls();
  void old?.then((ws) => ws.close());
}
