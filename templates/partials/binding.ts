{#- A framework layer's binding file: the head, then per context its declarations, then the hooks. -#}
{{ b.header }}
{%- if b.use_client %}
"use client";
{%- if !b.imports.is_empty() %}
{% endif %}
{%- endif %}
{%- for i in b.imports %}
{{ i }}
{%- endfor %}
{%- if !b.reexport.is_empty() %}

{{ b.reexport }}
{%- endif %}
{%- for c in b.contexts %}
{%- for d in c %}

{{ d }}
{%- endfor %}
{%- endfor %}
{%- for h in b.hooks %}

{{ h }}
{%- endfor %}
