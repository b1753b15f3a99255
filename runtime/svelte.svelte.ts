// Svelte 5 binding on @tanstack/svelte-query v6 (runes): setMizanContext() in the root component,
// context setters and their slot getters, queries of plain read functions, and mutations with
// optimistic merges. Everything is per component tree (Svelte's context), nothing per module.
import {
  createInfiniteQuery,
  createMutation,
  createQuery,
  QueryClient,
  setQueryClientContext,
  type CreateInfiniteQueryResult,
  type CreateQueryResult,
  type InfiniteData,
} from "@tanstack/svelte-query";
import { getContext, setContext } from "svelte";
import {
  createMizanClient,
  defaultClient,
  type MizanClient,
  type MizanConfig,
  type MizanError,
} from "./kernel";
import {
  effectApplier,
  hydrate,
  mutationOptions,
  observerOptions,
  pickParams,
  type ContextKey,
  type ContextQueryOptions,
  type FunctionInfiniteQueryOptions,
  type FunctionKey,
  type InfiniteKey,
  type InfinitePages,
  type Merge,
  type FunctionQueryOptions,
} from "./query";

export { merge, type Merge, type MutateOptions } from "./query";

export interface MizanContextOptions extends MizanConfig {
  client?: MizanClient;
  queryClient?: QueryClient;
}

interface Root {
  client: MizanClient;
  queryClient: QueryClient;
}

const ROOT = Symbol("mizan");

/** The root, called in the root component's `<script>`: one client (`createMizanClient(config)`
 * unless given) and one QueryClient (unless given) per component tree, so one per SSR request.
 * Seeds `window.__MIZAN_SSR_DATA__` before the children start; once mounted, applies every
 * call's cache effects to its QueryClient, mounts it (focus and reconnect refetches), and at
 * teardown unmounts it and disconnects the client it made. */
export function setMizanContext(options: MizanContextOptions = {}): Root {
  const { client: given, queryClient: ownQueries, ...config } = options;
  const root = {
    client: given ?? createMizanClient(config),
    queryClient: ownQueries ?? new QueryClient(),
  };
  const { client, queryClient } = root;
  setContext(ROOT, root);
  setQueryClientContext(queryClient);
  const seeded =
    typeof window === "undefined"
      ? undefined
      : hydrate(
          (window as { __MIZAN_SSR_DATA__?: Parameters<typeof hydrate>[0] })
            .__MIZAN_SSR_DATA__,
          queryClient,
        );
  $effect(() => {
    queryClient.mount();
    // Every call's effects reach this root's cache: its client's, and the default client's (a
    // `call<Fn>()` made without `{ client }`).
    const fallback = defaultClient();
    const stop = [client.onEffects(effectApplier(queryClient))];
    if (fallback !== client)
      stop.push(fallback.onEffects(effectApplier(queryClient)));
    // Seeded bundles skip only their first mount's refetch: a task after the children have
    // mounted, later mounts follow their staleTime again.
    const timer = setTimeout(() => seeded?.());
    return () => {
      clearTimeout(timer);
      stop.forEach((off) => off());
      queryClient.unmount();
      // A client the root made is the root's to close: its socket ends with it.
      if (!given) client.disconnect();
    };
  });
  return root;
}

/** The root's client and QueryClient. */
export function getMizan(): Root {
  const root = getContext<Root | undefined>(ROOT);
  if (!root)
    throw new Error(
      'getMizan: no setMizanContext() above this component; call it in the root component\'s <script> (e.g. setMizanContext({ baseUrl: "/api/mizan" }))',
    );
  return root;
}

export interface QueryOptions {
  staleTime?: number;
  refetchInterval?: number | false;
  enabled?: boolean;
  keepPrevious?: boolean;
}

type OptionsArg = QueryOptions | (() => QueryOptions) | undefined;

/** TanStack observer options from the given options, a function of state or an object. */
const observe = (given: OptionsArg) =>
  observerOptions(typeof given === "function" ? given() : given);

type BundleOptions<D> = ContextQueryOptions<D> & ReturnType<typeof observe>;

export interface ContextBinding<D, P> {
  /** `set<X>Context(() => params)`: the bundle's query, shared by every getter below. */
  set(
    params: () => P,
    options?: QueryOptions | (() => QueryOptions),
  ): CreateQueryResult<D, MizanError>;
  get(): CreateQueryResult<D, MizanError>;
  getSlot<K extends keyof D & string>(
    slot: K,
  ): { readonly current: D[K] | undefined };
  getSlotQuery<K extends keyof D & string>(
    slot: K,
  ): CreateQueryResult<D[K], MizanError>;
}

/** The setter and getters of one context. `setter`: the setter's name, for the missing-setter
 * error. `params`: the context's param names. Contexts without params need no setter: their
 * getters work anywhere under setMizanContext() (key with `{}` params). */
