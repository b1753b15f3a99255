"use client";
// React binding on TanStack Query v5: the <MizanContext> root, context providers and their slot
// hooks, query hooks of plain read functions, and mutation hooks with optimistic merges.
import {
  QueryClient,
  QueryClientProvider,
  useMutation,
  useInfiniteQuery,
  useQuery,
  useSuspenseInfiniteQuery,
  useSuspenseQuery,
  type InfiniteData,
  type UseInfiniteQueryResult,
  type UseQueryResult,
  type UseSuspenseInfiniteQueryResult,
} from "@tanstack/react-query";
import {
  createContext,
  createElement,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type JSX,
  type ReactNode,
} from "react";
import {
  createMizanClient,
  defaultClient,
  stableKey,
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
  type Merge,
  type ContextKey,
  type ContextQueryOptions,
  type FunctionInfiniteQueryOptions,
  type FunctionKey,
  type FunctionQueryOptions,
  type InfiniteKey,
  type InfinitePages,
} from "./query";

export interface MizanContextProps extends MizanConfig {
  client?: MizanClient;
  queryClient?: QueryClient;
  children?: ReactNode;
}

interface Root {
  client: MizanClient;
  queryClient: QueryClient;
}

const RootContext = createContext<Root | null>(null);

/** The root: one client (`createMizanClient(config)` unless given) and one QueryClient (unless
 * given) per mount; seeds `window.__MIZAN_SSR_DATA__` before its children first render, and
 * applies every call's cache effects to its QueryClient. */
export function MizanContext(props: MizanContextProps): JSX.Element {
  const { client: given, queryClient: givenQueryClient, children } = props;
  // The client is made once per mount; its headers and CSRF token are read from the latest
  // props, so a token that changes (sign-in) reaches the next request.
  const latest = useRef(props);
  latest.current = props;
  const [own] = useState(() => {
    const { client: _c, queryClient: _q, children: _ch, ...config } = props;
    config.getHeaders = async () => (await latest.current.getHeaders?.()) ?? {};
    config.csrf = {
      ...config.csrf,
      token: () => latest.current.csrf?.token?.(),
    };
    const queryClient = givenQueryClient ?? new QueryClient();
    const seeded =
      typeof window === "undefined"
        ? undefined
        : hydrate(
            (window as { __MIZAN_SSR_DATA__?: Parameters<typeof hydrate>[0] })
              .__MIZAN_SSR_DATA__,
            queryClient,
          );
    return { client: given ?? createMizanClient(config), queryClient, seeded };
  });
  // Seeded bundles skip only their first mount's refetch: once the children have mounted (a
  // task later, after StrictMode's second mount), later mounts follow their staleTime again.
  useEffect(() => {
    const timer = setTimeout(() => own.seeded?.());
    return () => clearTimeout(timer);
  }, [own]);
  const client = given ?? own.client;
  const queryClient = givenQueryClient ?? own.queryClient;
  // Every call's effects reach this root's cache: the root's client's, and the default client's
  // (a `call<Fn>()` made without `{ client }`), so that no component code is needed either way.
  useEffect(() => {
    const fallback = defaultClient();
    const stop = [client.onEffects(effectApplier(queryClient))];
    if (fallback !== client)
      stop.push(fallback.onEffects(effectApplier(queryClient)));
    return () => stop.forEach((off) => off());
  }, [client, queryClient]);
  // A client the root made is the root's to close: its socket ends with it.
  useEffect(
    () => () => {
      if (!given) client.disconnect();
    },
    [client, given],
  );
  const root = useMemo(() => ({ client, queryClient }), [client, queryClient]);
  return createElement(
    QueryClientProvider,
    { client: queryClient },
    createElement(RootContext.Provider, { value: root }, children),
  );
}

