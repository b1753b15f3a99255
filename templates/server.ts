{{ header }}
{%- for i in imports %}
{{ i }}
{%- endfor %}

export type * from "./types";
{%- for c in context_files %}
export * from "./contexts/{{ c }}";
{%- endfor %}
export * from {{ kernel }};
{%- if with_queries %}
export * from "./runtime/query";
{%- endif %}
{%- for f in functions %}

{{ f }}
{%- endfor %}
