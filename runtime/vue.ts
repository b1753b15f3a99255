// Vue 3 binding on @tanstack/vue-query v5: the MizanPlugin root (one client and one QueryClient
// per app), context providers (`provide` in a parent's setup) and their slot composables,
// queries of plain read functions with reactive args, and mutations with optimistic merges.
// Every piece of request state belongs to an app or a component: nothing is module-level, so
// one app per server-rendered request sees only its own data.
import {
  QueryClient,
  useInfiniteQuery,
  useMutation,
  useQuery,
  VueQueryPlugin,
  type InfiniteData,
  type UseInfiniteQueryOptions,
  type UseInfiniteQueryReturnType,
  type UseQueryReturnType,
} from "@tanstack/vue-query";
import {
  computed,
  hasInjectionContext,
  inject,
  provide as provideValue,
  toValue,
  type App,
  type ComputedRef,
  type InjectionKey,
  type MaybeRefOrGetter,
  type Plugin,
  type Ref,
} from "vue";
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
  type FunctionQueryOptions,
  type InfiniteKey,
  type InfinitePages,
  type Merge,
} from "./query";

export { merge, type Merge, type MutateOptions } from "./query";

export interface MizanPluginOptions extends MizanConfig {
  client?: MizanClient;
  queryClient?: QueryClient;
}

interface Root {
  client: MizanClient;
  queryClient: QueryClient;
}

const RootKey: InjectionKey<Root> = Symbol("mizan");

/** `app.use(MizanPlugin, { baseUrl, ... })`: one client (`createMizanClient(options)` unless
 * `client` is given) and one QueryClient (unless given) for this app. It installs vue-query with
 * that QueryClient, seeds `window.__MIZAN_SSR_DATA__` into it before the app first renders, and
 * applies every call's cache effects to it; `app.unmount()` undoes all of it and disconnects the
 * client it made. */
export const MizanPlugin: Plugin<[MizanPluginOptions?]> = {
  install(app: App, options: MizanPluginOptions = {}) {
    const { client: given, queryClient: givenQueryClient, ...config } = options;
    const client = given ?? createMizanClient(config);
    const queryClient = givenQueryClient ?? new QueryClient();
    const seeded =
      typeof window === "undefined"
        ? undefined
        : hydrate(
            (window as { __MIZAN_SSR_DATA__?: Parameters<typeof hydrate>[0] })
              .__MIZAN_SSR_DATA__,
            queryClient,
          );
    app.use(VueQueryPlugin, { queryClient });
    // Seeded bundles skip only their first mount's refetch: a task after the app has mounted,
    // later mounts follow their staleTime again.
    let timer: ReturnType<typeof setTimeout> | undefined;
    if (seeded) {
      const mount = app.mount;
      app.mount = (...args: Parameters<typeof mount>) => {
        const root = mount(...args);
        timer = setTimeout(seeded);
        return root;
      };
    }
    // Every call's effects reach this app's cache: its client's, and the default client's (a
    // `call<Fn>()` made without `{ client }`). Only in a browser: a server-rendered app is never
    // unmounted, and would stay registered on the process-wide default client.
    const stop: (() => void)[] = [];
    if (typeof window !== "undefined") {
      const fallback = defaultClient();
      stop.push(client.onEffects(effectApplier(queryClient)));
      if (fallback !== client)
        stop.push(fallback.onEffects(effectApplier(queryClient)));
    }
    const cleanup = () => {
      clearTimeout(timer);
      stop.forEach((off) => off());
      if (!given) client.disconnect();
    };
    // app.onUnmount is Vue 3.5's; before it, unmount() itself is wrapped.
    if (typeof app.onUnmount === "function") app.onUnmount(cleanup);
    else {
      const unmount = app.unmount;
      app.unmount = () => {
        unmount();
        cleanup();
      };
    }
    app.provide(RootKey, { client, queryClient });
  },
};

/** The app's client and QueryClient (call it in `setup()`). */
export function useMizan(): Root {
  const root = hasInjectionContext() ? inject(RootKey, null) : null;
  if (!root)
    throw new Error(
      hasInjectionContext()
        ? 'useMizan: MizanPlugin is not installed in this app; install it where the app is created: app.use(MizanPlugin, { baseUrl: "/api/mizan" })'
        : "useMizan: called outside setup(); call Mizan composables in a component's setup() (or <script setup>)",
    );
  return root;
}

export interface QueryHookOptions {
  staleTime?: number;
  refetchInterval?: number | false;
  enabled?: MaybeRefOrGetter<boolean>;
  keepPrevious?: boolean;
}

/** TanStack observer options from a composable's options; read inside a computed, so a reactive
 * `enabled` is followed. */
const observe = (options: QueryHookOptions | undefined) =>
  observerOptions(options && { ...options, enabled: toValue(options.enabled) });

type BundleOptions<D> = ContextQueryOptions<D> & ReturnType<typeof observe>;

