{#- The header, "use client" (React), the imports and the runtime re-export. -#}
{% include "partials/client-module-head.ts" %}
{%- for f in forms %}
{%- for d in f %}

{{ d }}
{%- endfor %}
{%- endfor %}
