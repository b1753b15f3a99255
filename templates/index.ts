{{ header }}
{%- if has_kernel_imports %}
import { {{ kernel_imports }} } from {{ kernel }};
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
  ChannelSubscription,
  ContextHandle,
  ContextObserver,
  ContextState,
  ContextStatus,
  MizanConfig,
  MizanTransport,
} from {{ kernel }};
{%- for f in functions %}

{{ f.doc }}export function {{ f.name }}({{ f.params }}): {{ f.returns }} {
  return {{ f.body }};
}
{%- endfor %}
{%- for m in stage2 %}
{%- if loop.first %}
{% endif %}
export * from "{{ m }}";
{%- endfor %}
