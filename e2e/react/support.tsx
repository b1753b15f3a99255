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
import type { Recorder } from "../shared/recorder.ts";

export { bounded, isGet, isPost, recorder, type Hold, type HoldOptions, type Recorder, type Sent } from "../shared/recorder.ts";

/** The reference backend started by run.mjs (or by hand), and the client's mount on it. */
export const MIZAN_URL = process.env["MIZAN_URL"] ?? "";
export function mount(url = MIZAN_URL): string {
  assert.ok(url, "MIZAN_URL is not set: run.mjs starts a reference backend and sets it");
  return url + "/api/mizan";
}

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