export function defineContext<D, P>(
  query: (params: P, client?: MizanClient) => ContextQueryOptions<D>,
  setter: string,
  ...params: string[]
): ContextBinding<D, NonNullable<P>> {
  const key = Symbol(setter);

  /** The bundle's options as the nearest setter has them now, and the root's QueryClient. */
  function bundle(): [() => BundleOptions<D>, QueryClient] {
    const { client, queryClient } = getMizan();
    const provided = getContext<(() => BundleOptions<D>) | undefined>(key);
    if (provided) return [provided, queryClient];
    if (params.length)
      throw new Error(
        `This reads the bundle that ${setter}() provides, and no parent component called it: call ${setter}(() => ({ ${params.map((p) => p + ": ...").join(", ")} })) in a parent component`,
      );
    const own = query({} as P, client);
    return [() => own, queryClient];
  }

  function getSlotQuery<K extends keyof D & string>(
    slot: K,
  ): CreateQueryResult<D[K], MizanError> {
    const [options, queryClient] = bundle();
    const select = (data: D) => data[slot];
    return createQuery<D, MizanError, D[K], ContextKey>(
      () => ({ ...options(), select }),
      () => queryClient,
    );
  }

  return {
    set(given, options) {
      const { client, queryClient } = getMizan();
      // Only the context's params make the key and the request (a wider object, such as a
      // route's params, is allowed by the type), as React's provider and Vue's provide do.
      const values = (): P => pickParams(given(), params) as P;
      const current = $derived<BundleOptions<D>>({
        ...query(values(), client),
        ...observe(options),
      });
      const read = () => current;
      setContext(key, read);
      // The setter observes the bundle itself: the fetch starts here even if nothing reads it.
      return createQuery<D, MizanError, D, ContextKey>(read, () => queryClient);
    },
    get() {
      const [options, queryClient] = bundle();
      return createQuery<D, MizanError, D, ContextKey>(
        options,
        () => queryClient,
      );
    },
    getSlot(slot) {
      const q = getSlotQuery(slot);
      return {
        get current() {
          return q.data;
        },
      };
    },
    getSlotQuery,
  };
}

/** The query of a plain read function, cached by its args: new args fetch (and abort the old
 * request when nothing else needs it). */
export function createMizanQuery<A, D>(
  query: (args: A, client?: MizanClient) => FunctionQueryOptions<D>,
  args: () => A,
  options?: QueryOptions | (() => QueryOptions),
): CreateQueryResult<D, MizanError> {
  const { client, queryClient } = getMizan();
  return createQuery<D, MizanError, D, FunctionKey>(
    () => ({ ...query(args(), client), ...observe(options) }),
    () => queryClient,
  );
}

/** A paged read's `<fn>InfiniteQuery(args, pages, client?)`. */
type InfiniteQueryFactory<A, R, P> = (
  args: A,
  pages: InfinitePages<R, P>,
  client?: MizanClient,
) => FunctionInfiniteQueryOptions<R, P>;

/** The infinite query of a paged read function, cached by its args without the page param. */
export function createMizanInfiniteQuery<A, R, P>(
  query: InfiniteQueryFactory<A, R, P>,
  args: () => A,
  pages: InfinitePages<R, P>,
  options?: QueryOptions | (() => QueryOptions),
): CreateInfiniteQueryResult<InfiniteData<R, P>, MizanError> {
  const { client, queryClient } = getMizan();
  return createInfiniteQuery<R, MizanError, InfiniteData<R, P>, InfiniteKey, P>(
    () => ({ ...query(args(), pages, client), ...observe(options) }),
    () => queryClient,
  );
}

export interface MutationState<A extends unknown[], R> {
  /** Resolves to the result; rejects with the `MizanError` when the call fails. */
  mutate: (...args: A) => Promise<R>;
  readonly data: R | undefined;
  readonly error: MizanError | null;
  readonly status: "idle" | "pending" | "success" | "error";
  readonly isIdle: boolean;
  readonly isPending: boolean;
  readonly isSuccess: boolean;
  readonly isError: boolean;
  readonly variables: A[0] | undefined;
  reset(): void;
}

/** A call as a svelte-query mutation whose fields are reactive getters: `mutate(args, {
 * optimistic })` splices `optimistic` into every merge target at once and rolls back (guarded)
 * if the call fails; the call's own invalidations and merges reach the cache through the root. */
export function createMizanMutation<A extends unknown[], R>(
  fn: string,
  call?: { upload?: boolean; websocket?: boolean },
  ...merges: Merge[]
): MutationState<A, R> {
  const { client, queryClient } = getMizan();
  const m = createMutation<R, MizanError, A, (() => void) | undefined>(
    () => mutationOptions<A, R>(client, queryClient, fn, call, merges),
    () => queryClient,
  );
  return {
    mutate: (...args) => m.mutateAsync(args),
    get data() {
      return m.data;
    },
    get error() {
      return m.error;
    },
    get status() {
      return m.status;
    },
    get isIdle() {
      return m.isIdle;
    },
    get isPending() {
      return m.isPending;
    },
    get isSuccess() {
      return m.isSuccess;
    },
    get isError() {
      return m.isError;
    },
    get variables() {
      return m.variables?.[0];
    },
    reset: () => m.reset(),
  };
}
