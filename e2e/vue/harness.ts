// What the Vue scenarios (scenarios.ts) run on, in jsdom and in Chromium alike: real Vue apps
// with MizanPlugin mounted into the document, the shared recording fetch, polling waits, and
// assertions that need no Node module.
import type { QueryClient } from "@tanstack/vue-query";
import { createApp, defineComponent, h, type Component, type VNodeChild } from "vue";

import * as api from "./.generated/reference-3.1/index.ts";
import type { Recorder } from "../shared/recorder.ts";

export { bounded, isGet, isPost, recorder, type Recorder, type Sent } from "../shared/recorder.ts";
export { api };

/** Where a scenario runs: the backend's origin, and (for the channel scenario) a backend of its
 * own that the scenario can stop and start again on the same address. */
export interface Env {
  url: string;
  restartable?: { url: string; kill(): Promise<void>; start(): Promise<void> };
}

/** A client of the backend at `url` whose requests `r` records. */
export function clientOf(r: Recorder, url: string, extra: api.MizanConfig = {}): api.MizanClient {
  return api.createMizanClient({ baseUrl: url + "/api/mizan", fetch: r.fetch, ...extra });
}

/** A client that records nothing: for setting the backend's data up. */
export const direct = (url: string, extra: api.MizanConfig = {}): api.MizanClient => api.createMizanClient({ baseUrl: url + "/api/mizan", ...extra });

export async function nameUser(url: string, user_id: number, name: string): Promise<void> {
  await api.callRenameUser({ user_id, name }, { client: direct(url) });
}

/** A component from a setup function that returns its render function. */
export const component = (setup: () => () => VNodeChild): Component => defineComponent(setup);

/** A component that runs `setup` (a provide call) and renders its children. */
export const provider = (setup: () => void, ...children: Component[]): Component =>
  defineComponent(() => {
    setup();
    return () => children.map((c) => h(c));
  });

/** `<p data-testid=id>text</p>` */
export const show = (id: string, text: string): VNodeChild => h("p", { "data-testid": id }, text);

export interface Mounted {
  el: HTMLElement;
  queryClient: QueryClient;
  client: api.MizanClient;
  unmount(): void;
}

const mounted = new Set<Mounted>();

/** Mounts `root` in a fresh element of the document, as an app with MizanPlugin. */
export function mount(root: Component, options: api.MizanPluginOptions = {}): Mounted {
  const el = document.createElement("div");
  document.body.append(el);
  const app = createApp(root);
  app.use(api.MizanPlugin, options);
  const { client, queryClient } = app.runWithContext(() => api.useMizan());
  app.mount(el);
  let live = true;
  const m: Mounted = {
    el,
    queryClient,
    client,
    unmount() {
      if (!live) return;
      live = false;
      app.unmount();
      el.remove();
    },
  };
  mounted.add(m);
  return m;
}

/** After each scenario: unmount every app, clear its QueryClient (gc timers would keep Node
 * alive), forget server-rendered data. */
export function tidy(): void {
  for (const m of mounted) {
    m.unmount();
    // clear() forgets mutations without stopping their gc timers (query-core 5.104), which
    // would keep Node alive for gcTime (5 min): stop them first.
    for (const mutation of m.queryClient.getMutationCache().getAll()) mutation.destroy();
    m.queryClient.clear();
  }
  mounted.clear();
  delete (window as { __MIZAN_SSR_DATA__?: unknown }).__MIZAN_SSR_DATA__;
}

export const text = (id: string): string | null => document.querySelector(`[data-testid="${id}"]`)?.textContent ?? null;

// ---- assertions --------------------------------------------------------------------------------

/** JSON with object keys sorted: deep equality of JSON-like values whatever their key order. */
const show_ = (v: unknown): string =>
  JSON.stringify(v, (_, x: unknown) =>
    x && typeof x === "object" && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x,
  );

export function ok(value: unknown, message: string): asserts value {
  if (!value) throw new Error(message);
}

/** Deep equality of JSON-like values. */
export function eq(actual: unknown, expected: unknown, message = ""): void {
  if (show_(actual) !== show_(expected)) throw new Error(`${message ? message + ": " : ""}expected ${show_(expected)}, got ${show_(actual)}`);
}

// ---- waiting -----------------------------------------------------------------------------------

export const pause = (ms = 0): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `check` (throws or answers false while not yet) every 10 ms, for at most `ms`. */
export async function until(check: () => unknown, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    let problem: unknown;
    try {
      if (check() !== false) return;
      problem = new Error("the condition still does not hold");
    } catch (e) {
      problem = e;
    }
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms: ${problem instanceof Error ? problem.message : String(problem)}`);
    await pause(10);
  }
}

/** Waits until nothing is in flight (no request unanswered, no query fetching, no mutation
 * pending in the mounted apps), three times in a row a macrotask apart. */
export async function settle(r: Recorder): Promise<void> {
  const quiet = () => r.pending() === 0 && [...mounted].every((m) => m.queryClient.isFetching() === 0 && m.queryClient.isMutating() === 0);
  for (let calm = 0; calm < 3; ) {
    await until(() => ok(quiet(), "requests still in flight"));
    await pause(5);
    calm = quiet() ? calm + 1 : 0;
  }
}

export { h };