export interface ContextBinding<D, P> {
  /** In a parent's setup: the bundle's query for `params` (followed when they change), shared by
   * every composable of this context in its descendants. */
  provide(
    params: MaybeRefOrGetter<P>,
    options?: QueryHookOptions,
  ): UseQueryReturnType<D, MizanError>;
  useContext(): UseQueryReturnType<D, MizanError>;
  useSlot<K extends keyof D & string>(slot: K): ComputedRef<D[K] | undefined>;
  useSlotQuery<K extends keyof D & string>(
    slot: K,
  ): UseQueryReturnType<D[K], MizanError>;
  useSuspenseSlot<K extends keyof D & string>(slot: K): Promise<D[K]>;
}

/** The provide function and composables of one context. `provider`: the provide function's name
 * (for the missing-provider error); `params`: the context's param names (only those make the
 * key). Contexts without params need no provide call: their composables work anywhere in the app
 * (key with `{}` params). */
export function defineContext<D, P>(
  query: (params: P, client?: MizanClient) => ContextQueryOptions<D>,
  provider: string,
  ...params: string[]
): ContextBinding<D, NonNullable<P>> {
  const Provided: InjectionKey<Ref<BundleOptions<D>>> = Symbol(provider);

  function useOptions(): [Ref<BundleOptions<D>>, QueryClient] {
    const { client, queryClient } = useMizan();
    const provided = inject(Provided, null);
    if (provided) return [provided, queryClient];
    if (params.length)
      throw new Error(
        `This composable reads the bundle of ${provider}(), and no component above this one provides it: call ${provider}({ ${params.join(", ")} }) in the setup() of a parent component`,
      );
    return [computed(() => query({} as P, client)), queryClient];
  }

  function useSlotQuery<K extends keyof D & string>(
    slot: K,
  ): UseQueryReturnType<D[K], MizanError> {
    const [options, queryClient] = useOptions();
    const select = (data: D) => data[slot];
    return useQuery<D, MizanError, D[K], ContextKey>(
      computed(() => ({ ...options.value, select })),
      queryClient,
    );
  }

  return {
    provide(given, options) {
      const { client, queryClient } = useMizan();
      const bundle = computed((): BundleOptions<D> => {
        return {
          ...query(pickParams(toValue(given), params) as P, client),
          ...observe(options),
        };
      });
      provideValue(Provided, bundle);
      // The provider observes the bundle itself: the fetch starts here even if nothing reads it.
      return useQuery<D, MizanError, D, ContextKey>(bundle, queryClient);
    },
    useContext() {
      const [options, queryClient] = useOptions();
      return useQuery<D, MizanError, D, ContextKey>(options, queryClient);
    },
    useSlot(slot) {
      const { data } = useSlotQuery(slot);
      return computed(() => data.value);
    },
    useSlotQuery,
    async useSuspenseSlot(slot) {
      // Everything up to the first await runs in setup(), where inject works.
      const result = await useSlotQuery(slot).suspense();
      if (result.error) throw result.error;
      return result.data as D[typeof slot];
    },
  };
}

/** The query of a plain read function, cached by its args: when `args` change (a ref or a
 * getter), it fetches the new args and aborts the old request. */
export function useMizanQuery<A, D>(
  query: (args: A, client?: MizanClient) => FunctionQueryOptions<D>,
  args: MaybeRefOrGetter<A>,
  options?: QueryHookOptions,
): UseQueryReturnType<D, MizanError> {
  const { client, queryClient } = useMizan();
  return useQuery<D, MizanError, D, FunctionKey>(
    computed(() => ({
      ...query(toValue(args), client),
      ...observe(options),
    })),
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
  args: MaybeRefOrGetter<A>,
  pages: InfinitePages<R, P>,
  options?: QueryHookOptions,
): UseInfiniteQueryReturnType<InfiniteData<R, P>, MizanError> {
  const { client, queryClient } = useMizan();
  // A generic page param is not provably a MaybeRefDeep<P> (vue-query unrefs options deeply).
  return useInfiniteQuery<R, MizanError, InfiniteData<R, P>, InfiniteKey, P>(
    computed(
      () =>
        ({
          ...query(toValue(args), pages, client),
          ...observe(options),
        }) as UseInfiniteQueryOptions<
          R,
          MizanError,
          InfiniteData<R, P>,
          InfiniteKey,
          P
        >,
    ),
    queryClient,
  );
}

export interface MutationState<A extends unknown[], R> {
  mutate: (...args: A) => Promise<R>;
  data: Ref<R | undefined>;
  error: Ref<MizanError | null>;
  status: Ref<"idle" | "pending" | "success" | "error">;
  isIdle: Ref<boolean>;
  isPending: Ref<boolean>;
  isSuccess: Ref<boolean>;
  isError: Ref<boolean>;
  variables: Ref<A[0] | undefined>;
  reset: () => void;
}

/** A call as a vue-query mutation: `mutate(args, { optimistic })` splices `optimistic` into every
 * merge target at once and rolls back (guarded) if the call fails; the call's own invalidations
 * and merges reach the cache through the plugin. Every field is a Ref. */
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
  return {
    mutate: (...args: A) => m.mutateAsync(args),
    data: m.data,
    error: m.error,
    status: m.status,
    isIdle: m.isIdle,
    isPending: m.isPending,
    isSuccess: m.isSuccess,
    isError: m.isError,
    variables: computed(() => m.variables.value?.[0]),
    reset: m.reset,
  };
}
