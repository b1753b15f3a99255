// TanStack Query v5 glue, framework-free: query keys and query options for context bundles and
// plain read functions, and the cache effects of calls (invalidations, merges, optimistic
// splices, server-rendered seeds) applied to any QueryClient. Type-only imports of TanStack, so
// importing this module never loads TanStack (or React) at run time.
import type {
  DataTag,
  GetNextPageParamFunction,
  GetPreviousPageParamFunction,
  InfiniteData,
  InvalidateOptions,
  QueryFunction,
  QueryKey,
} from "@tanstack/query-core";
import {
  defaultClient,
  MizanError,
  stableKey,
  type Effects,
  type Invalidation,
  type MizanClient,
  type Params,
} from "./kernel";

export type ContextKey = readonly ["mizan", "ctx", string, Params];
export type FunctionKey = readonly ["mizan", "fn", string, Params];
export type InfiniteKey = readonly ["mizan", "fn", string, Params, "infinite"];

/** The params object without its `undefined` members (a new object). */
const defined = (params?: object): Params =>
  Object.fromEntries(
    Object.entries(params ?? {}).filter(([, v]) => v !== undefined),
  );

/** A context's own params out of `given` (a provider's props, or a wider object such as a
 * route's params): only `names`, and only those that are not `undefined`. They alone make the
 * bundle's key and request. */
export function pickParams(
  given: object | undefined,
  names: readonly string[],
): Params {
  const all = (given ?? {}) as Params;
  const picked: Params = {};
  for (const name of names)
    if (all[name] !== undefined) picked[name] = all[name];
  return picked;
}

/** `["mizan", "ctx", context, params]`: the query key of a context bundle. */
export function contextKey(context: string, params?: object): ContextKey {
  return ["mizan", "ctx", context, defined(params)];
}

/** `["mizan", "fn", fn, args]`: the query key of a plain read function. */
export function functionKey(fn: string, args?: object): FunctionKey {
  return ["mizan", "fn", fn, defined(args)];
}

/** `["mizan", "fn", fn, args, "infinite"]`: the key of a paged read, `args` without the page. */
export function infiniteKey(fn: string, args?: object): InfiniteKey {
  return ["mizan", "fn", fn, defined(args), "infinite"];
}

/** What a query function reads of TanStack's context: the signal, and the QueryClient (to tell a
 * first load from a refetch). */
export interface QueryFnContext {
  signal: AbortSignal;
  client?: {
    getQueryState(
      queryKey: QueryKey,
    ): { isInvalidated: boolean; dataUpdateCount: number } | undefined;
  };
}

/** Query options (a plain object) for a bundle or a plain read function. `retry`: the client
 * already retries bundle fetches on network errors and 5xx; plain reads are retried (twice)
 * only on those. */
export interface MizanQueryOptions<D, K extends QueryKey> {
  queryKey: DataTag<K, D, MizanError>;
  queryFn: (context: QueryFnContext) => Promise<D>;
  staleTime: number;
  retry: false | ((failures: number, error: MizanError) => boolean);
}
export type ContextQueryOptions<D> = MizanQueryOptions<D, ContextKey>;
export type FunctionQueryOptions<D> = MizanQueryOptions<D, FunctionKey>;

/** The query options a provider or query hook takes, in every framework binding. */
export interface ObserverSettings {
  staleTime?: number | undefined;
  refetchInterval?: number | false | undefined;
  enabled?: boolean | undefined;
  /** Keep showing the previous params' data while the new params load. */
  keepPrevious?: boolean | undefined;
}

/** TanStack's `keepPreviousData` (the previous data stands in as placeholder), without loading
 * TanStack here. */
const keepPreviousData = <T>(previous: T): T => previous;

/** TanStack observer options from a hook's options (absent ones left out). */
export function observerOptions(options: ObserverSettings | undefined): {
  staleTime?: number;
  refetchInterval?: number | false;
  enabled?: boolean;
  placeholderData?: typeof keepPreviousData;
} {
  return {
    ...(options?.staleTime !== undefined && { staleTime: options.staleTime }),
    ...(options?.refetchInterval !== undefined && {
      refetchInterval: options.refetchInterval,
    }),
    ...(options?.enabled !== undefined && { enabled: options.enabled }),
    ...(options?.keepPrevious && { placeholderData: keepPreviousData }),
  };
}

