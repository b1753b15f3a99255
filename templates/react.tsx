{{ header }}
"use client";
{%- if !imports.is_empty() %}
{% endif %}
{%- for i in imports %}
{{ i }}
{%- endfor %}

{{ reexport }}
{%- for c in contexts %}
{%- for d in c %}

{{ d }}
{%- endfor %}
{%- endfor %}
{%- for h in hooks %}

{{ h }}
{%- endfor %}
