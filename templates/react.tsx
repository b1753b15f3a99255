{{ header }}
import { {{ react_imports }} } from "react";
import {
{%- for i in kernel_imports %}
  {{ i }},
{%- endfor %}
} from {{ kernel }};
{%- if uses_types %}
import type * as T from "./types";
{%- endif %}
{%- for c in contexts %}
import type { {{ c.ident }}ContextData{% if c.has_params %}, {{ c.ident }}ContextParams{% endif %} } from "./contexts/{{ c.file }}";
{%- endfor %}

/** A context's state (`data`, `status`, `error`) and `refetch()`. */
export type ContextValue<D> = ContextState<D> & { refetch: () => Promise<void> };
{%- if has_contexts %}

/** Registers a context while mounted (StrictMode's double mount makes no extra request) and
 * reads it during render, so server rendering with hydrated data needs no request either. */
function useRegistered<D>(context: string, params: object): ContextHandle<D> {
  const key = context + stableKey(params);
  const [registered, setRegistered] = useState<{ key: string; handle: ContextHandle<D> } | null>(null);
  useEffect(() => {
    const handle = registerContext<D>(context, params);
    setRegistered({ key, handle });
    return () => handle.unregister();
    // `key` stands for `context` and `params`.
  }, [key]);
  const observer = useMemo(
    () => ({ ...observeContext<D>(context, params), refetch: () => Promise.resolve(), unregister: () => undefined }),
    [key],
  );
  return registered?.key === key ? registered.handle : observer;
}

function useValue<D>(handle: ContextHandle<D>): ContextValue<D> {
  const state = useSyncExternalStore(handle.subscribe, handle.getState, handle.getState);
  return useMemo(() => ({ ...state, refetch: handle.refetch }), [state, handle]);
}
{%- endif %}

export interface MizanContextProps extends MizanConfig {
  children?: ReactNode;
}

/** The root of a Mizan app: configures the client with its props{% if has_global %} and provides the global context{% endif %}. */
export function MizanContext({ children, ...config }: MizanContextProps) {
  // Configured during render, before any provider below registers (and fetches).
  configure(config);
  return {% if has_global %}<GlobalContext>{children}</GlobalContext>{% else %}<>{children}</>{% endif %};
}

/** Untyped escape hatches: call any function, fetch any context. */
export function useMizan(): { call: typeof mizanCall; fetch: typeof mizanFetch } {
  return { call: mizanCall, fetch: mizanFetch };
}
{%- for c in contexts %}

const {{ c.ident }}Handle = createContext<ContextHandle<{{ c.ident }}ContextData> | null>(null);
{%- if !c.has_params %}

{{ c.doc }}export function {{ c.ident }}Context({ children }: { children?: ReactNode }) {
  const handle = useRegistered<{{ c.ident }}ContextData>({{ c.wire }}, {});
  return <{{ c.ident }}Handle.Provider value={handle}>{children}</{{ c.ident }}Handle.Provider>;
}
{%- else %}

export type {{ c.ident }}ContextProps = {{ c.ident }}ContextParams & { children?: ReactNode };

{{ c.doc }}export function {{ c.ident }}Context({ children, ...params }: {{ c.ident }}ContextProps) {
  const handle = useRegistered<{{ c.ident }}ContextData>({{ c.wire }}, params);
  return <{{ c.ident }}Handle.Provider value={handle}>{children}</{{ c.ident }}Handle.Provider>;
}
{%- endif %}

export const {{ c.ident }}ContextProvider = {{ c.ident }}Context;

/** The state of the nearest `{{ c.ident }}Context` bundle. */
export function use{{ c.ident }}Context(): ContextValue<{{ c.ident }}ContextData> {
  const handle = useContext({{ c.ident }}Handle);
  if (!handle) throw new Error({{ c.missing_provider }});
  return useValue(handle);
}
{%- for s in c.slots %}

{{ s.doc }}export function {{ s.hook }}(): {{ s.ty }} {
  return use{{ c.ident }}Context().data{{ s.access }} ?? null;
}
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

function useMutation<A extends unknown[], R>(run: (...args: A) => Promise<R>): MutationState<A, R> {
  const [state, setState] = useState<{ data: R | null; error: MizanError | null; isPending: boolean }>({ data: null, error: null, isPending: false });
  const latest = useRef(run);
  latest.current = run;
  const mutate = useCallback(async (...args: A): Promise<R> => {
    setState((s) => ({ ...s, error: null, isPending: true }));
    try {
      const data = await latest.current(...args);
      setState({ data, error: null, isPending: false });
      return data;
    } catch (e) {
      const error = e instanceof MizanError ? e : new MizanError("CLIENT_ERROR", String(e));
      setState((s) => ({ ...s, error, isPending: false }));
      throw error;
    }
  }, []);
  const reset = useCallback(() => setState({ data: null, error: null, isPending: false }), []);
  return useMemo(() => ({ ...state, mutate, reset }), [state, mutate, reset]);
}
{%- endif %}
{%- for m in mutations %}

{{ m.doc }}export function {{ m.hook }}(): MutationState<[{{ m.params }}], {{ m.result }}> {
  return useMutation({{ m.run }});
}
{%- endfor %}
