{{ header }}
{%- if use_client %}
"use client";
{%- if !imports.is_empty() %}
{% endif %}
{%- endif %}
{%- for i in imports %}
{{ i }}
{%- endfor %}
{%- if !reexport.is_empty() %}

{{ reexport }}
{%- endif %}
