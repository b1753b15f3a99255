{#- The header, "use client", the imports and the runtime re-export. -#}
{% include "partials/client-module-head.ts" %}
{%- for c in contexts %}
{%- for d in c %}

{{ d }}
{%- endfor %}
{%- endfor %}
{%- for h in hooks %}

{{ h }}
{%- endfor %}
