{{ header }}
"use client";
{% for i in imports %}
{{ i }}
{%- endfor %}

{{ reexport }}
{%- for c in channels %}

{{ c }}
{%- endfor %}