/** A failure as a `MizanError`, as the hooks' types promise: a custom transport may throw
 * anything. An abort stays as it is (TanStack reverts a cancelled query itself). */
export function asMizanError(e: unknown): unknown {
  return e instanceof MizanError ||
    (e instanceof Error && e.name === "AbortError")
    ? e
    : new MizanError(
        "CLIENT_ERROR",
        e instanceof Error ? e.message : String(e),
      );
}

const rethrow = (e: unknown): never => {
  throw asMizanError(e);
};

/** A signal that aborts one task after `signal` does. TanStack aborts a fetch whose last observer
 * leaves, and StrictMode's remount (or any observer that comes straight back) fetches again at
 * once: that fetch then joins the request still in flight (the client shares identical
 * concurrent fetches) instead of costing a second one. */
function lingering(signal: AbortSignal): AbortSignal {
  const later = new AbortController();
  const abort = () => setTimeout(() => later.abort(signal.reason));
  if (signal.aborted) abort();
  else signal.addEventListener("abort", abort, { once: true });
  return later.signal;
}

/** Query options of a context bundle; `client` defaults to the default client when the query runs. */
export function contextQuery<D>(
  context: string,
  params: object,
  staleTime: number,
  client?: MizanClient,
): ContextQueryOptions<D> {
  const queryKey = contextKey(context, params);
  return {
    queryKey: queryKey as DataTag<ContextKey, D, MizanError>,
    queryFn: ({ signal, client: cache }) => {
      // A refetch (the bundle has data, or was invalidated) must not join a request sent
      // before whatever made it necessary; a first load may (StrictMode's second mount does).
      const state = cache?.getQueryState(queryKey);
      return (client ?? defaultClient())
        .fetch<D>(context, queryKey[3], {
          signal: lingering(signal),
          fresh: !!state && (state.isInvalidated || state.dataUpdateCount > 0),
        })
        .catch(rethrow);
    },
    staleTime,
    retry: false,
  };
}

/** Query options of a plain read function; `client` defaults to the default client when the query runs. */
export function functionQuery<D>(
  fn: string,
  args: object,
  staleTime: number,
  client?: MizanClient,
  call?: { websocket?: boolean },
): FunctionQueryOptions<D> {
  const queryKey = functionKey(fn, args);
  return {
    queryKey: queryKey as DataTag<FunctionKey, D, MizanError>,
    queryFn: ({ signal }) =>
      (client ?? defaultClient())
        .call<D>(fn, queryKey[3], { ...call, signal })
        .catch(rethrow),
    staleTime,
    retry: retryRead,
  };
}

/** How the pages of a paged read follow each other: TanStack's own page-param functions, and
 * the first page's param (none by default: the server's first page). */
export interface InfinitePages<R, P> {
  getNextPageParam: GetNextPageParamFunction<P, R>;
  getPreviousPageParam?: GetPreviousPageParamFunction<P, R>;
  initialPageParam?: P;
}

/** Infinite query options (a plain object) for a paged read. */
export interface FunctionInfiniteQueryOptions<R, P> {
  queryKey: DataTag<InfiniteKey, InfiniteData<R, P>, MizanError>;
  queryFn: QueryFunction<R, InfiniteKey, P>;
  initialPageParam: P;
  getNextPageParam: GetNextPageParamFunction<P, R>;
  getPreviousPageParam?: GetPreviousPageParamFunction<P, R>;
  staleTime: number;
  retry: (failures: number, error: MizanError) => boolean;
}

/** Infinite query options of a paged read function: each page calls `fn` with `args` and the
 * page's param as the argument named `paging`. */
