// Shared helpers of the React end-to-end tests (react/*.test.tsx): a fetch that records (and can
// hold or fail) every request the generated client makes to a real mizan-reference-backend, a
// <MizanContext> that remembers its QueryClient so each test can clear it, and small waits.

import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { createHmac } from "node:crypto";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { QueryClient } from "@tanstack/react-query";
import { act, cleanup, waitFor, within } from "@testing-library/react";
import { Component, type ReactNode } from "react";

import * as api from "../.generated/reference-3.1/index.ts";

/** The reference backend started by run.mjs (or by hand), and the client's mount on it. */
export const MIZAN_URL = process.env["MIZAN_URL"] ?? "";
export function mount(url = MIZAN_URL): string {
  assert.ok(url, "MIZAN_URL is not set: run.mjs starts a reference backend and sets it");
  return url + "/api/mizan";
}

/** One request the client made, as the recording fetch saw it. */
export interface Sent {
  method: string;
  origin: string;
  /** Path under the mount: "/ctx/user/", "/call/". */
  path: string;
  /** The query string's params (context params). */
  query: Record<string, string>;
  /** The called function (POST /call/). */
  fn?: string;
  args?: Record<string, unknown>;
  signal: AbortSignal | undefined;
  /** The signal was already aborted when fetch was called: nothing went out. */
  abortedAtStart: boolean;
  /** Settled: answered, failed or aborted. */
  done: boolean;
  /** The HTTP status of the answer the client got (0 when none). */
  status: number;
}

interface Rule {
  match: (s: Sent) => boolean;
  open: Promise<void>;
  /** Forward to the server first and hold its answer (instead of holding the request). */
  after: boolean;
  /** Keep going when the client aborts: the (late) answer is delivered all the same. */
  ignoreAbort: boolean;
  /** Instead of the server's answer. */
  answer?: () => Response | Promise<Response>;
  seen: (s: Sent) => void;
  answered: () => void;
}

export interface Hold {
  /** Lets the held request (or answer) through. */
  release(): void;
  /** Resolves with the request once it has been made (rejects if it is not made within 5 s). */
  seen: Promise<Sent>;
  /** With `after`: resolves once the server has answered (the answer is then held). */
  answered: Promise<void>;
}

export interface HoldOptions {
  after?: boolean;
  ignoreAbort?: boolean;
  answer?: () => Response | Promise<Response>;
}

const abortedBy = (signal: AbortSignal): Promise<never> =>
  new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });

/** A fetch over the real global fetch that records every request. `hold(match, options)` keeps the
 * next matching request (or, with `after`, the server's answer to it) back until released, and can
 * deliver it although the client aborted (`ignoreAbort`) or answer it instead of the server
 * (`answer`, which may reject like a network failure). */
