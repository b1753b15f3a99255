{{ header }}
{%- for t in types %}

{{ t }}
{%- endfor %}
