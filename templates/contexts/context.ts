{{ header }}
import { mizanFetch } from {{ kernel }};
{%- if uses_types %}
import type * as T from "../types";
{%- endif %}
{%- for d in declarations %}

{{ d }}
{%- endfor %}
