// The kernel against the misbehaving server (misbehaving-server.ts), one case per failure path.
// Each case runs the real kernel with the runtime's own fetch and WebSocket and reports how its
// promise settled as plain data, so that the same cases run in Node (kernel/misbehaving.test.ts)
// and in Chromium (browser/misbehaving.test.ts, through browser/kernel-page.ts), and both assert
// the same `expected` outcomes.
import type * as Kernel from "../../runtime/kernel.ts";

/** How a case's promise settled. `cause` is the name of the error's `cause` (what failed
 * underneath); `pending` means it had not settled after GUARD_MS. */
export interface Outcome {
  settled: "resolved" | "rejected" | "pending";
  value?: unknown;
  mizan?: boolean;
  name?: string | undefined;
  code?: string | undefined;
  status?: number | undefined;
  cause?: string | undefined;
  /** Milliseconds until it settled. */
  ms: number;
  /** Case-specific observations. */
  extra?: Record<string, unknown>;
}

export interface Env {
  k: typeof Kernel;
  /** The misbehaving server. */
  server: string;
  /** An address where connections are refused. */
  closed: string;
}

/** Limits of every client the cases make: short, so that the suite stays quick. */
export const LIMIT_MS = 300;
/** A case still pending after this long reports `pending` (the kernel has no limit there). */
const GUARD_MS = 5000;

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function settle(env: Env, p: Promise<unknown>, extra?: () => Record<string, unknown> | Promise<Record<string, unknown>>): Promise<Outcome> {
  const began = Date.now();
  const pending = Symbol("pending");
  let timer: ReturnType<typeof setTimeout> | undefined;
  const guard = new Promise<typeof pending>((r) => (timer = setTimeout(() => r(pending), GUARD_MS)));
  let out: Omit<Outcome, "ms">;
  try {
    const v = await Promise.race([p, guard]);
    out = v === pending ? { settled: "pending" } : { settled: "resolved", value: v };
  } catch (e) {
    const err = e as { name?: string; code?: string; status?: number; cause?: { name?: string; type?: string; constructor?: { name?: string } } };
    const c = err.cause;
    out = {
      settled: "rejected",
      mizan: e instanceof env.k.MizanError,
      name: err.name,
      code: err.code,
      status: err.status,
      // An Error's name, or the type of a socket's event ("error", "close").
      cause: c === undefined ? undefined : (c.type ?? c.name ?? c.constructor?.name),
    };
  } finally {
    clearTimeout(timer);
  }
  return { ...out, ms: Date.now() - began, ...(extra ? { extra: await extra() } : {}) };
}

const client = (env: Env, path: string, config: Kernel.MizanConfig = {}) =>
  env.k.createMizanClient({ baseUrl: env.server + path, timeout: LIMIT_MS, connectTimeout: LIMIT_MS, ...config });

/** A WebSocket constructor that counts the sockets it makes. */
function counting(): { WebSocket: new (url: string) => WebSocket; made: number } {
  const counter = { made: 0, WebSocket: undefined as unknown as new (url: string) => WebSocket };
  counter.WebSocket = class extends WebSocket {
    constructor(url: string) {
      super(url);
      counter.made++;
    }
  };
  return counter;
}

/** Runs `p` to its end, then disconnects `c` (so that no socket outlives the case). */
async function ending(env: Env, c: Kernel.MizanClient, p: Promise<unknown>, extra?: () => Record<string, unknown> | Promise<Record<string, unknown>>): Promise<Outcome> {
  try {
    return await settle(env, p, extra);
  } finally {
    c.disconnect();
  }
}

