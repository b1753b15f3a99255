{{ header }}
{%- for i in imports %}
{{ i }}
{%- endfor %}

export type * from "./types";
{%- if !types_by_name.is_empty() %}
{{ types_by_name }}
{%- endif %}
{%- for c in context_modules %}
export * from {{ c }};
{%- endfor %}
export * from {{ kernel }};
{%- if with_queries %}
export * from "./runtime/query";
{%- endif %}
{%- for f in functions %}

{{ f }}
{%- endfor %}
