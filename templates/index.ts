{{ header }}
{%- if !kernel_import.is_empty() %}
{{ kernel_import }}
{%- endif %}
{%- if uses_types %}
import type * as T from "./types";
{%- endif %}

export type * from "./types";
{%- for c in context_files %}
export * from "./contexts/{{ c }}";
{%- endfor %}
export {
  configure,
  disconnect,
  hydrate,
  initSession,
  invalidate,
  MizanError,
  mizanCall,
  mizanFetch,
  observeContext,
  registerContext,
  spliceSlot,
  stableKey,
  subscribeChannel,
} from {{ kernel }};
export type {
  CallOptions,
  ChannelListener,
  ChannelSubscription,
  ContextHandle,
  ContextObserver,
  ContextState,
  ContextStatus,
  MizanConfig,
  MizanTransport,
} from {{ kernel }};
{%- for f in functions %}

{{ f }}
{%- endfor %}
{%- for m in stage2 %}
{%- if loop.first %}
{% endif %}
export * from "{{ m }}";
{%- endfor %}
