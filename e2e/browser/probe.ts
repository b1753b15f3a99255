// What the browser app records on `window` for the tests to read (page.evaluate /
// page.waitForFunction). Imported by the app, and by the tests for its types only.
import type { QueryClient } from "@tanstack/react-query";

export interface Probe {
  /** The QueryClient of each root, by label. */
  queryClients: Record<string, QueryClient>;
  /** URLs whose request signal aborted (the app's fetch wrapper records them). */
  aborts: string[];
  /** Committed texts of labelled displays, in order. */
  log: Record<string, string[]>;
  /** WebSocket connection attempts. */
  sockets: number;
  /** Hydration errors that React recovered from (onRecoverableError). */
  recoverable: string[];
  /** Set once the hydrated root has committed. */
  hydrated: boolean;
  /** True when no query and no mutation of the labelled root is in flight. */
  idle(label: string): boolean;
}

declare global {
  interface Window {
    __probe: Probe;
    /** The MWT the server-rendered page's client sends (set by the test before the page loads). */
    __MIZAN_TOKEN__?: string;
    __MIZAN_SSR_DATA__?: unknown;
  }
}

/** The probe of this page, created on first use. */
export function probe(): Probe {
  return (window.__probe ??= {
    queryClients: {},
    aborts: [],
    log: {},
    sockets: 0,
    recoverable: [],
    hydrated: false,
    idle(label) {
      const qc = this.queryClients[label];
      return !!qc && qc.isFetching() === 0 && qc.isMutating() === 0;
    },
  });
}
