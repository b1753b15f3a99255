// Shared by the browser and server-rendering tests: Chromium, backends of their own, MWTs,
// bounded waits. Every process started here is stopped by the caller's `after` hook.
import { spawn, type ChildProcess } from "node:child_process";
import { createHmac } from "node:crypto";
import { mkdirSync } from "node:fs";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

import { chromium, type Browser, type Page, type Request, type Route } from "playwright-core";

export const env = (name: string): string => process.env[name] ?? "";

/** The main backend (started by run.mjs), which also serves the app. */
export const mainUrl = env("MIZAN_BROWSER_URL");
export const artifacts = env("MIZAN_ARTIFACTS") || "artifacts";
/** The directory of the bundled app (index.html, app.js); built tests sit in `.build/browser/`. */
export const site = env("MIZAN_SITE") || fileURLToPath(new URL("../site", import.meta.url));
const backendBinary = process.env["MIZAN_REFERENCE_BACKEND"] ?? fileURLToPath(new URL("../../../target/debug/mizan-reference-backend", import.meta.url));

export async function launch(args: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: env("CHROMIUM") || "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      ...args,
    ],
    timeout: 30_000,
  });
}

/** Page errors and console errors/warnings, so that a test can assert there were none. */
export function watchConsole(page: Page): string[] {
  const problems: string[] = [];
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
  });
  return problems;
}

/** Every request the page makes to a Mizan endpoint, as "METHOD path?query" (origin kept). */
export function recordRequests(page: Page): Request[] {
  const seen: Request[] = [];
  page.on("request", (r) => {
    if (r.url().includes("/api/mizan/")) seen.push(r);
  });
  return seen;
}

export const describe = (r: Request): string => `${r.method()} ${r.url()}`;

/** Holds the requests a route matches until `release()`; `held()` resolves once one is held. */
export interface Gate {
  held(): Promise<void>;
  release(): Promise<void>;
  fail(): Promise<void>;
}

export async function gate(page: Page, matches: (url: URL, request: Request) => boolean): Promise<Gate> {
  const waiting: ((how: "continue" | "abort") => void)[] = [];
  const handled: Promise<void>[] = [];
  let arrived: () => void = () => {};
  const first = new Promise<void>((r) => (arrived = r));
  let open = false;
  const handler = (route: Route): Promise<void> => {
    const request = route.request();
    if (open || !matches(new URL(request.url()), request)) return route.fallback();
    const done = new Promise<"continue" | "abort">((go) => {
      waiting.push(go);
      arrived();
    }).then((how) =>
      // The page may have given up on the request meanwhile (an abort): nothing left to do.
      (how === "continue" ? route.continue() : route.abort("failed")).catch(() => undefined),
    );
    handled.push(done);
    return done;
  };
  await page.route("**/api/mizan/**", handler);
  const finish = async (how: "continue" | "abort") => {
    open = true;
    for (const go of waiting.splice(0)) go(how);
    // Unrouting while a handler runs would let Playwright continue its request: wait for them.
    await Promise.all(handled);
    await page.unroute("**/api/mizan/**", handler);
  };
  return {
    held: () => within(first, 10_000, "no request was held"),
    release: () => finish("continue"),
    fail: () => finish("abort"),
  };
}

/** Rejects after `ms` with `what`. */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Polls `check` (every 20 ms) until it holds, for at most `ms`. */
export async function until(check: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A port nobody listens on right now (bind to :0, read the port, let it go). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const address = s.address();
      const port = typeof address === "object" && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export interface Backend {
  url: string;
  process: ChildProcess;
  /** SIGKILL (a crash: open WebSockets would hold a graceful shutdown) and wait for the exit. */
  kill(): Promise<void>;
}

/** Starts a reference backend (`serve --addr ADDR --static SITE`) with the suite's MWT secret. */
export async function startBackend(addr = "127.0.0.1:0", staticDir: string | undefined = site): Promise<Backend> {
  const args = ["serve", "--addr", addr, ...(staticDir ? ["--static", staticDir] : [])];
  const child = spawn(backendBinary, args, {
    env: { ...process.env, MIZAN_MWT_SECRET: env("MIZAN_MWT_SECRET") },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (c) => (stderr += c));
  const exited = new Promise<void>((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once("exit", () => r())));
  const url = await within(
    new Promise<string>((resolve, reject) => {
      let seen = "";
      child.stdout?.on("data", (chunk) => {
        seen += chunk;
        const m = /listening on (http:\/\/\S+)/.exec(seen);
        if (m?.[1]) resolve(m[1]);
      });
      child.once("error", reject);
      child.once("exit", (code) => reject(new Error(`the backend exited (${code}) before listening: ${stderr}`)));
    }),
    15_000,
    `the backend to listen on ${addr}`,
  ).catch(async (e: unknown) => {
    child.kill("SIGKILL");
    await exited;
    throw e;
  });
  return {
    url,
    process: child,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await within(exited, 10_000, "the backend to exit");
    },
  };
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");

/** An MWT for user `sub` (reference-backend/src/auth.rs: HS256, kid mwt-1, aud mizan, 300 s). */
export function mwt(sub: number, staff = false): string {
  const now = Math.floor(Date.now() / 1000);
  const head =
    b64({ alg: "HS256", typ: "JWT", kid: "mwt-1" }) +
    "." +
    b64({ sub: String(sub), iat: now, nbf: now, exp: now + 300, aud: "mizan", staff, super: false, pkey: "" });
  return head + "." + createHmac("sha256", env("MIZAN_MWT_SECRET")).update(head).digest("base64url");
}

/** The current name of a user's profile on a backend, read with a plain fetch. */
export async function profileName(base: string, userId: number): Promise<string> {
  const res = await fetch(`${base}/api/mizan/ctx/user/?user_id=${userId}`);
  const body = (await res.json()) as { user_profile: { name: string } };
  return body.user_profile.name;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: `${artifacts}/${name}.png`, fullPage: true });
}
