{{ header }}
import { mizanFetch } from {{ kernel }};
{%- if uses_types %}
import type * as T from "../types";
{%- endif %}

{{ data_doc }}export interface {{ ident }}ContextData {
{%- for s in slots %}
{{ s.doc }}  {{ s.text }};
{%- endfor %}
}

{% if has_params %}export interface {{ ident }}ContextParams {
{%- for p in params %}
  {{ p }};
{%- endfor %}
}
{%- else %}export type {{ ident }}ContextParams = Record<string, never>;
{%- endif %}

/** Fetches the {{ wire_literal }} context bundle. */
export function fetch{{ ident }}Context(params: {{ ident }}ContextParams{{ params_default }}): Promise<{{ ident }}ContextData> {
  return mizanFetch({{ wire_literal }}, params);
}
