{{ header }}
{%- for t in types %}

{{ t }}
{%- endfor %}
{%- if types.is_empty() %}

export {};
{%- endif %}