/** The root's client and QueryClient. */
export function useMizan(): Root {
  const root = useContext(RootContext);
  if (!root)
    throw new Error(
      'useMizan: no <MizanContext> above this component; render it inside <MizanContext> (e.g. <MizanContext baseUrl="/api/mizan">...</MizanContext> at the root of the app)',
    );
  return root;
}

export interface QueryHookOptions {
  staleTime?: number;
  refetchInterval?: number | false;
  enabled?: boolean;
  keepPrevious?: boolean;
}

export interface ProviderProps extends QueryHookOptions {
  children?: ReactNode;
}

type BundleOptions<D> = ContextQueryOptions<D> &
  ReturnType<typeof observerOptions>;

/** The params props of a provider: none for a context without params (`Record<string, never>`). */
type ParamProps<P> = string extends keyof P ? unknown : P;

export interface ContextBinding<D, P> {
  /** `<XContext ...params>`: the bundle's query, shared by every hook below it. */
  provide(props: ParamProps<P> & ProviderProps): JSX.Element;
  useContext(): UseQueryResult<D, MizanError>;
  useSlot<K extends keyof D & string>(slot: K): D[K] | undefined;
  useSlotQuery<K extends keyof D & string>(
    slot: K,
  ): UseQueryResult<D[K], MizanError>;
  useSuspenseSlot<K extends keyof D & string>(slot: K): D[K];
}

/** The provider and hooks of one context. `provider`: the provider component's name, for the
 * missing-provider error. `params`: the context's param names (the provider takes exactly those
 * props as params). Contexts without params need no provider: their hooks work anywhere under
 * <MizanContext> (key with `{}` params). */
export function defineContext<D, P>(
  query: (params: P, client?: MizanClient) => ContextQueryOptions<D>,
  provider: string,
  ...params: string[]
): ContextBinding<D, NonNullable<P>> {
  const Provided = createContext<BundleOptions<D> | null>(null);

  function useOptions(): [BundleOptions<D>, QueryClient] {
    const provided = useContext(Provided);
    const { client, queryClient } = useMizan();
    const own = useMemo(
      () => (provided || params.length ? null : query({} as P, client)),
      [provided, client],
    );
    const options = provided ?? own;
    if (!options)
      throw new Error(
        `This hook reads the bundle of <${provider}>, and there is none above this component: render it inside <${provider} ${params.map((p) => p + "={...}").join(" ")}>`,
      );
    return [options, queryClient];
  }

  function useSlotQuery<K extends keyof D & string>(
    slot: K,
  ): UseQueryResult<D[K], MizanError> {
    const [options, queryClient] = useOptions();
    const select = useCallback((data: D) => data[slot], [slot]);
    return useQuery<D, MizanError, D[K], ContextKey>(
      { ...options, select },
      queryClient,
    );
  }

  return {
    provide(props) {
      const { client, queryClient } = useMizan();
      const values = pickParams(props, params);
      const key = stableKey(values);
      const { staleTime, refetchInterval, enabled, keepPrevious } = props;
      const options = useMemo(
        (): BundleOptions<D> => ({
          ...query(values as P, client),
          ...observerOptions(props),
        }),
        // `values` and `props` are new on every render: `key` and the options are their content.
        [client, key, staleTime, refetchInterval, enabled, keepPrevious],
      );
      // The provider observes the bundle itself (it reads nothing of the result, so it does
      // not re-render when the data changes): the fetch starts here even if no hook reads it.
      useQuery<D, MizanError, D, ContextKey>(options, queryClient);
      return createElement(
        Provided.Provider,
        { value: options },
        props.children,
      );
    },
    useContext() {
      const [options, queryClient] = useOptions();
      return useQuery<D, MizanError, D, ContextKey>(options, queryClient);
    },
    useSlot: (slot) => useSlotQuery(slot).data,
    useSlotQuery,
    useSuspenseSlot<K extends keyof D & string>(slot: K): D[K] {
      const [options, queryClient] = useOptions();
      const select = useCallback((data: D) => data[slot], [slot]);
      // Suspense queries take neither `enabled` nor `placeholderData`.
      const { queryKey, queryFn, staleTime, retry, refetchInterval } = options;
      return useSuspenseQuery<D, MizanError, D[K], ContextKey>(
        {
          queryKey,
          queryFn,
          staleTime,
          retry,
          ...(refetchInterval !== undefined && { refetchInterval }),
          select,
        },
        queryClient,
      ).data;
    },
  };
}

