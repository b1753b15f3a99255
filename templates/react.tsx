{{ header }}
{{ react_import }}
{{ kernel_import }}
{%- if uses_types %}
import type * as T from "./types";
{%- endif %}
{%- for i in context_imports %}
{{ i }}
{%- endfor %}

/** A context's state (`data`, `status`, `error`) and `refetch()`. */
export type ContextValue<D> = ContextState<D> & {
  refetch: () => Promise<void>;
};

/** What every provider takes besides its context's params. */
export interface ProviderProps {
  children?: ReactNode;
}
{%- if has_contexts %}

/** Registers a context while mounted (StrictMode's double mount makes no extra request) and
 * reads it during render, so server rendering with hydrated data needs no request either. */
function useRegistered<D>(context: string, params: object): ContextHandle<D> {
  const key = context + stableKey(params);
  const [registered, setRegistered] = useState<{
    key: string;
    handle: ContextHandle<D>;
  } | null>(null);
  useEffect(() => {
    const handle = registerContext<D>(context, params);
    setRegistered({ key, handle });
    return () => handle.unregister();
    // `key` stands for `context` and `params`.
  }, [key]);
  const observer = useMemo(
    () => ({
      ...observeContext<D>(context, params),
      refetch: () => Promise.resolve(),
      unregister: () => undefined,
    }),
    [key],
  );
  return registered?.key === key ? registered.handle : observer;
}

/** The React context that carries one context's handle to the hooks below its provider. */
function createHandle<D>(): Context<ContextHandle<D> | null> {
  return createContext<ContextHandle<D> | null>(null);
}

function provide<D>(
  Handle: Context<ContextHandle<D> | null>,
  handle: ContextHandle<D>,
  children: ReactNode,
) {
  return <Handle.Provider value={handle}>{children}</Handle.Provider>;
}

/** The state of the nearest provider's bundle; `missing` is the error when there is none. */
function useHandle<D>(
  Handle: Context<ContextHandle<D> | null>,
  missing: string,
): ContextValue<D> {
  const handle = useContext(Handle);
  if (!handle) throw new Error(missing);
  const state = useSyncExternalStore(
    handle.subscribe,
    handle.getState,
    handle.getState,
  );
  return useMemo(
    () => ({ ...state, refetch: handle.refetch }),
    [state, handle],
  );
}
{%- endif %}

export interface MizanContextProps extends MizanConfig {
  children?: ReactNode;
}

{% if has_global -%}
/** The root of a Mizan app: configures the client with its props and provides the global context. */
{%- else -%}
/** The root of a Mizan app: configures the client with its props. */
{%- endif %}
export function MizanContext({ children, ...config }: MizanContextProps) {
  // Configured during render, before any provider below registers (and fetches).
  configure(config);
  return {% if has_global %}<GlobalContext>{children}</GlobalContext>{% else %}<>{children}</>{% endif %};
}

/** Untyped escape hatches: call any function, fetch any context. */
export function useMizan(): {
  call: typeof mizanCall;
  fetch: typeof mizanFetch;
} {
  return { call: mizanCall, fetch: mizanFetch };
}
{%- for c in contexts %}
{%- for d in c %}

{{ d }}
{%- endfor %}
{%- endfor %}
{%- if has_mutations %}

/** What a function's hook returns. `mutate()` rejects with the MizanError it also stores. */
export interface MutationState<A extends unknown[], R> {
  mutate: (...args: A) => Promise<R>;
  data: R | null;
  error: MizanError | null;
  isPending: boolean;
  reset: () => void;
}

export interface MutateOptions<R> {
  /** A predicted result, shown in the merged slot at once and rolled back if the call fails. */
  optimistic?: R;
}

/** Where a function's result is merged: context, slot, and the arguments that scope it. */
type Merge = [context: string, slot: string, scope: string[]];
{%- if has_merges %}

function merge(context: string, slot: string, ...scope: string[]): Merge {
  return [context, slot, scope];
}
{%- endif %}

/** The hook of one server function. Its arguments are `(args?, { optimistic }?)`; with an
 * optimistic result, every merge target shows it at once and gets back its old value if the
 * call fails. */
function useMutation<A extends unknown[], R>(
  fn: string,
  options: CallOptions = {},
  ...merges: Merge[]
): MutationState<A, R> {
  const [state, setState] = useState<{
    data: R | null;
    error: MizanError | null;
    isPending: boolean;
  }>({ data: null, error: null, isPending: false });
  const mutate = useCallback(async (...callArgs: A): Promise<R> => {
    const [args = {}, mutateOptions] = callArgs as unknown as [
      Record<string, unknown>?,
      MutateOptions<R>?,
    ];
    setState((s) => ({ ...s, error: null, isPending: true }));
    const optimistic = mutateOptions?.optimistic;
    const undo =
      optimistic === undefined
        ? []
        : merges.map(([context, slot, scope]) =>
            spliceSlot(
              context,
              slot,
              optimistic,
              scope.length
                ? Object.fromEntries(scope.map((p) => [p, args[p]]))
                : undefined,
            ),
          );
    try {
      const data = await mizanCall<R>(fn, args, options);
      setState({ data, error: null, isPending: false });
      return data;
    } catch (e) {
      for (const restore of undo.reverse()) restore();
      const error =
        e instanceof MizanError ? e : new MizanError("CLIENT_ERROR", String(e));
      setState((s) => ({ ...s, error, isPending: false }));
      throw error;
    }
    // `fn`, `options` and `merges` are fixed for a given hook.
  }, []);
  const reset = useCallback(
    () => setState({ data: null, error: null, isPending: false }),
    [],
  );
  return useMemo(() => ({ ...state, mutate, reset }), [state, mutate, reset]);
}
{%- endif %}
{%- for m in mutations %}

{{ m }}
{%- endfor %}