export function recorder() {
  const sent: Sent[] = [];
  const rules: Rule[] = [];
  const real = globalThis.fetch;

  async function recording(this: unknown, input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const url = new URL(String(input));
    const base = url.pathname.indexOf("/api/mizan");
    const s: Sent = {
      method: init?.method ?? "GET",
      origin: url.origin,
      path: base >= 0 ? url.pathname.slice(base + "/api/mizan".length) : url.pathname,
      query: Object.fromEntries(url.searchParams),
      signal: init?.signal ?? undefined,
      abortedAtStart: init?.signal?.aborted ?? false,
      done: false,
      status: 0,
    };
    if (typeof init?.body === "string") {
      const body = JSON.parse(init.body) as { fn: string; args: Record<string, unknown> };
      s.fn = body.fn;
      s.args = body.args;
    }
    sent.push(s);
    const i = rules.findIndex((r) => r.match(s));
    const rule = i >= 0 ? rules.splice(i, 1)[0] : undefined;
    rule?.seen(s);
    try {
      const signal = init?.signal ?? undefined;
      const wait = (p: Promise<unknown>) => (rule?.ignoreAbort || !signal ? p : Promise.race([p, abortedBy(signal)]));
      if (rule && !rule.after) await wait(rule.open);
      const forward = rule?.ignoreAbort ? { ...init, signal: null } : init;
      const res = rule?.answer ? await rule.answer() : await real.call(globalThis, input, forward);
      rule?.answered();
      if (rule?.after) await wait(rule.open);
      s.status = res.status;
      return res;
    } finally {
      s.done = true;
    }
  }

  return {
    fetch: recording as typeof fetch,
    sent,
    /** Requests that reached the network (not aborted before they were made). */
    made: () => sent.filter((s) => !s.abortedAtStart),
    /** GET /ctx/<context>/ requests (with these params when given). */
    gets(context: string, params?: Record<string, unknown>, origin?: string): Sent[] {
      return sent.filter(
        (s) =>
          !s.abortedAtStart &&
          s.method === "GET" &&
          s.path === `/ctx/${context}/` &&
          (!origin || s.origin === origin) &&
          Object.entries(params ?? {}).every(([k, v]) => s.query[k] === String(v)),
      );
    },
    /** POST /call/ requests (of this function when given). */
    posts(fn?: string): Sent[] {
      return sent.filter((s) => !s.abortedAtStart && s.method === "POST" && (!fn || s.fn === fn));
    },
    pending: () => sent.filter((s) => !s.done).length,
    hold(match: (s: Sent) => boolean, options: HoldOptions = {}): Hold {
      let release!: () => void;
      const open = new Promise<void>((r) => (release = r));
      let seen!: (s: Sent) => void;
      const seenP = new Promise<Sent>((r) => (seen = r));
      let answered!: () => void;
      const answeredP = new Promise<void>((r) => (answered = r));
      rules.push({
        match,
        open,
        after: options.after ?? false,
        ignoreAbort: options.ignoreAbort ?? false,
        ...(options.answer && { answer: options.answer }),
        seen,
        answered,
      });
      return {
        release,
        get seen() {
          return bounded(seenP, "the held request was never made");
        },
        get answered() {
          return bounded(answeredP, "the held request was never answered");
        },
      };
    },
  };
}
export type Recorder = ReturnType<typeof recorder>;

/** Matches GET /ctx/<context>/ (with these params). */
export const isGet =
  (context: string, params: Record<string, unknown> = {}) =>
  (s: Sent): boolean =>
    s.method === "GET" && s.path === `/ctx/${context}/` && Object.entries(params).every(([k, v]) => s.query[k] === String(v));
/** Matches POST /call/ of `fn`. */
export const isPost =
  (fn: string) =>
  (s: Sent): boolean =>
    s.method === "POST" && s.fn === fn;

/** A client of the real backend whose requests `r` records. */
export function clientOf(r: Recorder, extra: api.MizanConfig = {}, url = MIZAN_URL): api.MizanClient {
  return api.createMizanClient({ baseUrl: mount(url), fetch: r.fetch, ...extra });
}

/** A client of the real backend that records nothing: for setting the backend's data up. */
export const direct = (extra: api.MizanConfig = {}, url = MIZAN_URL): api.MizanClient => api.createMizanClient({ baseUrl: mount(url), ...extra });

/** Sets a user's name on the backend (a test must not depend on what earlier runs left). */
export async function nameUser(user_id: number, name: string, url = MIZAN_URL): Promise<void> {
  await api.callRenameUser({ user_id, name }, { client: direct({}, url) });
}

// ---- QueryClients: every one a test makes is cleared after it -----------------------------------

const queryClients = new Set<QueryClient>();

/** A QueryClient (TanStack's defaults) that is cleared after each test. */
export function newQueryClient(): QueryClient {
  const qc = new QueryClient();
  queryClients.add(qc);
  return qc;
}

/** Records the root's QueryClient (also one the root made itself). */
function Track() {
  queryClients.add(api.useMizan().queryClient);
  return null;
}

/** <MizanContext> that registers its QueryClient for clearing. */
export function Root({ children, ...props }: api.MizanContextProps) {
  return (
    <api.MizanContext {...props}>
      <Track />
      {children}
    </api.MizanContext>
  );
}

/** For afterEach: unmount everything, then clear every QueryClient (their gc timers would keep
 * Node alive) and forget server-rendered data. */
export function tidy(): void {
  cleanup();
  for (const qc of queryClients) qc.clear();
  queryClients.clear();
  delete (window as { __MIZAN_SSR_DATA__?: unknown }).__MIZAN_SSR_DATA__;
}

// ---- waiting ---------------------------------------------------------------------------------------