export function functionInfiniteQuery<R, P>(
  fn: string,
  paging: string,
  args: object,
  pages: InfinitePages<R, P>,
  staleTime: number,
  client?: MizanClient,
  call?: { websocket?: boolean },
): FunctionInfiniteQueryOptions<R, P> {
  const queryKey = infiniteKey(fn, args);
  const { initialPageParam, ...follow } = pages;
  return {
    queryKey: queryKey as DataTag<InfiniteKey, InfiniteData<R, P>, MizanError>,
    queryFn: (context) =>
      (client ?? defaultClient())
        .call<R>(
          fn,
          defined({
            ...queryKey[3],
            [paging]: (context as { pageParam: P }).pageParam,
          }),
          { ...call, signal: context.signal },
        )
        .catch(rethrow),
    initialPageParam: initialPageParam as P,
    ...follow,
    staleTime,
    retry: retryRead,
  };
}

/** Retries a read twice on a network error or a 5xx answer, never on another error. */
function retryRead(failures: number, error: MizanError): boolean {
  return (
    failures < 2 && (error.code === "NETWORK_ERROR" || error.status >= 500)
  );
}

/** What the effect code reads of a cached query (TanStack's `Query` fits). */
export interface CachedQuery {
  queryKey: QueryKey;
  queryHash: string;
  isActive(): boolean;
  state: {
    data: unknown;
    isInvalidated: boolean;
    dataUpdateCount: number;
    fetchStatus: string;
  };
}

/** The QueryClient methods the effect code uses: structural, so that the QueryClient of
 * react-query, vue-query and svelte-query all fit. */
export interface EffectTarget {
  getQueryCache(): {
    findAll(filters: {
      queryKey?: QueryKey;
      exact?: boolean;
      predicate?: (query: CachedQuery) => boolean;
    }): CachedQuery[];
  };
  cancelQueries(filters: { queryKey: QueryKey; exact: true }): Promise<void>;
  /** Answers the data as stored (after structural sharing). */
  setQueryData(queryKey: QueryKey, data: unknown): unknown;
  invalidateQueries(
    filters: { predicate: (query: CachedQuery) => boolean },
    options?: InvalidateOptions,
  ): Promise<void>;
  setQueryDefaults(
    queryKey: QueryKey,
    options: { refetchOnMount?: (query: CachedQuery) => boolean },
  ): void;
}

const isObject = (v: unknown): v is Params =>
  !!v && typeof v === "object" && !Array.isArray(v);

/** A param as text: header params arrive as strings, so `5` and `"5"` are the same param. */
const text = (v: unknown): string | undefined =>
  typeof v === "string" ? v : stableKey(v);

/** The key's params contain every given param. */
function paramsMatch(key: QueryKey, params?: Params): boolean {
  const own = key[3];
  return (
    isObject(own) &&
    Object.entries(params ?? {}).every(
      ([k, v]) =>
        v === undefined || (Object.hasOwn(own, k) && text(own[k]) === text(v)),
    )
  );
}

const isBundle = (key: QueryKey, context: string): boolean =>
  key[0] === "mizan" && key[1] === "ctx" && key[2] === context;

/** Whether one invalidation entry hits the query with this key (protocol.md §4). */
function hits(key: QueryKey, entry: Invalidation): boolean {
  if (typeof entry === "string") return isBundle(key, entry);
  return (
    (isBundle(key, entry.context) && paramsMatch(key, entry.params)) ||
    (entry.function !== undefined &&
      key[0] === "mizan" &&
      key[1] === "fn" &&
      key[2] === entry.function)
  );
}

/** The cached bundles of a context whose params contain `params` (all of them without). */
function bundles(
  queryClient: EffectTarget,
  context: string,
  params?: Params,
): CachedQuery[] {
  return queryClient
    .getQueryCache()
    .findAll({ queryKey: ["mizan", "ctx", context] })
    .filter((q) => paramsMatch(q.queryKey, params));
}

