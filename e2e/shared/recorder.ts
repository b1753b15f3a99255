// A fetch that records (and can hold or fail) every request a generated client makes, for the
// framework tests (react/, vue/). Platform-neutral: it runs in Node and in a browser page.

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

/** `promise`, or a rejection after `ms` (nothing a test awaits may hang it). */
export function bounded<T>(promise: Promise<T>, what: string, ms = 5000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