/** waitFor with a bound that suits a real backend. */
export const until = <T,>(check: () => T | Promise<T>, timeout = 5000): Promise<T> => waitFor(check, { timeout });

/** `promise`, or a rejection after `ms` (nothing a test awaits may hang it). */
export function bounded<T>(promise: Promise<T>, what: string, ms = 5000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** One macrotask (inside act, so that what it lets happen is flushed). */
export const tick = (): Promise<void> => act(() => new Promise<void>((r) => setTimeout(r, 0)));

/** Waits until nothing is in flight: no request unanswered, no query fetching, no mutation pending
 * (in the QueryClients of this file and `more`),
 * three times in a row a macrotask apart (an invalidation is applied a microtask after its call). */
export async function settle(r: Recorder, ...more: QueryClient[]): Promise<void> {
  const qcs = [...queryClients, ...more];
  const quiet = () => r.pending() === 0 && qcs.every((qc) => qc.isFetching() === 0 && qc.isMutating() === 0);
  for (let calm = 0; calm < 3; ) {
    await until(() => assert.ok(quiet(), "requests still in flight"));
    await tick();
    calm = quiet() ? calm + 1 : 0;
  }
}

// ---- DOM -------------------------------------------------------------------------------------------

export const screen = {
  getByTestId: (id: string) => within(document.body).getByTestId(id),
  queryByTestId: (id: string) => within(document.body).queryByTestId(id),
  getByText: (t: string | RegExp) => within(document.body).getByText(t),
};
export const text = (id: string): string | null => screen.getByTestId(id).textContent;

/** An error boundary that shows the error's message and keeps the error. */
export class Catch extends Component<{ children: ReactNode; onError?: (e: unknown) => void }, { error: string | null }> {
  override state = { error: null as string | null };
  static getDerivedStateFromError(e: unknown) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
  override componentDidCatch(e: unknown) {
    this.props.onError?.(e);
  }
  override render() {
    return this.state.error !== null ? <pre data-testid="caught">{this.state.error}</pre> : this.props.children;
  }
}

/** Runs `f` with console.error silenced (React logs every error a boundary catches). */
export async function quietly<T>(f: () => Promise<T>): Promise<T> {
  const error = console.error;
  console.error = () => undefined;
  try {
    return await f();
  } finally {
    console.error = error;
  }
}

// ---- auth ------------------------------------------------------------------------------------------

const secret = process.env["MIZAN_MWT_SECRET"] ?? "dev-mwt-secret";
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");

/** An MWT for user `sub`, signed with the backend's secret (run.mjs passes it in MIZAN_MWT_SECRET). */
export function mwt(sub: number): string {
  const now = Math.floor(Date.now() / 1000);
  const head = b64({ alg: "HS256", typ: "JWT", kid: "mwt-1" }) + "." + b64({ sub: String(sub), iat: now, nbf: now, exp: now + 300, aud: "mizan", staff: false, super: false, pkey: "" });
  return head + "." + createHmac("sha256", secret).update(head).digest("base64url");
}

// ---- a backend of one's own --------------------------------------------------------------------------

/** The repository's root: the nearest folder above this (bundled) file with a Cargo.toml. */
function repo(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "Cargo.toml")) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/** Starts another reference backend on an ephemeral port (30 s at most); `stop()` kills it. */
export async function startBackend(): Promise<{ url: string; stop: () => Promise<void> }> {
  const bin = process.env["MIZAN_REFERENCE_BACKEND"] ?? join(repo(), "target", "debug", "mizan-reference-backend");
  const child: ChildProcess = spawn(bin, ["serve", "--addr", "127.0.0.1:0"], {
    env: { ...process.env, MIZAN_MWT_SECRET: secret },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    await exited;
  };
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let seen = "";
      const timer = setTimeout(() => reject(new Error(`${bin} did not start in 30 s`)), 30_000);
      child.stdout?.on("data", (chunk: Buffer) => {
        seen += String(chunk);
        const m = /listening on (http:\/\/\S+)/.exec(seen);
        if (m?.[1]) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      child.once("error", (e) => (clearTimeout(timer), reject(e)));
      child.once("exit", (code) => (clearTimeout(timer), reject(new Error(`${bin} exited (${code}) before listening`))));
    });
    child.stdout?.resume();
    return { url, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
