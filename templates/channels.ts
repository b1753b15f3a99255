{#- The header, "use client" (React), the imports and the runtime re-export. -#}
{% include "partials/client-module-head.ts" %}
{%- for c in channels %}

{{ c }}
{%- endfor %}
