{{ header }}
"use client";
{% for i in imports %}
{{ i }}
{%- endfor %}

{{ reexport }}
{%- for f in forms %}
{%- for d in f %}

{{ d }}
{%- endfor %}
{%- endfor %}
