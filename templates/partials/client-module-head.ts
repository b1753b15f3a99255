{{ header }}
"use client";
{%- if !imports.is_empty() %}
{% endif %}
{%- for i in imports %}
{{ i }}
{%- endfor %}
{%- if !reexport.is_empty() %}

{{ reexport }}
{%- endif %}