/** Each case: what it does, by name. The names are the test names. */
export const cases: Record<string, (env: Env) => Promise<Outcome>> = {
  "HTTP 2xx with an HTML page": (env) => settle(env, client(env, "/html").call("f")),
  "HTTP 2xx with an empty body": (env) => settle(env, client(env, "/empty").call("f")),
  "HTTP 2xx null where a call envelope is expected": (env) => settle(env, client(env, "/null").call("f")),
  "HTTP 2xx null where a context bundle is expected": (env) => settle(env, client(env, "/null").fetch("global")),
  "HTTP 2xx {} where a call envelope is expected": (env) => settle(env, client(env, "/object").call("f")),
  "HTTP 2xx body cut off (Content-Length larger than what came)": (env) => settle(env, client(env, "/cut").call("f")),
  "HTTP connection reset before any answer": (env) => settle(env, client(env, "/reset").call("f")),
  "HTTP connection refused": (env) => settle(env, env.k.createMizanClient({ baseUrl: env.closed, timeout: LIMIT_MS }).call("f")),
  "HTTP silent server: a call times out": (env) => settle(env, client(env, "/silent").call("f")),
  "HTTP silent server: a context fetch times out, once (not retried)": async (env) => {
    const outcome = await settle(env, client(env, "/silent-fetch").fetch("global"));
    await pause(800); // a retry would come after 200 ms
    const requests = (await (await fetch(`${env.server}/requests/silent-fetch`)).json()) as number;
    return { ...outcome, extra: { requests } };
  },
  "HTTP silent server: the per-call timeout wins over the client's": (env) =>
    settle(env, client(env, "/silent", { timeout: 0 }).call("f", {}, { timeout: 100 })),
  "HTTP silent server: a caller's abort stays an abort, not a TIMEOUT": (env) => {
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 100);
    return settle(env, client(env, "/silent", { timeout: 2000 }).call("f", {}, { signal: abort.signal }));
  },
  "WebSocket silent on connect: a call times out": (env) => {
    const c = client(env, "/hang", { timeout: 5000 });
    return ending(env, c, c.call("f", {}, { websocket: true }));
  },
  "WebSocket silent on call: the call times out": (env) => {
    const c = client(env, "/mute");
    return ending(env, c, c.call("f", {}, { websocket: true }));
  },
  "WebSocket non-JSON text frame: ignored, the call times out": (env) => {
    const c = client(env, "/junk");
    return ending(env, c, c.call("f", {}, { websocket: true }));
  },
  "WebSocket non-JSON text frame: ignored, the real answer that follows resolves the call": (env) => {
    const c = client(env, "/junk");
    return ending(env, c, c.call("answer", {}, { websocket: true }));
  },
  "WebSocket binary frame: ignored, the call times out": (env) => {
    const c = client(env, "/binary");
    return ending(env, c, c.call("f", {}, { websocket: true }));
  },
  "WebSocket refused: a pending call fails at once, one socket, no reconnect without channels": async (env) => {
    const counter = counting();
    const c = env.k.createMizanClient({ baseUrl: env.closed, WebSocket: counter.WebSocket });
    return ending(env, c, c.call("f", {}, { websocket: true }), async () => {
      await pause(600);
      return { sockets: counter.made };
    });
  },
  "WebSocket refused with a channel: one reconnect per failure, with backoff, status connecting": async (env) => {
    const counter = counting();
    const c = env.k.createMizanClient({ baseUrl: env.closed, WebSocket: counter.WebSocket });
    const statuses: string[] = [];
    const sub = c.subscribe("chat", { room: "r" }, () => {}, { onStatus: (s) => statuses.push(s) });
    // Attempts at 0, then after 125–250, 250–500 and 500–1000 ms more: 3 or 4 within 1.2 s. A
    // socket failure counted twice ("error" and "close") would make about twice as many.
    await pause(1200);
    const made = counter.made;
    const call = c.call("f", {}, { websocket: true });
    return ending(env, c, call, () => ({ sockets: made, statuses, status: sub.status() }));
  },
  "WebSocket repeated failure (503 on upgrade): growing, jittered delays": async (env) => {
    const c = client(env, "/refuse");
    const statuses: string[] = [];
    c.subscribe("chat", { room: "r" }, () => {}, { onStatus: (s) => statuses.push(s) });
    const attempts = async () => (await (await fetch(`${env.server}/attempts/refuse`)).json()) as number[];
    const began = Date.now();
    while ((await attempts()).length < 4 && Date.now() - began < GUARD_MS) await pause(50);
    const times = await attempts();
    c.disconnect();
    return {
      settled: "resolved",
      ms: Date.now() - began,
      extra: { gaps: times.slice(1).map((t, i) => t - times[i]!), statuses },
    };
  },
};

