{{ header }}
{%- for t in types %}

{{ t.doc }}
{%- if t.is_interface %}export interface {{ t.ident }} {
{%- for m in t.members %}
{{ m.doc }}  {{ m.text }};
{%- endfor %}
}
{%- else %}export type {{ t.ident }} = {{ t.alias }};
{%- endif %}
{%- endfor %}
