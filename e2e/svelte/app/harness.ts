// What every scenario uses, in jsdom and in Chromium alike (no Node APIs): mounting Svelte
// components, the roots' QueryClients, waiting, reading the DOM, and assertions that throw.
import { flushSync, mount, unmount, type Component } from "svelte";
import type { QueryClient } from "@tanstack/svelte-query";

import type { Recorder } from "../../shared/recorder.ts";

/** The QueryClient of every mounted root (Root.svelte adds it). */
export const roots = new Set<QueryClient>();
const mounted: Record<string, unknown>[] = [];

/** Mounts `component` into a new element of the body, and runs its effects. */
export function render<P extends Record<string, unknown>>(component: Component<P>, props: P): () => void {
  const target = document.createElement("div");
  document.body.append(target);
  const app = mount(component, { target, props });
  mounted.push(app);
  flushSync();
  return () => {
    const i = mounted.indexOf(app);
    if (i >= 0) mounted.splice(i, 1);
    void unmount(app);
    flushSync();
  };
}

/** Unmounts everything, clears every root's QueryClient, forgets server-rendered data. */
export function tidy(): void {
  for (const app of mounted.splice(0)) void unmount(app);
  flushSync();
  // clear() leaves a finished mutation's gc timer (five minutes) running: end those too.
  for (const qc of roots) {
    for (const m of qc.getMutationCache().getAll()) m.destroy();
    qc.clear();
  }
  roots.clear();
  document.body.replaceChildren();
  delete (window as { __MIZAN_SSR_DATA__?: unknown }).__MIZAN_SSR_DATA__;
}

export const text = (id: string): string | null => document.querySelector(`[data-testid="${id}"]`)?.textContent ?? null;

/** JSON with object keys sorted: equal values read the same whatever their keys' order. */
const show = (v: unknown): string =>
  JSON.stringify(v, (_, x: unknown) => (x && typeof x === "object" && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1))) : x));

/** Types `value` into an input as a person would (an `input` event of the element's own window). */
export function type(el: HTMLInputElement, value: string): void {
  el.value = value;
  el.dispatchEvent(new (el.ownerDocument.defaultView ?? window).Event("input", { bubbles: true }));
}

export function eq(actual: unknown, expected: unknown, what = ""): void {
  if (show(actual) !== show(expected)) throw new Error(`${what ? what + ": " : ""}expected ${show(expected)}, got ${show(actual)}`);
}

export function ok(value: unknown, what: string): asserts value {
  if (!value) throw new Error(what);
}

export const pause = (ms = 0): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Retries `check` (which throws while it fails) until it passes, for at most `ms`. */
export async function until(check: () => void, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    flushSync();
    try {
      check();
      return;
    } catch (e) {
      if (Date.now() > end) throw e;
    }
    await pause(10);
  }
}

/** Waits until nothing is in flight (no request unanswered, no query fetching, no mutation
 * pending), three times in a row a macrotask apart. */
export async function settle(r: Recorder): Promise<void> {
  const quiet = () => r.pending() === 0 && [...roots].every((qc) => qc.isFetching() === 0 && qc.isMutating() === 0);
  for (let calm = 0; calm < 3; ) {
    await until(() => ok(quiet(), "requests still in flight"));
    await pause(5);
    calm = quiet() ? calm + 1 : 0;
  }
}

/** A promise's outcome, to assert on a rejection without an unhandled one. */
export const outcome = <T>(p: Promise<T>): Promise<{ ok: T } | { error: unknown }> =>
  p.then(
    (value) => ({ ok: value }),
    (error: unknown) => ({ error }),
  );