/** What each case must give (the listed fields of its Outcome). */
export const expected: Record<string, Partial<Outcome>> = {
  "HTTP 2xx with an HTML page": { settled: "rejected", mizan: true, code: "BAD_RESPONSE", status: 200, cause: "SyntaxError" },
  "HTTP 2xx with an empty body": { settled: "rejected", mizan: true, code: "BAD_RESPONSE", status: 200, cause: "SyntaxError" },
  "HTTP 2xx null where a call envelope is expected": { settled: "rejected", mizan: true, code: "BAD_RESPONSE" },
  "HTTP 2xx null where a context bundle is expected": { settled: "rejected", mizan: true, code: "BAD_RESPONSE" },
  "HTTP 2xx {} where a call envelope is expected": { settled: "rejected", mizan: true, code: "BAD_RESPONSE" },
  "HTTP 2xx body cut off (Content-Length larger than what came)": { settled: "rejected", mizan: true, code: "NETWORK_ERROR", cause: "TypeError" },
  "HTTP connection reset before any answer": { settled: "rejected", mizan: true, code: "NETWORK_ERROR", status: 0, cause: "TypeError" },
  "HTTP connection refused": { settled: "rejected", mizan: true, code: "NETWORK_ERROR", status: 0, cause: "TypeError" },
  "HTTP silent server: a call times out": { settled: "rejected", mizan: true, code: "TIMEOUT", status: 0 },
  "HTTP silent server: a context fetch times out, once (not retried)": { settled: "rejected", mizan: true, code: "TIMEOUT", extra: { requests: 1 } },
  "HTTP silent server: the per-call timeout wins over the client's": { settled: "rejected", mizan: true, code: "TIMEOUT" },
  "HTTP silent server: a caller's abort stays an abort, not a TIMEOUT": { settled: "rejected", mizan: false, name: "AbortError" },
  "WebSocket silent on connect: a call times out": { settled: "rejected", mizan: true, code: "TIMEOUT" },
  "WebSocket silent on call: the call times out": { settled: "rejected", mizan: true, code: "TIMEOUT" },
  "WebSocket non-JSON text frame: ignored, the call times out": { settled: "rejected", mizan: true, code: "TIMEOUT" },
  "WebSocket non-JSON text frame: ignored, the real answer that follows resolves the call": { settled: "resolved", value: "ok" },
  "WebSocket binary frame: ignored, the call times out": { settled: "rejected", mizan: true, code: "TIMEOUT" },
  "WebSocket refused: a pending call fails at once, one socket, no reconnect without channels": {
    settled: "rejected",
    mizan: true,
    code: "NETWORK_ERROR",
    status: 0,
    cause: "error",
    extra: { sockets: 1 },
  },
  "WebSocket refused with a channel: one reconnect per failure, with backoff, status connecting": { settled: "rejected", mizan: true, code: "NETWORK_ERROR" },
  "WebSocket repeated failure (503 on upgrade): growing, jittered delays": { settled: "resolved" },
};

/** Checks beyond `expected` that need a computation; throws with a message when one fails. */
export function checkMore(name: string, o: Outcome): void {
  const fail = (why: string) => {
    throw new Error(`${name}: ${why} (${JSON.stringify(o)})`);
  };
  if (o.code === "TIMEOUT" && name.includes("silent") && !name.includes("per-call") && o.ms < LIMIT_MS - 20) fail("timed out before the limit");
  if (name.includes("per-call") && (o.ms < 80 || o.ms > 250)) fail("the per-call limit (100 ms) was not the one applied");
  if (name.startsWith("WebSocket silent on connect") && o.ms > 2000) fail("the connect limit (300 ms) was not applied");
  if (name.startsWith("WebSocket refused with a channel")) {
    const { sockets, statuses, status } = o.extra as { sockets: number; statuses: string[]; status: string };
    if (sockets < 2 || sockets > 4) fail(`expected 2 to 4 attempts in 1.2 s, saw ${sockets}`);
    if (status !== "connecting" || statuses.includes("error")) fail("the channel should stay connecting while it retries");
  }
  if (name.startsWith("WebSocket repeated failure")) {
    const { gaps, statuses } = o.extra as { gaps: number[]; statuses: string[] };
    if (gaps.length < 3) fail("fewer than four attempts");
    // Step n waits between half and all of 250·2ⁿ ms (timers may fire a little late, never early).
    gaps.slice(0, 3).forEach((gap, n) => {
      const step = 250 * 2 ** n;
      if (gap < step / 2 - 15) fail(`delay ${n} is ${gap} ms, under ${step / 2}`);
      if (gap > step + 400) fail(`delay ${n} is ${gap} ms, far over ${step}`);
    });
    if (statuses.includes("error")) fail("the channel should stay connecting");
  }
}
