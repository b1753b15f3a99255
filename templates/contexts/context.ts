{{ header }}
{%- for i in imports %}
{{ i }}
{%- endfor %}
{%- for d in declarations %}

{{ d }}
{%- endfor %}
