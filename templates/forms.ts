{{ header }}
"use client";
{%- if !imports.is_empty() %}
{% endif %}
{%- for i in imports %}
{{ i }}
{%- endfor %}

{{ reexport }}
{%- for f in forms %}
{%- for d in f %}

{{ d }}
{%- endfor %}
{%- endfor %}