/** Replaces one slot of every matching cached bundle whose data is an object. */
function splice(
  queryClient: EffectTarget,
  refetch: QueryKey[],
  target: { context: string; slot: string; params?: Params },
  next: (current: unknown) => unknown,
  done?: (query: CachedQuery, value: unknown, previous: unknown) => void,
  allowed: (query: CachedQuery) => boolean = () => true,
): void {
  for (const query of bundles(queryClient, target.context, target.params)) {
    const data = query.state.data;
    if (!isObject(data) || !allowed(query)) continue;
    const value = next(data[target.slot]);
    // A fetch in flight would answer with data from before this value: cancel it (TanStack
    // then keeps what setQueryData stores below) and refetch afterwards.
    if (query.state.fetchStatus === "fetching") {
      void queryClient.cancelQueries({ queryKey: query.queryKey, exact: true });
      refetch.push(query.queryKey);
    }
    // Structural sharing may store a copy: what the slot holds is what setQueryData answers.
    const stored = queryClient.setQueryData(query.queryKey, {
      ...data,
      [target.slot]: value,
    });
    done?.(
      query,
      isObject(stored) ? stored[target.slot] : value,
      data[target.slot],
    );
  }
}

/** Applies one client's call effects: merges at once (no request); the invalidations of every
 * call within one microtask folded into ONE `invalidateQueries({ predicate })`, so that each
 * active matching query refetches once and inactive ones are marked stale. A merge never
 * replaces a slot that a later call of the same client (by `seq`, the order the calls were
 * sent) has already merged: answers may arrive out of order. One applier per client. */
export function effectApplier(
  queryClient: EffectTarget,
): (effects: Effects) => void {
  let pending: Invalidation[] = [];
  // Bundles whose fetch a merge cancelled: they refetch with the invalidations.
  let cancelled: QueryKey[] = [];
  // Per cached bundle (dropped with it), per slot: the `seq` of the call merged last.
  const merged = new WeakMap<CachedQuery, Map<string, number>>();
  const flush = () => {
    const list = pending;
    const keys = new Set(cancelled.map((k) => stableKey(k)));
    pending = [];
    cancelled = [];
    const predicate = (query: CachedQuery) =>
      keys.has(stableKey(query.queryKey)) ||
      list.some((e) => hits(query.queryKey, e));
    // TanStack lets a refetch join a first load in flight, whose answer may predate the
    // mutation: cancel such loads of mounted bundles, so that the refetch is a new request.
    // (An unmounted one is left alone: a `fetchQuery` may be awaiting it.)
    for (const query of queryClient.getQueryCache().findAll({ predicate }))
      if (
        query.isActive() &&
        query.state.fetchStatus === "fetching" &&
        query.state.data === undefined
      )
        void queryClient.cancelQueries({
          queryKey: query.queryKey,
          exact: true,
        });
    void queryClient.invalidateQueries({ predicate });
  };
  return (effects) => {
    const scheduled = pending.length > 0 || cancelled.length > 0;
    for (const entry of effects.merge)
      splice(
        queryClient,
        cancelled,
        entry,
        () => entry.value,
        undefined,
        (query) => {
          let slots = merged.get(query);
          if (!slots) merged.set(query, (slots = new Map()));
          if ((slots.get(entry.slot) ?? -Infinity) > effects.seq) return false;
          slots.set(entry.slot, effects.seq);
          return true;
        },
      );
    pending.push(...effects.invalidate);
    if (!scheduled && (pending.length > 0 || cancelled.length > 0))
      queueMicrotask(flush);
  };
}

/** Optimistic merge: sets `optimistic` (a value, or `(current) => next` per bundle) into the slot
 * of every matching cached bundle; returns rollback(), which restores a bundle's slot only if it
 * still holds the optimistic value (`===`). */
export function spliceOptimistic(
  queryClient: EffectTarget,
  targets: { context: string; slot: string; params?: Params }[],
  optimistic: unknown,
): () => void {
  const undo: (() => void)[] = [];
  // Fetches in flight are cancelled so that their older answers cannot replace the prediction;
  // the call's own merge brings the real value, and a rollback refetches them.
  const cancelled: QueryKey[] = [];
  for (const target of targets)
    splice(
      queryClient,
      cancelled,
      target,
      (current) =>
        typeof optimistic === "function"
          ? (optimistic as (current: unknown) => unknown)(current)
          : optimistic,
      (query, value, previous) =>
        undo.push(() => {
          const [now] = queryClient
            .getQueryCache()
            .findAll({ queryKey: query.queryKey, exact: true });
          const data = now?.state.data;
          if (isObject(data) && data[target.slot] === value)
            queryClient.setQueryData(query.queryKey, {
              ...data,
              [target.slot]: previous,
            });
        }),
    );
  return () => {
    undo.forEach((restore) => restore());
    const keys = new Set(cancelled.map((k) => stableKey(k)));
    if (keys.size)
      void queryClient.invalidateQueries({
        predicate: (query) => keys.has(stableKey(query.queryKey)),
      });
  };
}