/** The query of a plain read function, cached by its args. */
export function useMizanQuery<A, D>(
  query: (args: A, client?: MizanClient) => FunctionQueryOptions<D>,
  args: A,
  options?: QueryHookOptions,
): UseQueryResult<D, MizanError> {
  const { client, queryClient } = useMizan();
  return useQuery<D, MizanError, D, FunctionKey>(
    { ...query(args, client), ...observerOptions(options) },
    queryClient,
  );
}

/** A paged read's `<fn>InfiniteQuery(args, pages, client?)`. */
type InfiniteQueryFactory<A, R, P> = (
  args: A,
  pages: InfinitePages<R, P>,
  client?: MizanClient,
) => FunctionInfiniteQueryOptions<R, P>;

/** The infinite query of a paged read function, cached by its args without the page param. */
export function useMizanInfiniteQuery<A, R, P>(
  query: InfiniteQueryFactory<A, R, P>,
  args: A,
  pages: InfinitePages<R, P>,
  options?: QueryHookOptions,
): UseInfiniteQueryResult<InfiniteData<R, P>, MizanError> {
  const { client, queryClient } = useMizan();
  return useInfiniteQuery<R, MizanError, InfiniteData<R, P>, InfiniteKey, P>(
    { ...query(args, pages, client), ...observerOptions(options) },
    queryClient,
  );
}

/** useMizanInfiniteQuery() that suspends while the first page loads. */
export function useSuspenseMizanInfiniteQuery<A, R, P>(
  query: InfiniteQueryFactory<A, R, P>,
  args: A,
  pages: InfinitePages<R, P>,
): UseSuspenseInfiniteQueryResult<InfiniteData<R, P>, MizanError> {
  const { client, queryClient } = useMizan();
  return useSuspenseInfiniteQuery<
    R,
    MizanError,
    InfiniteData<R, P>,
    InfiniteKey,
    P
  >(query(args, pages, client), queryClient);
}

export { merge, type Merge, type MutateOptions } from "./query";

export interface MutationState<A extends unknown[], R> {
  mutate: (...args: A) => Promise<R>;
  data: R | undefined;
  error: MizanError | null;
  status: "idle" | "pending" | "success" | "error";
  isIdle: boolean;
  isPending: boolean;
  isSuccess: boolean;
  isError: boolean;
  variables: A[0] | undefined;
  reset: () => void;
}

/** A call as a TanStack mutation: `mutate(args, { optimistic })` splices `optimistic` into every
 * merge target at once and rolls back (guarded) if the call fails; the call's own invalidations
 * and merges reach the cache through the root. */
export function useMizanMutation<A extends unknown[], R>(
  fn: string,
  call?: { upload?: boolean; websocket?: boolean },
  ...merges: Merge[]
): MutationState<A, R> {
  const { client, queryClient } = useMizan();
  const m = useMutation<R, MizanError, A, (() => void) | undefined>(
    mutationOptions<A, R>(client, queryClient, fn, call, merges),
    queryClient,
  );
  const mutateAsync = m.mutateAsync;
  const mutate = useCallback((...args: A) => mutateAsync(args), [mutateAsync]);
  return {
    mutate,
    data: m.data,
    error: m.error,
    status: m.status,
    isIdle: m.isIdle,
    isPending: m.isPending,
    isSuccess: m.isSuccess,
    isError: m.isError,
    variables: m.variables?.[0],
    reset: m.reset,
  };
}