/** A merge target of a mutation: the context, the slot, and the args that scope it. */
export type Merge = [context: string, slot: string, scope: string[]];

export function merge(
  context: string,
  slot: string,
  ...scope: string[]
): Merge {
  return [context, slot, scope];
}

export interface MutateOptions<R> {
  optimistic?: R | ((current: R | undefined) => R);
}

/** The options every binding gives its adapter's mutation: `mutationFn` takes the args tuple
 * `[input, { optimistic }?]` and calls `fn` through `client` (a failure as a `MizanError`);
 * `onMutate` splices `optimistic`, when given, into every merge target (scoped by the input's
 * args) and answers the guarded rollback, which `onError` runs. The call's own invalidations and
 * merges reach the cache through the root's effect applier. */
export function mutationOptions<A extends unknown[], R>(
  client: MizanClient,
  queryClient: EffectTarget,
  fn: string,
  call: { upload?: boolean; websocket?: boolean } | undefined,
  merges: Merge[],
): {
  mutationFn: (args: A) => Promise<R>;
  onMutate: (args: A) => (() => void) | undefined;
  onError: (
    error: unknown,
    args: A,
    rollback: (() => void) | undefined,
  ) => void;
} {
  return {
    mutationFn: (args) =>
      client
        .call<R>(fn, (args[0] ?? {}) as object, call)
        .catch((e: unknown) => Promise.reject(asMizanError(e))),
    onMutate: (args) => {
      const options = args[1] as MutateOptions<R> | undefined;
      if (!options || !("optimistic" in options)) return undefined;
      const input = (args[0] ?? {}) as Params;
      return spliceOptimistic(
        queryClient,
        merges.map(([context, slot, scope]) => ({
          context,
          slot,
          ...(scope.length > 0 && {
            params: Object.fromEntries(scope.map((k) => [k, input[k]])),
          }),
        })),
        options.optimistic,
      );
    },
    onError: (_error, _args, rollback) => rollback?.(),
  };
}

/** Seeds server-rendered bundles (`{contexts: {<ctx>: {<stableKey(params)>: bundle}}}`) into the
 * QueryClient so that their first mount does not refetch; a bundle already cached is left as it
 * is. Answers the function that ends that first-mount exemption. */
export function hydrate(
  data: { contexts?: Record<string, Record<string, unknown>> } | undefined,
  queryClient: EffectTarget,
): () => void {
  const seededKeys: QueryKey[] = [];
  for (const [context, byParams] of Object.entries(data?.contexts ?? {}))
    for (const [params, bundle] of Object.entries(byParams)) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(params);
      } catch {
        continue;
      }
      if (!isObject(parsed) || bundle === undefined) continue;
      const queryKey = contextKey(context, parsed);
      const cache = queryClient.getQueryCache();
      if (cache.findAll({ queryKey, exact: true })[0]?.state.data !== undefined)
        continue;
      queryClient.setQueryData(queryKey, bundle);
      const seeded = cache.findAll({ queryKey, exact: true })[0]?.queryHash;
      // Defaults apply to every key this one prefixes: only the seeded query is spared.
      queryClient.setQueryDefaults(queryKey, {
        refetchOnMount: (q) =>
          q.queryHash !== seeded ||
          q.state.isInvalidated ||
          q.state.dataUpdateCount > 1,
      });
      seededKeys.push(queryKey);
    }
  // Ends the exemption: mounts after the first (the root calls it once its children have
  // mounted) follow the bundle's staleTime again.
  return () => {
    for (const queryKey of seededKeys.splice(0))
      queryClient.setQueryDefaults(queryKey, {});
  };
}
